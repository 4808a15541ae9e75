// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// A direct scanner with the same token boundaries and messages as Go's text/template lexer.

#include "template_lexer.h"

#include <cctype>
#include <cstdio>
#include <map>

namespace gpuext::helm::internal {
namespace {

constexpr std::string_view kLeft = "{{";
constexpr std::string_view kRight = "}}";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlnum(char c) {
  return c == '_' || std::isalnum(static_cast<unsigned char>(c)) ||
         static_cast<unsigned char>(c) >= 0x80;
}

const std::map<std::string, TokenType, std::less<>>& Keywords() {
  static const auto* k = new std::map<std::string, TokenType, std::less<>>{
      {"block", TokenType::kBlock},
      {"break", TokenType::kBreak},
      {"continue", TokenType::kContinue},
      {"define", TokenType::kDefine},
      {"else", TokenType::kElse},
      {"end", TokenType::kEnd},
      {"if", TokenType::kIf},
      {"range", TokenType::kRange},
      {"nil", TokenType::kNil},
      {"template", TokenType::kTemplate},
      {"with", TokenType::kWith},
  };
  return *k;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : in_(text) {}

  std::vector<Token> Run() {
    while (LexText()) {
    }
    return std::move(out_);
  }

 private:
  void Emit(TokenType t, size_t start, size_t end) {
    out_.push_back({t, start, std::string(in_.substr(start, end - start)), LineAt(start)});
  }
  void EmitVal(TokenType t, size_t start, std::string val) {
    out_.push_back({t, start, std::move(val), LineAt(start)});
  }
  bool Fail(const std::string& msg) {
    out_.push_back({TokenType::kError, pos_, msg, LineAt(pos_)});
    return false;
  }
  size_t LineAt(size_t p) {
    while (line_pos_ < p && line_pos_ < in_.size()) {
      if (in_[line_pos_] == '\n')
        ++line_;
      ++line_pos_;
    }
    return line_;
  }

  // Scans text up to the next action; returns false at the end or on error.
  bool LexText() {
    size_t start = pos_;
    size_t next = in_.find(kLeft, pos_);
    if (next == std::string_view::npos) {
      if (start < in_.size())
        EmitVal(TokenType::kText, start, std::string(in_.substr(start)));
      out_.push_back({TokenType::kEOF, in_.size(), "", LineAt(in_.size())});
      return false;
    }
    size_t text_end = next;
    size_t after = next + kLeft.size();
    bool trim = after + 1 < in_.size() && in_[after] == '-' && IsSpace(in_[after + 1]);
    if (trim) {
      while (text_end > start && IsSpace(in_[text_end - 1]))
        --text_end;
    }
    if (text_end > start)
      EmitVal(TokenType::kText, start, std::string(in_.substr(start, text_end - start)));
    pos_ = after + (trim ? 2 : 0);
    // A comment directly after the delimiter (and trim marker).
    if (in_.substr(pos_, 2) == "/*") {
      size_t close = in_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) {
        pos_ = next;
        return Fail("unclosed comment");
      }
      pos_ = close + 2;
      bool rtrim = false;
      if (pos_ + 1 < in_.size() && IsSpace(in_[pos_]) && in_[pos_ + 1] == '-' &&
          in_.substr(pos_ + 2, 2) == kRight) {
        rtrim = true;
        pos_ += 2;
      }
      if (in_.substr(pos_, 2) != kRight)
        return Fail("comment ends before closing delimiter");
      pos_ += 2;
      if (rtrim)
        SkipSpace();
      return true;
    }
    Emit(TokenType::kLeftDelim, next, next + kLeft.size());
    return LexInsideAction();
  }

  void SkipSpace() {
    while (pos_ < in_.size() && IsSpace(in_[pos_]))
      ++pos_;
  }

  // At " -}}" or "}}"? Returns the length of the closing sequence (0 if not there).
  size_t AtRightDelim(bool& trim) const {
    trim = false;
    if (pos_ + 1 < in_.size() && IsSpace(in_[pos_]) && in_[pos_ + 1] == '-' &&
        in_.substr(pos_ + 2, 2) == kRight) {
      trim = true;
      return 4;
    }
    if (in_.substr(pos_, 2) == kRight)
      return 2;
    return 0;
  }

  bool LexInsideAction() {
    int paren_depth = 0;
    while (true) {
      bool trim = false;
      size_t close = AtRightDelim(trim);
      if (close > 0) {
        if (paren_depth > 0) {
          // Go reports the unclosed parenthesis at the delimiter.
          return Fail("unclosed left paren");
        }
        Emit(TokenType::kRightDelim, trim ? pos_ + 2 : pos_, pos_ + close);
        pos_ += close;
        if (trim)
          SkipSpace();
        return true;
      }
      if (pos_ >= in_.size())
        return Fail("unclosed action");
      char c = in_[pos_];
      size_t start = pos_;
      if (IsSpace(c)) {
        SkipSpace();
        // Leave the space of a " -}}" for the delimiter check.
        if (pos_ - start > 1 && in_[pos_] == '-' && in_.substr(pos_ + 1, 2) == kRight)
          --pos_;
        if (pos_ > start)
          Emit(TokenType::kSpace, start, pos_);
      } else if (c == '=') {
        ++pos_;
        Emit(TokenType::kAssign, start, pos_);
      } else if (c == ':') {
        if (pos_ + 1 >= in_.size() || in_[pos_ + 1] != '=')
          return Fail("expected :=");
        pos_ += 2;
        Emit(TokenType::kDeclare, start, pos_);
      } else if (c == '|') {
        ++pos_;
        Emit(TokenType::kPipe, start, pos_);
      } else if (c == '"') {
        if (!LexQuote())
          return false;
      } else if (c == '`') {
        size_t end = in_.find('`', pos_ + 1);
        if (end == std::string_view::npos)
          return Fail("unterminated raw quoted string");
        pos_ = end + 1;
        Emit(TokenType::kRawString, start, pos_);
      } else if (c == '$') {
        ++pos_;
        while (pos_ < in_.size() && IsAlnum(in_[pos_]))
          ++pos_;
        if (!AtTerminator())
          return Fail("bad character " + Quoted(in_[pos_]));
        Emit(TokenType::kVariable, start, pos_);
      } else if (c == '\'') {
        if (!LexChar())
          return false;
      } else if (c == '.') {
        if (pos_ + 1 < in_.size() && std::isdigit(static_cast<unsigned char>(in_[pos_ + 1]))) {
          if (!LexNumber())
            return false;
        } else {
          ++pos_;
          if (pos_ < in_.size() && IsAlnum(in_[pos_])) {
            while (pos_ < in_.size() && IsAlnum(in_[pos_]))
              ++pos_;
            if (!AtTerminator())
              return Fail("bad character " + Quoted(in_[pos_]));
            Emit(TokenType::kField, start, pos_);
          } else {
            Emit(TokenType::kDot, start, pos_);
          }
        }
      } else if (c == '+' || c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
        if (!LexNumber())
          return false;
      } else if (IsAlnum(c)) {
        while (pos_ < in_.size() && IsAlnum(in_[pos_]))
          ++pos_;
        std::string_view word = in_.substr(start, pos_ - start);
        // Go requires a word to be followed by space, a delimiter or punctuation.
        if (!AtTerminator())
          return Fail("bad character " + Quoted(in_[pos_]));
        auto kw = Keywords().find(word);
        if (kw != Keywords().end()) {
          Emit(kw->second, start, pos_);
        } else if (word == "true" || word == "false") {
          Emit(TokenType::kBool, start, pos_);
        } else {
          Emit(TokenType::kIdentifier, start, pos_);
        }
      } else if (c == '(') {
        ++pos_;
        ++paren_depth;
        Emit(TokenType::kLeftParen, start, pos_);
      } else if (c == ')') {
        ++pos_;
        --paren_depth;
        if (paren_depth < 0)
          return Fail("unexpected right paren");
        Emit(TokenType::kRightParen, start, pos_);
      } else if (c == ',') {
        ++pos_;
        Emit(TokenType::kComma, start, pos_);
      } else {
        return Fail("unrecognized character in action: " + Quoted(c));
      }
    }
  }

  // Go's %#U: U+003D '='.
  static std::string Quoted(char c) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned char>(c));
    return std::string(buf) + " '" + std::string(1, c) + "'";
  }

  // Go's lexer wants a word to end at space, punctuation, the end or the right delimiter.
  bool AtTerminator() const {
    if (pos_ >= in_.size())
      return true;
    char c = in_[pos_];
    return IsSpace(c) || std::string_view(".,|:)(").find(c) != std::string_view::npos ||
           in_.substr(pos_, 2) == kRight;
  }

  bool LexQuote() {
    size_t start = pos_;
    ++pos_;
    while (true) {
      if (pos_ >= in_.size() || in_[pos_] == '\n')
        return Fail("unterminated quoted string");
      char c = in_[pos_++];
      if (c == '\\') {
        if (pos_ >= in_.size() || in_[pos_] == '\n')
          return Fail("unterminated quoted string");
        ++pos_;
      } else if (c == '"') {
        break;
      }
    }
    Emit(TokenType::kString, start, pos_);
    return true;
  }

  bool LexChar() {
    size_t start = pos_;
    ++pos_;
    while (true) {
      if (pos_ >= in_.size() || in_[pos_] == '\n')
        return Fail("unterminated character constant");
      char c = in_[pos_++];
      if (c == '\\') {
        if (pos_ >= in_.size() || in_[pos_] == '\n')
          return Fail("unterminated character constant");
        ++pos_;
      } else if (c == '\'') {
        break;
      }
    }
    Emit(TokenType::kCharConstant, start, pos_);
    return true;
  }

  bool LexNumber() {
    size_t start = pos_;
    if (in_[pos_] == '+' || in_[pos_] == '-')
      ++pos_;
    std::string_view digits = "0123456789_";
    if (pos_ + 1 < in_.size() && in_[pos_] == '0' &&
        std::string_view("xXoObB").find(in_[pos_ + 1]) != std::string_view::npos) {
      char k = static_cast<char>(std::tolower(in_[pos_ + 1]));
      pos_ += 2;
      digits = k == 'x' ? "0123456789abcdefABCDEF_" : k == 'o' ? "01234567_" : "01_";
    }
    auto accept_run = [&](std::string_view set) {
      while (pos_ < in_.size() && set.find(in_[pos_]) != std::string_view::npos)
        ++pos_;
    };
    accept_run(digits);
    if (pos_ < in_.size() && in_[pos_] == '.') {
      ++pos_;
      accept_run(digits);
    }
    if (digits.size() == 11 && pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-'))
        ++pos_;
      accept_run("0123456789_");
    } else if (digits.size() == 23 && pos_ < in_.size() && (in_[pos_] == 'p' || in_[pos_] == 'P')) {
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-'))
        ++pos_;
      accept_run("0123456789_");
    }
    if (pos_ < in_.size() && in_[pos_] == 'i')
      ++pos_;
    if (pos_ < in_.size() && IsAlnum(in_[pos_])) {
      ++pos_;
      return Fail("bad number syntax: \"" + std::string(in_.substr(start, pos_ - start)) + "\"");
    }
    Emit(TokenType::kNumber, start, pos_);
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t line_pos_ = 0;
  std::vector<Token> out_;
};

}  // namespace

std::vector<Token> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace gpuext::helm::internal
