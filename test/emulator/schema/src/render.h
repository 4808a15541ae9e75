// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Field paths and value text the way Kubernetes' Go code prints them. Pure functions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gpuext::emulator::schema::internal {

// What a nil *field.Path prints: kube-openapi errors without a name, and errors that are not
// field validations (anyOf, numeric range checks), carry it.
inline constexpr std::string_view kNilPath = "<nil>";

// field.Path's Child: "spec" + "replicas" -> "spec.replicas"; "" + "spec" -> "spec".
[[nodiscard]] std::string ChildPath(std::string_view parent, std::string_view name);
// field.Path's Index: "spec.items" + 2 -> "spec.items[2]".
[[nodiscard]] std::string IndexPath(std::string_view parent, size_t index);
// field.Path's Key (map entries outside kube-openapi): "spec.labels" + "a" -> "spec.labels[a]".
[[nodiscard]] std::string KeyPath(std::string_view parent, std::string_view key);
// The field of an error kube-openapi reported for `path`: the path itself, or <nil> for "".
[[nodiscard]] std::string ErrorField(std::string_view path);

// True for what Go's JSON decoding into interface{} makes an int64 (not a float64).
[[nodiscard]] bool IsGoInt(const nlohmann::json& value);
// The JSON type name kube-openapi reports: "string", "integer", "number", "boolean", "array",
// "object", "null".
[[nodiscard]] std::string_view JsonTypeName(const nlohmann::json& value);

// Go's %v for a float64: shortest digits, exponent form below 1e-4 and from 1e+06 ("1e+06").
[[nodiscard]] std::string GoFloat(double value);
// Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent.
[[nodiscard]] std::string GoFloatFixed(double value);
// swag.IsFloat64AJSONInteger: integral within a relative error of 1e-9.
[[nodiscard]] bool IsJsonInteger(double value);

// A value as FieldError::value text: strings as their content with JSON escapes for quotes,
// backslashes and control characters (close to Go's %q inside the quotes ToString adds),
// integers in decimal, floats as Go's %v, everything else as compact JSON.
[[nodiscard]] std::string ValueText(const nlohmann::json& value);

}  // namespace gpuext::emulator::schema::internal
