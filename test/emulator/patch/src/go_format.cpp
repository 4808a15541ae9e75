// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "go_format.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace gpuext::emulator::patch::internal {
namespace {

using nlohmann::json;

// strconv.FormatFloat(f, 'g', -1, 64) as fmt's %v uses it: the shortest digits that round-trip,
// in exponent form when the exponent is below -4 or at least 6 (1e+06, 1.5, 0.0001, 1e-05).
std::string GoFloat(double f) {
  if (f == 0) {
    return std::signbit(f) ? "-0" : "0";
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));  // "-1.2345e+06"
  std::string sign;
  if (sci.front() == '-') {
    sign = "-";
    sci.remove_prefix(1);
  }
  const size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') {
      digits.push_back(c);
    }
  }
  const int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  if (exp < -4 || exp >= 6) {
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1) {
      out += "." + digits.substr(1);
    }
    const int abs_exp = std::abs(exp);
    out += exp < 0 ? "e-" : "e+";
    if (abs_exp < 10) {
      out += "0";
    }
    return out + std::to_string(abs_exp);
  }
  if (exp < 0) {
    return sign + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  }
  const auto int_len = static_cast<size_t>(exp + 1);
  if (digits.size() <= int_len) {
    return sign + digits + std::string(int_len - digits.size(), '0');
  }
  return sign + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

std::string GoInt(const json& v) {
  return v.is_number_unsigned() ? std::to_string(v.get<std::uint64_t>())
                                : std::to_string(v.get<std::int64_t>());
}

}  // namespace

GoKind KindOf(const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      return GoKind::kMap;
    case json::value_t::array:
      return GoKind::kSlice;
    case json::value_t::string:
      return GoKind::kString;
    case json::value_t::boolean:
      return GoKind::kBool;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return GoKind::kInt;
    case json::value_t::number_float:
      return GoKind::kFloat;
    default:
      return GoKind::kNil;
  }
}

bool GoEqual(const json& a, const json& b) { return KindOf(a) == KindOf(b) && a == b; }

namespace {

// Prints maps and slices as fmt does (map[k:v k2:v2], [a b]) and scalars with `scalar`.
std::string Compose(const json& v, std::string (*scalar)(const json&)) {
  std::string out;
  if (v.is_object()) {
    for (const auto& [key, value] : v.items()) {
      out += (out.empty() ? "" : " ") + key + ":" + Compose(value, scalar);
    }
    return "map[" + out + "]";
  }
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      out += (i == 0 ? "" : " ") + Compose(v[i], scalar);
    }
    return "[" + out + "]";
  }
  return scalar(v);
}

// %v of a scalar.
std::string ScalarValue(const json& v) {
  switch (KindOf(v)) {
    case GoKind::kString:
      return v.get<std::string>();
    case GoKind::kBool:
      return v.get<bool>() ? "true" : "false";
    case GoKind::kInt:
      return GoInt(v);
    case GoKind::kFloat:
      return GoFloat(v.get<double>());
    default:
      return "<nil>";
  }
}

// %s of a scalar: only strings print as themselves.
std::string ScalarS(const json& v) {
  switch (KindOf(v)) {
    case GoKind::kString:
      return v.get<std::string>();
    case GoKind::kNil:
      return "%!s(<nil>)";
    default:
      return "%!s(" + GoTypeName(v) + "=" + ScalarValue(v) + ")";
  }
}

}  // namespace

std::string GoValue(const json& v) { return Compose(v, ScalarValue); }

std::string GoSprintS(const json& v) { return Compose(v, ScalarS); }

std::string GoTypeName(const json& v) {
  switch (KindOf(v)) {
    case GoKind::kMap:
      return "map[string]interface {}";
    case GoKind::kSlice:
      return "[]interface {}";
    case GoKind::kString:
      return "string";
    case GoKind::kBool:
      return "bool";
    case GoKind::kInt:
      return "int64";
    case GoKind::kFloat:
      return "float64";
    case GoKind::kNil:
      break;
  }
  return "%!s(<nil>)";
}

}  // namespace gpuext::emulator::patch::internal
