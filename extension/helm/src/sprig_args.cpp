// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "gpuext/helm/go_format.h"
#include "sprig_registry.h"

namespace gpuext::helm::internal {

using nlohmann::json;

void WantArgs(std::string_view name, Args args, size_t want) {
  if (args.size() != want) {
    throw FunctionError(
        fmt::format("wrong number of args for {}: want {} got {}", name, want, args.size()));
  }
}

void WantAtLeast(std::string_view name, Args args, size_t want) {
  if (args.size() < want) {
    throw FunctionError(fmt::format("wrong number of args for {}: want at least {} got {}", name,
                                    want, args.size()));
  }
}

namespace {

[[noreturn]] void WrongType(size_t index, std::string_view expected, const json& got) {
  if (got.is_null()) {
    throw ArgumentTypeError(index, std::string(expected),
                            fmt::format("invalid value; expected {}", expected));
  }
  throw ArgumentTypeError(
      index, std::string(expected),
      fmt::format("wrong type for value; expected {}; got {}", expected, GoTypeName(got)));
}

}  // namespace

const std::string& StringArg(Args args, size_t i) {
  if (!args[i].is_string()) {
    WrongType(i, "string", args[i]);
  }
  return args[i].get_ref<const std::string&>();
}

int64_t IntArg(Args args, size_t i) {
  if (args[i].is_number_integer()) {
    return args[i].get<int64_t>();
  }
  WrongType(i, "int", args[i]);
}

bool BoolArg(Args args, size_t i) {
  if (args[i].is_boolean()) {
    return args[i].get<bool>();
  }
  WrongType(i, "bool", args[i]);
}

const json& MapArg(Args args, size_t i) {
  static const json kNilMap = json::object();
  if (args[i].is_object()) {
    return args[i];
  }
  if (args[i].is_null()) {
    return kNilMap;  // Go passes nil as a nil map, which reads as empty
  }
  WrongType(i, "map[string]interface {}", args[i]);
}

std::string Strval(const json& v) { return FormatGoValue(v); }

json StrSlice(const json& v) {
  json out = json::array();
  if (v.is_array()) {
    for (const auto& e : v) {
      if (!e.is_null()) {
        out.push_back(Strval(e));
      }
    }
  } else if (!v.is_null()) {
    out.push_back(Strval(v));
  }
  return out;
}

namespace {

// cast's trimZeroDecimal: "2.000" -> "2", so such strings parse as integers.
std::string TrimZeroDecimal(const std::string& s) {
  bool found_zero = false;
  for (size_t i = s.size(); i > 0; --i) {
    char c = s[i - 1];
    if (c == '.') {
      return found_zero ? s.substr(0, i - 1) : s;
    }
    if (c != '0') {
      return s;
    }
    found_zero = true;
  }
  return s;
}

// strconv.ParseInt(s, 0, 64): optional sign, base prefix 0x/0o/0b or a leading 0 for octal,
// underscores only between digits when a prefix is present.
bool ParseGoInt(std::string s, int64_t& out) {
  if (s.empty()) {
    return false;
  }
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.erase(0, 1);
  }
  int base = 10;
  bool prefixed = false;
  if (s.size() > 1 && s[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (p == 'x') {
      base = 16;
      s.erase(0, 2);
    } else if (p == 'o') {
      base = 8;
      s.erase(0, 2);
    } else if (p == 'b') {
      base = 2;
      s.erase(0, 2);
    } else {
      base = 8;
      s.erase(0, 1);
    }
    prefixed = true;
  }
  std::string digits;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (!prefixed || i == 0 || i + 1 == s.size() || s[i - 1] == '_') {
        return false;
      }
      continue;
    }
    digits += s[i];
  }
  if (digits.empty()) {
    return false;
  }
  uint64_t value = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'z') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'Z') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    if (d >= base) {
      return false;
    }
    if (value > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      return false;
    }
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (neg) {
    if (value > static_cast<uint64_t>(INT64_MAX) + 1) {
      return false;
    }
    out = static_cast<int64_t>(0 - value);
    return true;
  }
  if (value > static_cast<uint64_t>(INT64_MAX)) {
    return false;
  }
  out = static_cast<int64_t>(value);
  return true;
}

// strconv.ParseFloat(s, 64) for the decimal and exponent forms, plus inf/nan spellings.
bool ParseGoFloat(const std::string& s, double& out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0])) != 0) {
    return false;
  }
  errno = 0;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE;
}

}  // namespace

int64_t CastToInt64(const json& v) {
  switch (v.type()) {
    case json::value_t::number_integer:
      return v.get<int64_t>();
    case json::value_t::number_unsigned:
      return static_cast<int64_t>(v.get<uint64_t>());
    case json::value_t::number_float: {
      double f = v.get<double>();
      if (std::isnan(f) || f >= 9.3e18 || f <= -9.3e18) {
        return INT64_MIN;  // what Go's conversion yields on amd64 for out-of-range floats
      }
      return static_cast<int64_t>(f);
    }
    case json::value_t::boolean:
      return v.get<bool>() ? 1 : 0;
    case json::value_t::string: {
      int64_t out = 0;
      return ParseGoInt(TrimZeroDecimal(v.get_ref<const std::string&>()), out) ? out : 0;
    }
    default:
      return 0;
  }
}

double CastToFloat64(const json& v) {
  switch (v.type()) {
    case json::value_t::number_integer:
      return static_cast<double>(v.get<int64_t>());
    case json::value_t::number_unsigned:
      return static_cast<double>(v.get<uint64_t>());
    case json::value_t::number_float:
      return v.get<double>();
    case json::value_t::boolean:
      return v.get<bool>() ? 1 : 0;
    case json::value_t::string: {
      double out = 0;
      return ParseGoFloat(v.get_ref<const std::string&>(), out) ? out : 0;
    }
    default:
      return 0;
  }
}

bool IsEmpty(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return true;
    case json::value_t::boolean:
      return !v.get<bool>();
    case json::value_t::number_integer:
      return v.get<int64_t>() == 0;
    case json::value_t::number_unsigned:
      return v.get<uint64_t>() == 0;
    case json::value_t::number_float:
      return v.get<double>() == 0;
    case json::value_t::string:
      return v.get_ref<const std::string&>().empty();
    case json::value_t::array:
    case json::value_t::object:
      return v.empty();
    default:
      return false;
  }
}

bool GoDeepEqual(const json& a, const json& b) {
  bool a_int = a.is_number_integer();
  bool b_int = b.is_number_integer();
  if (a_int || b_int) {
    return a_int && b_int && a == b;
  }
  if (a.type() != b.type()) {
    return false;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      if (!GoDeepEqual(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (const auto& [k, v] : a.items()) {
      auto it = b.find(k);
      if (it == b.end() || !GoDeepEqual(v, *it)) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

std::string GoKindName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "invalid";
    case json::value_t::boolean:
      return "bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "int";
    case json::value_t::number_float:
      return "float64";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "slice";
    case json::value_t::object:
      return "map";
    default:
      return "invalid";
  }
}

}  // namespace gpuext::helm::internal
