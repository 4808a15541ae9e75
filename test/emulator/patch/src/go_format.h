// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// JSON values seen the way Go sees a decoded `interface{}`, so that error messages read exactly
// like kube-apiserver's (which prints them with fmt's %v and %s) and equality follows Go's `==`
// on interfaces (1 and 1.0 differ: one decodes to int64, the other to float64).

#include <string>

#include <nlohmann/json.hpp>

namespace gpuext::emulator::patch::internal {

// The dynamic Go type a JSON value decodes to in kube-apiserver (integers as int64).
enum class GoKind { kNil, kBool, kInt, kFloat, kString, kSlice, kMap };

[[nodiscard]] GoKind KindOf(const nlohmann::json& v);

// Go's `==` on two interface{} values: same dynamic type and same value. Maps and slices, which
// Go cannot compare, compare deeply here.
[[nodiscard]] bool GoEqual(const nlohmann::json& a, const nlohmann::json& b);

// fmt's %v: map[a:1 b:[x y]], <nil>, 1.5, 1e+21.
[[nodiscard]] std::string GoValue(const nlohmann::json& v);

// fmt's %s of an interface{}: strings as they are, other scalars as %!s(int64=1).
[[nodiscard]] std::string GoSprintS(const nlohmann::json& v);

// reflect.TypeOf(v) printed with %s: "map[string]interface {}", "[]interface {}", "int64", ...
[[nodiscard]] std::string GoTypeName(const nlohmann::json& v);

}  // namespace gpuext::emulator::patch::internal
