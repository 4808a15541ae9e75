// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <cctype>
#include <charconv>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gpuruntime/toml.h"

namespace gpuext::gpuruntime {
namespace {

using nlohmann::json;

bool IsBareKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A cursor over one line. Confined to one parse.
class LineParser {
 public:
  LineParser(std::string_view line, int number) : line_(line), number_(number) {}

  [[noreturn]] void Fail(std::string_view what) const {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("line {}: {}", number_, what));
  }

  void SkipSpace() {
    while (pos_ < line_.size() && (line_[pos_] == ' ' || line_[pos_] == '\t')) {
      ++pos_;
    }
  }
  [[nodiscard]] bool AtEnd() const { return pos_ >= line_.size(); }
  [[nodiscard]] char Peek() const { return AtEnd() ? '\0' : line_[pos_]; }
  [[nodiscard]] bool StartsWith(std::string_view prefix) const {
    return line_.substr(pos_).substr(0, prefix.size()) == prefix;
  }
  void Expect(char c) {
    if (Peek() != c) {
      Fail(fmt::format("expected '{}'", c));
    }
    ++pos_;
  }
  // Only whitespace or a comment may follow.
  void ExpectEndOfLine() {
    SkipSpace();
    if (!AtEnd() && Peek() != '#') {
      Fail(fmt::format("unexpected text {}", line_.substr(pos_)));
    }
  }

  // key ( '.' key )*
  std::vector<std::string> DottedKey() {
    std::vector<std::string> keys;
    while (true) {
      SkipSpace();
      keys.push_back(SimpleKey());
      SkipSpace();
      if (Peek() != '.') {
        return keys;
      }
      ++pos_;
    }
  }

  json Value() {
    SkipSpace();
    char c = Peek();
    if (StartsWith("\"\"\"") || StartsWith("'''")) {
      Fail("multi-line strings are not supported");
    }
    if (c == '"') {
      return BasicString();
    }
    if (c == '\'') {
      return LiteralString();
    }
    if (c == '[') {
      return Array();
    }
    if (c == '{') {
      return InlineTable();
    }
    if (StartsWith("true")) {
      pos_ += 4;
      return true;
    }
    if (StartsWith("false")) {
      pos_ += 5;
      return false;
    }
    return Number();
  }

 private:
  std::string SimpleKey() {
    char c = Peek();
    if (c == '"') {
      return BasicString();
    }
    if (c == '\'') {
      return LiteralString();
    }
    size_t start = pos_;
    while (!AtEnd() && IsBareKeyChar(Peek())) {
      ++pos_;
    }
    if (start == pos_) {
      Fail("expected a key");
    }
    return std::string(line_.substr(start, pos_ - start));
  }

  std::string BasicString() {
    Expect('"');
    std::string out;
    while (true) {
      if (AtEnd()) {
        Fail("unterminated string");
      }
      char c = line_[pos_++];
      if (c == '"') {
        return out;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (AtEnd()) {
        Fail("unterminated escape");
      }
      char e = line_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u':
        case 'U': {
          size_t digits = e == 'u' ? 4 : 8;
          if (pos_ + digits > line_.size()) {
            Fail("short unicode escape");
          }
          uint32_t cp = 0;
          auto [ptr, ec] =
              std::from_chars(line_.data() + pos_, line_.data() + pos_ + digits, cp, 16);
          if (ec != std::errc() || ptr != line_.data() + pos_ + digits) {
            Fail("bad unicode escape");
          }
          pos_ += digits;
          AppendUtf8(out, cp);
          break;
        }
        default:
          Fail(fmt::format("unknown escape \\{}", e));
      }
    }
  }

  std::string LiteralString() {
    Expect('\'');
    size_t end = line_.find('\'', pos_);
    if (end == std::string_view::npos) {
      Fail("unterminated string");
    }
    std::string out(line_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }

  json Array() {
    Expect('[');
    json out = json::array();
    while (true) {
      SkipSpace();
      if (AtEnd()) {
        Fail("arrays spanning lines are not supported");
      }
      if (Peek() == ']') {
        ++pos_;
        return out;
      }
      out.push_back(Value());
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
      } else if (Peek() != ']') {
        Fail("expected ',' or ']' in array");
      }
    }
  }

  json InlineTable() {
    Expect('{');
    json out = json::object();
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
      return out;
    }
    while (true) {
      std::vector<std::string> keys = DottedKey();
      Expect('=');
      json* table = &out;
      for (size_t i = 0; i + 1 < keys.size(); ++i) {
        json& next = (*table)[keys[i]];
        if (next.is_null()) {
          next = json::object();
        }
        if (!next.is_object()) {
          Fail(fmt::format("key {} is not a table", keys[i]));
        }
        table = &next;
      }
      if (table->contains(keys.back())) {
        Fail(fmt::format("key {} defined twice", keys.back()));
      }
      (*table)[keys.back()] = Value();
      SkipSpace();
      if (Peek() == '}') {
        ++pos_;
        return out;
      }
      Expect(',');
    }
  }

  json Number() {
    size_t start = pos_;
    while (!AtEnd() && (IsBareKeyChar(Peek()) || Peek() == '+' || Peek() == '.' || Peek() == ':')) {
      ++pos_;
    }
    std::string text;
    bool is_float = false;
    for (char c : line_.substr(start, pos_ - start)) {
      if (c == '_') {
        continue;
      }
      if (c == '.' || c == 'e' || c == 'E') {
        is_float = true;
      }
      text += c;
    }
    if (text.empty()) {
      Fail("expected a value");
    }
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (*first == '+') {
      ++first;
    }
    if (is_float) {
      double value = 0;
      auto [ptr, ec] = std::from_chars(first, last, value);
      if (ec != std::errc() || ptr != last) {
        Fail(fmt::format("unsupported value {}", text));
      }
      return value;
    }
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last) {
      Fail(fmt::format("unsupported value {}", text));
    }
    return value;
  }

  std::string_view line_;
  int number_;
  size_t pos_ = 0;
};

std::string PathKey(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& part : path) {
    out += part;
    out += '\x1f';
  }
  return out;
}

}  // namespace

json ParseToml(std::string_view text) {
  json root = json::object();
  json* current = &root;
  std::vector<std::string> current_path;
  std::set<std::string> defined_tables;  // headers seen, to refuse a second [a.b]
  int number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    LineParser parser(line, number);
    parser.SkipSpace();
    if (parser.AtEnd() || parser.Peek() == '#') {
      continue;
    }
    if (parser.StartsWith("[[")) {
      parser.Fail("arrays of tables are not supported");
    }
    if (parser.Peek() == '[') {
      parser.Expect('[');
      std::vector<std::string> path = parser.DottedKey();
      parser.Expect(']');
      parser.ExpectEndOfLine();
      if (!defined_tables.insert(PathKey(path)).second) {
        parser.Fail("table defined twice");
      }
      json* table = &root;
      for (const auto& key : path) {
        json& next = (*table)[key];
        if (next.is_null()) {
          next = json::object();
        }
        if (!next.is_object()) {
          parser.Fail(fmt::format("key {} is not a table", key));
        }
        table = &next;
      }
      current = table;
      current_path = path;
      continue;
    }
    std::vector<std::string> keys = parser.DottedKey();
    parser.Expect('=');
    json value = parser.Value();
    parser.ExpectEndOfLine();
    json* table = current;
    for (size_t i = 0; i + 1 < keys.size(); ++i) {
      json& next = (*table)[keys[i]];
      if (next.is_null()) {
        next = json::object();
      }
      if (!next.is_object()) {
        parser.Fail(fmt::format("key {} is not a table", keys[i]));
      }
      table = &next;
    }
    if (table->contains(keys.back())) {
      parser.Fail(fmt::format("key {} defined twice", keys.back()));
    }
    (*table)[keys.back()] = std::move(value);
  }
  return root;
}

}  // namespace gpuext::gpuruntime
