// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "go_yaml_scalar.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include <re2/re2.h>

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

// go-yaml v2's fixed spellings (YAML 1.1 booleans, nulls, special floats).
bool LookupFixed(std::string_view s, json* out) {
  static const char* const kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                      "True", "TRUE", "on",  "On",  "ON"};
  static const char* const kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                       "False", "FALSE", "off", "Off", "OFF"};
  static const char* const kNull[] = {"", "~", "null", "Null", "NULL"};
  for (const char* t : kTrue) {
    if (s == t) {
      *out = true;
      return true;
    }
  }
  for (const char* f : kFalse) {
    if (s == f) {
      *out = false;
      return true;
    }
  }
  for (const char* n : kNull) {
    if (s == n) {
      *out = nullptr;
      return true;
    }
  }
  const double inf = std::numeric_limits<double>::infinity();
  static const std::pair<const char*, int> kFloats[] = {
      {".nan", 0},  {".NaN", 0},  {".NAN", 0},  {".inf", 1},   {".Inf", 1},   {".INF", 1},
      {"+.inf", 1}, {"+.Inf", 1}, {"+.INF", 1}, {"-.inf", -1}, {"-.Inf", -1}, {"-.INF", -1}};
  for (const auto& [text, sign] : kFloats) {
    if (s == text) {
      *out = sign == 0 ? std::numeric_limits<double>::quiet_NaN() : sign * inf;
      return true;
    }
  }
  return false;
}

// The subset of time.Parse layouts go-yaml accepts for timestamps.
bool IsTimestamp(std::string_view s) {
  static const RE2 kDate(R"((\d{4})-(\d{1,2})-(\d{1,2}))"
                         R"((?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})|)"
                         R"( \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?)?)");
  int year = 0;
  int month = 0;
  int day = 0;
  if (!RE2::FullMatch(s, kDate, &year, &month, &day)) {
    return false;
  }
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// strconv.ParseInt/ParseUint(s, 0, 64) syntax: sign, then 0x/0o/0b/0-octal or decimal.
// Returns the int64 or uint64 when it fits, nullopt-like false when the syntax is wrong;
// *out_of_range is set when the syntax is right but the value does not fit.
bool ParseGoInt(const std::string& s, json* out, bool* out_of_range) {
  static const RE2 kInt(R"([-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*))");
  if (!RE2::FullMatch(s, kInt)) {
    return false;
  }
  const bool negative = s[0] == '-';
  std::string body = (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
  int base = 10;
  if (body.size() > 1 && body[0] == '0') {
    const char p = static_cast<char>(body[1] | 0x20);
    base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 8;
    body = (p == 'x' || p == 'o' || p == 'b') ? body.substr(2) : body.substr(1);
  }
  errno = 0;
  const unsigned long long magnitude = std::strtoull(body.c_str(), nullptr, base);
  if (errno == ERANGE) {
    *out_of_range = true;
    return true;
  }
  if (negative) {
    if (magnitude > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max()) + 1) {
      *out_of_range = true;
      return true;
    }
    *out = static_cast<int64_t>(0 - magnitude);
  } else if (magnitude > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) {
    *out = static_cast<uint64_t>(magnitude);
  } else {
    *out = static_cast<int64_t>(magnitude);
  }
  return true;
}

bool IsBase60Float(std::string_view s) {
  static const RE2 kBase60(R"([-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)");
  return RE2::FullMatch(s, kBase60);
}

}  // namespace

Resolved ResolvePlain(std::string_view text) {
  Resolved r{.value = std::string(text), .is_string = true};
  json fixed;
  if (LookupFixed(text, &fixed)) {
    return {.value = fixed, .is_string = false};
  }
  if (text.empty()) {
    return r;
  }
  const char c = text[0];
  static const RE2 kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (c == '.') {
    static const RE2 kDotFloat(R"(\.[0-9]+([eE][-+]?[0-9]+)?)");
    if (RE2::FullMatch(text, kDotFloat)) {
      return {.value = std::strtod(std::string(text).c_str(), nullptr), .is_string = false};
    }
    return r;
  }
  if (!(c == '+' || c == '-' || (c >= '0' && c <= '9'))) {
    return r;
  }
  if (IsTimestamp(text)) {
    return {.value = std::string(text), .is_string = false};
  }
  std::string plain;
  for (char ch : text) {
    if (ch != '_') {
      plain.push_back(ch);
    }
  }
  json number;
  bool out_of_range = false;
  if (ParseGoInt(plain, &number, &out_of_range)) {
    if (out_of_range) {
      // go-yaml falls back to a float (or big.Int); either way not a string.
      return {.value = std::strtod(plain.c_str(), nullptr), .is_string = false};
    }
    return {.value = number, .is_string = false};
  }
  if (RE2::FullMatch(plain, kFloat)) {
    return {.value = std::strtod(plain.c_str(), nullptr), .is_string = false};
  }
  return r;
}

bool CanUsePlain(std::string_view text) {
  // "<<" is go-yaml's merge key; Helm v4's toYaml still writes it bare (checked against helm).
  if (text == "<<") {
    return true;
  }
  return ResolvePlain(text).is_string && !IsBase60Float(text);
}

int CharWidth(unsigned char lead) {
  if ((lead & 0x80) == 0x00) {
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    return 2;
  }
  if ((lead & 0xF0) == 0xE0) {
    return 3;
  }
  if ((lead & 0xF8) == 0xF0) {
    return 4;
  }
  return 1;
}

namespace {
unsigned char At(std::string_view s, size_t i) {
  return i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
}
}  // namespace

bool IsBreakAt(std::string_view s, size_t i) {
  const unsigned char b = At(s, i);
  return b == '\r' || b == '\n' || (b == 0xC2 && At(s, i + 1) == 0x85) ||
         (b == 0xE2 && At(s, i + 1) == 0x80 && (At(s, i + 2) == 0xA8 || At(s, i + 2) == 0xA9));
}

bool IsPrintableAt(std::string_view s, size_t i) {
  const unsigned char b = At(s, i);
  const unsigned char b1 = At(s, i + 1);
  const unsigned char b2 = At(s, i + 2);
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) ||
         (b > 0xC2 && b < 0xED) || (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

}  // namespace gpuext::helm::internal
