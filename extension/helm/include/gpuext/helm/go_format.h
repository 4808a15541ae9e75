// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Go's fmt package as templates see it: values are nlohmann::json standing for Go's
// interface{} data (null = nil, number_integer/number_unsigned = int, number_float = float64,
// object = map[string]interface{}, array = []interface{}).
//
//   FormatGoFloat(1000000.0)               // "1e+06" (strconv.FormatFloat(f, 'g', -1, 64))
//   FormatGoValue(json{{"a", 1}})          // "map[a:1]" (fmt %v)
//   GoSprintf("%05.1f|%-3s|", {3.14159, "x"})  // "003.1|x  |"
//
// These are shared by the template engine (printing, print/printf/println) and by sprig
// functions such as toString, cat and join, which all go through fmt in Go.

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gpuext::helm {

// strconv.FormatFloat(f, 'g', -1, 64), which is also fmt's %v for a float64: the shortest
// digits that read back to f, in exponent form when the decimal exponent is < -4 or >= 6:
// 1e+06, 1.23456789e+08, 100000, 0.0001, 1e-05, 3.5, +Inf, NaN. Values from values.yaml are
// float64 in Helm, which is why 1000000 there prints as "1e+06".
[[nodiscard]] std::string FormatGoFloat(double f);

// fmt.Sprint("%v", v) of the value: maps as map[k:v ...] with sorted keys, slices as [a b],
// nil as <nil>, strings raw, floats via FormatGoFloat.
[[nodiscard]] std::string FormatGoValue(const nlohmann::json& v);

// fmt.Sprint(args...): operands concatenated, a space added between two operands when
// neither is a string.
[[nodiscard]] std::string GoSprint(std::span<const nlohmann::json> args);

// fmt.Sprintln(args...): operands separated by spaces, newline appended.
[[nodiscard]] std::string GoSprintln(std::span<const nlohmann::json> args);

// fmt.Sprintf(format, args...) with Go's verbs, flags, width and precision (%v %s %d %q %t
// %x %X %o %b %e %E %f %F %g %G %c %U %T %%), including Go's in-band error texts such as
// "%!d(string=x)", "%!s(MISSING)" and "%!(EXTRA int=1)".
[[nodiscard]] std::string GoSprintf(std::string_view format, std::span<const nlohmann::json> args);

// The Go type name of a value as %T prints it: "string", "int", "float64", "bool",
// "map[string]interface {}", "[]interface {}", "<nil>".
[[nodiscard]] std::string GoTypeName(const nlohmann::json& v);

}  // namespace gpuext::helm
