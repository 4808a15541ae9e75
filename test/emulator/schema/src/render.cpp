// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "render.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace gpuext::emulator::schema::internal {
namespace {

// Shortest round-trip digits of |value| and the decimal exponent of the first digit.
struct Digits {
  std::string digits;
  int exponent = 0;
};

Digits ShortestDigits(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), std::fabs(value),
                                    std::chars_format::scientific);
  const std::string text(buffer, result.ptr);  // "1.2345e+06"
  const size_t e = text.find('e');
  Digits out;
  for (size_t i = 0; i < e; ++i) {
    if (text[i] != '.') {
      out.digits += text[i];
    }
  }
  out.exponent = std::stoi(text.substr(e + 1));
  return out;
}

std::string FixedFromDigits(const Digits& d) {
  const int digits = static_cast<int>(d.digits.size());
  if (d.exponent < 0) {
    return "0." + std::string(static_cast<size_t>(-d.exponent - 1), '0') + d.digits;
  }
  if (digits <= d.exponent + 1) {
    return d.digits + std::string(static_cast<size_t>(d.exponent + 1 - digits), '0');
  }
  return d.digits.substr(0, static_cast<size_t>(d.exponent + 1)) + "." +
         d.digits.substr(static_cast<size_t>(d.exponent + 1));
}

}  // namespace

std::string ChildPath(std::string_view parent, std::string_view name) {
  if (parent.empty()) {
    return std::string(name);
  }
  std::string out(parent);
  out += '.';
  out += name;
  return out;
}

std::string IndexPath(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string KeyPath(std::string_view parent, std::string_view key) {
  return std::string(parent) + "[" + std::string(key) + "]";
}

std::string ErrorField(std::string_view path) {
  if (!path.empty() && path.front() == '.') {
    path.remove_prefix(1);
  }
  return path.empty() ? std::string(kNilPath) : std::string(path);
}

bool IsGoInt(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    return value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  }
  return value.is_number_integer();
}

std::string_view JsonTypeName(const nlohmann::json& value) {
  if (value.is_string()) {
    return "string";
  }
  if (value.is_boolean()) {
    return "boolean";
  }
  if (value.is_number()) {
    return IsGoInt(value) ? "integer" : "number";
  }
  if (value.is_array()) {
    return "array";
  }
  if (value.is_object()) {
    return "object";
  }
  return "null";
}

std::string GoFloat(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  const std::string sign = std::signbit(value) ? "-" : "";
  if (value == 0) {
    return sign + "0";
  }
  const Digits d = ShortestDigits(value);
  if (d.exponent < -4 || d.exponent >= 6) {
    std::string mantissa = d.digits.substr(0, 1);
    if (d.digits.size() > 1) {
      mantissa += "." + d.digits.substr(1);
    }
    const int magnitude = std::abs(d.exponent);
    return sign + mantissa + (d.exponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") +
           std::to_string(magnitude);
  }
  return sign + FixedFromDigits(d);
}

std::string GoFloatFixed(double value) {
  if (value == 0 || !std::isfinite(value)) {
    return GoFloat(value);
  }
  return (std::signbit(value) ? "-" : "") + FixedFromDigits(ShortestDigits(value));
}

bool IsJsonInteger(double value) {
  constexpr double kMaxJsonFloat = 9007199254740993.0;  // 1 << 53, plus one as swag has it
  constexpr double kEpsilon = 1e-9;
  if (!std::isfinite(value) || value < -kMaxJsonFloat || value > kMaxJsonFloat) {
    return false;
  }
  const double truncated = std::trunc(value);
  if (value == truncated) {
    return true;
  }
  const double diff = std::fabs(value - truncated);
  if (truncated == 0) {
    return diff < kEpsilon * std::numeric_limits<double>::denorm_min();
  }
  return diff / (std::fabs(value) + std::fabs(truncated)) < kEpsilon;
}

std::string ValueText(const nlohmann::json& value) {
  if (value.is_string()) {
    const std::string dumped = value.dump();
    return dumped.substr(1, dumped.size() - 2);
  }
  if (value.is_number_float() || (value.is_number() && !IsGoInt(value))) {
    return GoFloat(value.get<double>());
  }
  return value.dump();
}

}  // namespace gpuext::emulator::schema::internal
