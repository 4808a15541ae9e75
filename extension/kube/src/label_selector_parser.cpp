// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The string form of label selectors (`?labelSelector=`).
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/field_errors.h"
#include "gpuext/kube/selector.h"
#include "label_requirements.h"

namespace gpuext::kube {
namespace {

using nlohmann::json;
using Op = LabelRequirement::Operator;

// The label selector lexer and parser, a port of k8s.io/apimachinery/pkg/labels/selector.go.
// Its quirks are kept on purpose (values "in"/"notin", `x in ()` meaning {""}, a NUL byte read
// as the end of a token), so a selector means here what it means to the API server.

enum class Token {
  kError,
  kEndOfString,
  kClosedPar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

std::optional<Token> LiteralToken(std::string_view s) {
  static constexpr std::pair<std::string_view, Token> kLiterals[] = {
      {")", Token::kClosedPar},     {",", Token::kComma},    {"!", Token::kDoesNotExist},
      {"==", Token::kDoubleEquals}, {"=", Token::kEquals},   {">", Token::kGreaterThan},
      {"in", Token::kIn},           {"<", Token::kLessThan}, {"!=", Token::kNotEquals},
      {"notin", Token::kNotIn},     {"(", Token::kOpenPar},
  };
  for (const auto& [literal, token] : kLiterals) {
    if (literal == s) {
      return token;
    }
  }
  return std::nullopt;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsSpecialSymbol(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

struct ScannedItem {
  Token token = Token::kError;
  std::string_view literal;  // points into the selector text
  size_t position = 0;       // byte offset of the token in the selector text
};

// Splits a selector into tokens. Confined to one thread; borrows `text`.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  ScannedItem Lex() {
    char c = Read();
    while (IsWhitespace(c)) {
      c = Read();
    }
    if (c == '\0') {
      return {Token::kEndOfString, {}, pos_};
    }
    Unread();
    return IsSpecialSymbol(c) ? ScanSpecialSymbol() : ScanIdOrKeyword();
  }

 private:
  // Like Go's lexer: '\0' stands for the end, and a NUL byte in the text reads as one.
  char Read() { return pos_ < text_.size() ? text_[pos_++] : '\0'; }
  void Unread() { --pos_; }

  ScannedItem ScanIdOrKeyword() {
    const size_t start = pos_;
    size_t end = start;
    while (true) {
      const char c = Read();
      if (c == '\0') {
        break;
      }
      if (IsSpecialSymbol(c) || IsWhitespace(c)) {
        Unread();
        break;
      }
      end = pos_;
    }
    const std::string_view literal = text_.substr(start, end - start);
    return {LiteralToken(literal).value_or(Token::kIdentifier), literal, start};
  }

  // Longest match among the operator literals ("!=" rather than "!").
  ScannedItem ScanSpecialSymbol() {
    const size_t start = pos_;
    ScannedItem last{Token::kError, {}, start};
    while (true) {
      const char c = Read();
      if (c == '\0') {
        break;
      }
      if (!IsSpecialSymbol(c)) {
        Unread();
        break;
      }
      const std::string_view buffer = text_.substr(start, pos_ - start);
      if (const std::optional<Token> token = LiteralToken(buffer)) {
        last = {*token, buffer, start};
      } else if (last.token != Token::kError) {
        Unread();
        break;
      }
    }
    return last;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Parses one label selector. Confined to one thread; borrows `text`.
class LabelParser {
 public:
  explicit LabelParser(std::string_view text) : text_(text) {
    Lexer lexer(text);
    do {
      items_.push_back(lexer.Lex());
    } while (items_.back().token != Token::kEndOfString);
  }

  std::vector<LabelRequirement> Parse() {
    std::vector<LabelRequirement> requirements;
    while (true) {
      const ScannedItem item = Lookahead(Context::kValues);
      if (item.token == Token::kEndOfString) {
        return requirements;
      }
      if (item.token != Token::kIdentifier && item.token != Token::kDoesNotExist) {
        Fail(item, "found '{}', expected: !, identifier, or 'end of string'");
      }
      requirements.push_back(ParseRequirement());
      const ScannedItem next = Consume(Context::kValues);
      if (next.token == Token::kEndOfString) {
        return requirements;
      }
      if (next.token != Token::kComma) {
        Fail(next, "found '{}', expected: ',' or 'end of string'");
      }
      const ScannedItem after = Lookahead(Context::kValues);
      if (after.token != Token::kIdentifier && after.token != Token::kDoesNotExist) {
        Fail(after, "found '{}', expected: identifier after ','");
      }
    }
  }

 private:
  // "in" and "notin" are operators after a key but plain identifiers where a key or a value is
  // expected, so `in in (in, notin)` is a valid selector.
  enum class Context { kKeyAndOperator, kValues };

  [[noreturn]] void Fail(size_t position, std::string_view message) const {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("invalid label selector {:?} at position {}: {}", text_, position, message));
  }

  // `format` has one {} for the literal of `item`.
  [[noreturn]] void Fail(const ScannedItem& item, fmt::format_string<std::string_view> format,
                         std::string_view prefix = {}) const {
    Fail(item.position,
         fmt::format("{}{}", prefix, fmt::format(format, std::string_view(item.literal))));
  }

  // Errors inside one requirement read "unable to parse requirement: ..." as in Kubernetes.
  [[noreturn]] void FailRequirement(const ScannedItem& item,
                                    fmt::format_string<std::string_view> format) const {
    Fail(item, format, "unable to parse requirement: ");
  }

  ScannedItem Lookahead(Context context) const { return Adjust(Current(), context); }

  ScannedItem Consume(Context context) {
    const ScannedItem item = Adjust(Current(), context);
    ++position_;
    return item;
  }

  // Every path stops at the first kEndOfString consumed; the clamp makes that a non-issue.
  const ScannedItem& Current() const { return items_[std::min(position_, items_.size() - 1)]; }

  static ScannedItem Adjust(ScannedItem item, Context context) {
    if (context == Context::kValues && (item.token == Token::kIn || item.token == Token::kNotIn)) {
      item.token = Token::kIdentifier;
    }
    return item;
  }

  LabelRequirement ParseRequirement() {
    const ScannedItem start = Lookahead(Context::kValues);
    LabelRequirement requirement;
    std::optional<Op> unary = ParseKeyAndInferOperator(requirement.key);
    if (unary.has_value()) {
      requirement.op = *unary;
      return requirement;
    }
    requirement.op = ParseOperator();
    std::set<std::string> values = (requirement.op == Op::kIn || requirement.op == Op::kNotIn)
                                       ? ParseValues()
                                       : ParseExactValue();
    requirement.values.assign(values.begin(), values.end());
    ValidateValues(start, requirement);
    return requirement;
  }

  // Reads `[!]key`. Returns kExists/kDoesNotExist when nothing but ',' or the end follows (a
  // `!key` followed by more is left for Parse to reject), else nullopt: a binary operator follows.
  std::optional<Op> ParseKeyAndInferOperator(std::string& key) {
    std::optional<Op> op;
    ScannedItem item = Consume(Context::kValues);
    if (item.token == Token::kDoesNotExist) {
      op = Op::kDoesNotExist;
      item = Consume(Context::kValues);
    }
    if (item.token != Token::kIdentifier) {
      FailRequirement(item, "found '{}', expected: identifier");
    }
    if (std::string errs = ValidateLabelKey(item.literal); !errs.empty()) {
      Fail(item.position,
           "unable to parse requirement: " +
               FieldError::Invalid("key", std::string(item.literal), errs).ToString());
    }
    key = item.literal;
    const Token next = Lookahead(Context::kValues).token;
    if (!op.has_value() && (next == Token::kEndOfString || next == Token::kComma)) {
      op = Op::kExists;
    }
    return op;
  }

  Op ParseOperator() {
    const ScannedItem item = Consume(Context::kKeyAndOperator);
    switch (item.token) {
      case Token::kIn:
        return Op::kIn;
      case Token::kNotIn:
        return Op::kNotIn;
      case Token::kEquals:
      case Token::kDoubleEquals:
        return Op::kEquals;
      case Token::kNotEquals:
        return Op::kNotEquals;
      case Token::kGreaterThan:
      case Token::kLessThan:
        // LabelRequirement has no Gt/Lt (Kubernetes accepts them; see the header).
        FailRequirement(item, "operator '{}' (gt, lt) is not supported");
      default:
        FailRequirement(item, "found '{}', expected: in, notin, =, ==, !=");
    }
  }

  std::set<std::string> ParseValues() {
    const ScannedItem open = Consume(Context::kValues);
    if (open.token != Token::kOpenPar) {
      FailRequirement(open, "found '{}' expected: '('");
    }
    const ScannedItem first = Lookahead(Context::kValues);
    if (first.token == Token::kClosedPar) {  // "()" is the set {""}
      Consume(Context::kValues);
      return {""};
    }
    if (first.token != Token::kIdentifier && first.token != Token::kComma) {
      FailRequirement(first, "found '{}', expected: ',', ')' or identifier");
    }
    std::set<std::string> values = ParseIdentifiersList();
    const ScannedItem close = Consume(Context::kValues);
    if (close.token != Token::kClosedPar) {
      FailRequirement(close, "found '{}', expected: ')'");
    }
    return values;
  }

  // A comma-separated list of possibly empty values; leaves the closing ')' unconsumed.
  std::set<std::string> ParseIdentifiersList() {
    std::set<std::string> values;
    while (true) {
      const ScannedItem item = Consume(Context::kValues);
      if (item.token == Token::kIdentifier) {
        values.emplace(item.literal);
        const ScannedItem next = Lookahead(Context::kValues);
        if (next.token == Token::kClosedPar) {
          return values;
        }
        if (next.token != Token::kComma) {
          FailRequirement(next, "found '{}', expected: ',' or ')'");
        }
        continue;
      }
      if (item.token != Token::kComma) {
        FailRequirement(item, "found '{}', expected: ',', or identifier");
      }
      // An empty value: "(,a)", "(a,)" or "(a,,b)".
      if (values.empty()) {
        values.emplace();
      }
      const Token next = Lookahead(Context::kValues).token;
      if (next == Token::kClosedPar) {
        values.emplace();
        return values;
      }
      if (next == Token::kComma) {
        Consume(Context::kValues);
        values.emplace();
      }
    }
  }

  // The one value after =, == or !=; empty when ',' or the end follows.
  std::set<std::string> ParseExactValue() {
    const Token next = Lookahead(Context::kValues).token;
    if (next == Token::kEndOfString || next == Token::kComma) {
      return {""};
    }
    const ScannedItem item = Consume(Context::kValues);
    if (item.token != Token::kIdentifier) {
      FailRequirement(item, "found '{}', expected: identifier");
    }
    return {std::string(item.literal)};
  }

  // Kubernetes validates the values once the set is built, so indices follow sorted order.
  void ValidateValues(const ScannedItem& start, const LabelRequirement& requirement) const {
    FieldErrorList errs;
    for (size_t i = 0; i < requirement.values.size(); ++i) {
      const std::string& value = requirement.values[i];
      if (std::string problem = ValidateLabelValue(value); !problem.empty()) {
        errs.push_back(FieldError::Invalid(fmt::format("values[{}][{}]", i, requirement.key), value,
                                           std::move(problem)));
      }
    }
    if (!errs.empty()) {
      Fail(start.position, "unable to parse requirement: " + ToAggregateMessage(errs));
    }
  }

  std::string_view text_;
  std::vector<ScannedItem> items_;  // ends with kEndOfString
  size_t position_ = 0;
};

}  // namespace

LabelSelector LabelSelector::Parse(std::string_view text) {
  LabelSelector selector;
  selector.requirements_ = LabelParser(text).Parse();
  internal::SortByKey(selector.requirements_);
  return selector;
}

}  // namespace gpuext::kube
