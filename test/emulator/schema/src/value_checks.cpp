// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// kube-openapi's type, string, format, number and enum validators for a single value. Messages
// are kube-openapi's (pkg/validation/errors), wrapped in field errors as apiextensions does.

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <re2/re2.h>

#include "formats.h"
#include "openapi_validation.h"
#include "render.h"

namespace gpuext::emulator::schema::internal {
namespace {

using nlohmann::json;

bool HasType(const Node& node, std::string_view type) {
  return std::find(node.types.begin(), node.types.end(), type) != node.types.end();
}

// The type and format kube-openapi's numberValidator checks against: only single-typed
// integer/number schemas have one.
struct NumberKind {
  std::string type;
  std::string format;
};

NumberKind NumberKindOf(const Node& node) {
  if (node.types.size() == 1 && (node.types[0] == "integer" || node.types[0] == "number")) {
    return {node.types[0], node.format};
  }
  return {};
}

template <typename T>
bool ParsesAs(const std::string& text) {
  T parsed{};
  const auto result = std::from_chars(text.data(), text.data() + text.size(), parsed);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

// IsValueValidAgainstRange: whether the decimal text fits the type and format.
bool InRange(const std::string& text, const NumberKind& kind) {
  if (kind.type == "integer") {
    return kind.format == "int32" ? ParsesAs<int32_t>(text) : ParsesAs<int64_t>(text);
  }
  if (kind.format == "float") {
    return std::fabs(std::strtod(text.c_str(), nullptr)) <= FLT_MAX;
  }
  return true;
}

std::string NumberText(const json& value) {
  return IsGoInt(value) ? value.dump() : GoFloatFixed(value.get<double>());
}

FieldError RangeError(std::string_view prefix, const NumberKind& kind, const std::string& path) {
  const std::string format = kind.format.empty() ? std::string(" (default format)")
                                                 : fmt::format(" with format {}", kind.format);
  return FieldError::Invalid(
      std::string(kNilPath), "",
      fmt::format("{} value must be of type {}{} in {}", prefix, kind.type, format, path));
}

int64_t SaturatingInt64(double value) {
  if (!(value > static_cast<double>(std::numeric_limits<int64_t>::min()))) {
    return std::numeric_limits<int64_t>::min();
  }
  if (value >= static_cast<double>(std::numeric_limits<int64_t>::max())) {
    return std::numeric_limits<int64_t>::max();
  }
  return static_cast<int64_t>(value);
}

FieldError BoundError(const std::string& path, const json& value, std::string_view relation,
                      const std::string& bound) {
  return FieldError::Invalid(ErrorField(path), ValueText(value),
                             fmt::format("{} in body should be {} {}", path, relation, bound));
}

// minimum (lower) or maximum: integers compare as int64 when the bound fits the type, as
// kube-openapi's MinimumNativeType does; everything else compares as float64.
void CheckBound(const json& value, double bound, bool exclusive, bool lower, const NumberKind& kind,
                const std::string& path, FieldErrorList& out) {
  const std::string_view relation = lower
                                        ? (exclusive ? "greater than" : "greater than or equal to")
                                        : (exclusive ? "less than" : "less than or equal to");
  const auto violates = [&](auto v, auto b) {
    return lower ? (exclusive ? v <= b : v < b) : (exclusive ? v >= b : v > b);
  };
  if (IsGoInt(value) && InRange(GoFloatFixed(bound), kind)) {
    const int64_t b = SaturatingInt64(bound);
    if (violates(value.get<int64_t>(), b)) {
      out.push_back(BoundError(path, value, relation, std::to_string(b)));
    }
    return;
  }
  if (violates(value.get<double>(), bound)) {
    out.push_back(BoundError(path, value, relation, GoFloat(bound)));
  }
}

FieldError MultipleOfNotPositive(const std::string& path, const std::string& factor) {
  return FieldError::Invalid(
      ErrorField(path), factor,
      fmt::format("factor MultipleOf declared for {} must be positive: {}", path, factor));
}

void CheckMultipleOf(const json& value, double factor, const NumberKind& kind,
                     const std::string& path, FieldErrorList& out) {
  const auto not_multiple = [&](const std::string& factor_text) {
    out.push_back(FieldError::Invalid(
        ErrorField(path), ValueText(value),
        fmt::format("{} in body should be a multiple of {}", path, factor_text)));
  };
  if (IsGoInt(value) && InRange(GoFloatFixed(factor), kind)) {
    const int64_t f = SaturatingInt64(factor);
    if (f <= 0) {
      out.push_back(MultipleOfNotPositive(path, std::to_string(f)));
    } else if (value.get<int64_t>() % f != 0) {
      not_multiple(std::to_string(f));
    }
    return;
  }
  if (factor <= 0) {
    out.push_back(MultipleOfNotPositive(path, GoFloat(factor)));
    return;
  }
  const double v = value.get<double>();
  const double quotient = factor < 1 ? (1 / factor) * v : v / factor;
  if (!IsJsonInteger(quotient)) {
    not_multiple(GoFloat(factor));
  }
}

// Unicode code points in UTF-8 text, as Go's utf8.RuneCount counts them for valid input.
int64_t RuneCount(const std::string& text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

}  // namespace

FieldError TypeError(const std::string& path, const std::string& type, const std::string& actual) {
  return FieldError::TypeInvalid(
      ErrorField(path), actual,
      fmt::format("{} in body must be of type {}: \"{}\"", path, type, actual));
}

void CheckType(const Node& node, const json& value, const std::string& path, FieldErrorList& out) {
  if (node.types.empty() && node.format.empty()) {
    return;
  }
  const std::string types = fmt::format("{}", fmt::join(node.types, ","));
  if (value.is_null()) {
    if (!node.types.empty() && !node.nullable) {
      out.push_back(TypeError(path, types, "null"));
    }
    return;
  }
  const std::string type(JsonTypeName(value));
  const std::string go_format = IsGoInt(value) ? "int64" : (value.is_number() ? "float64" : "");
  const bool float_int =
      type == "number" && IsJsonInteger(value.get<double>()) && HasType(node, "integer");
  const bool int_float = type == "integer" && HasType(node, "number");
  const bool string_or_slice = value.is_string() || value.is_array();
  if (!string_or_slice && !node.format.empty() &&
      !(HasType(node, type) || go_format == node.format || float_int || int_float)) {
    out.push_back(TypeError(path, node.format, go_format));
    return;
  }
  if (!(HasType(node, "number") || HasType(node, "integer")) && !node.format.empty() &&
      string_or_slice) {
    return;
  }
  if (!(HasType(node, type) || float_int || int_float)) {
    out.push_back(TypeError(path, types, type));
  }
}

void CheckString(const Node& node, const json& value, const std::string& path,
                 FieldErrorList& out) {
  if (!value.is_string()) {
    return;
  }
  const auto& text = value.get_ref<const std::string&>();
  const int64_t length = RuneCount(text);
  if (node.max_length && length > *node.max_length) {
    out.push_back(FieldError{.type = FieldErrorType::kTooLong,
                             .field = ErrorField(path),
                             .value = {},
                             .detail = fmt::format("may not be more than {} {}", *node.max_length,
                                                   *node.max_length == 1 ? "byte" : "bytes")});
    return;
  }
  if (node.min_length && length < *node.min_length) {
    out.push_back(FieldError::Invalid(
        ErrorField(path), ValueText(value),
        fmt::format("{} in body should be at least {} chars long", path, *node.min_length)));
    return;
  }
  if (node.pattern_regex != nullptr && !RE2::PartialMatch(text, *node.pattern_regex)) {
    out.push_back(
        FieldError::Invalid(ErrorField(path), ValueText(value),
                            fmt::format("{} in body should match '{}'", path, node.pattern)));
  }
}

void CheckFormat(const Node& node, const json& value, const std::string& path,
                 FieldErrorList& out) {
  if (value.is_string() && !node.format.empty() &&
      !IsValidFormat(node.format, value.get_ref<const std::string&>())) {
    out.push_back(TypeError(path, node.format, ValueText(value)));
  }
}

void CheckNumber(const Node& node, const json& value, const std::string& path,
                 FieldErrorList& out) {
  if (!value.is_number()) {
    return;
  }
  const NumberKind kind = NumberKindOf(node);
  if (!InRange(NumberText(value), kind)) {
    out.push_back(RangeError("Checked", kind, path));
  }
  if (node.multiple_of) {
    CheckMultipleOf(value, *node.multiple_of, kind, path, out);
  }
  if (node.minimum) {
    CheckBound(value, *node.minimum, node.exclusive_minimum, true, kind, path, out);
  }
  if (node.maximum) {
    CheckBound(value, *node.maximum, node.exclusive_maximum, false, kind, path, out);
  }
}

void CheckEnum(const Node& node, const json& value, const std::string& path, FieldErrorList& out) {
  if (!node.enum_values || node.enum_values->empty()) {
    return;
  }
  // kube-openapi never matches null, not even against an enum that lists null.
  if (!value.is_null()) {
    for (const json& allowed : *node.enum_values) {
      if (ValueEquals(nullptr, value, allowed)) {
        return;
      }
    }
  }
  std::vector<std::string> supported;
  for (const json& allowed : *node.enum_values) {
    supported.push_back(allowed.is_string() ? allowed.get<std::string>() : allowed.dump());
  }
  out.push_back(FieldError::NotSupported(ErrorField(path), ValueText(value), supported));
}

}  // namespace gpuext::emulator::schema::internal
