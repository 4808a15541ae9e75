// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private to gpuext::helm: the pieces SprigFunctions() is assembled from. Each sprig_*.cpp
// registers one area of sprig's function map; sprig_args.cpp holds the conversions every area
// shares (Go's parameter typing as text/template applies it, and sprig's own coercions).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gpuext/helm/functions.h"

namespace gpuext::helm::internal {

using Args = std::span<const nlohmann::json>;

void AddStringFunctions(FunctionTable& table);
void AddRegexFunctions(FunctionTable& table);
void AddListFunctions(FunctionTable& table);
void AddDictFunctions(FunctionTable& table);
void AddNumberFunctions(FunctionTable& table);
void AddTypeFunctions(FunctionTable& table);  // types, defaults (default/empty/coalesce/...)
void AddEncodingFunctions(FunctionTable& table);
void AddSemverFunctions(FunctionTable& table);
void AddDateFunctions(FunctionTable& table);

// text/template checks the argument count against the Go signature before the call.
void WantArgs(std::string_view name, Args args, size_t want);
void WantAtLeast(std::string_view name, Args args, size_t want);

// Arguments of typed Go parameters. Go's text/template refuses a value whose type is not
// assignable ("wrong type for value; expected string; got int"); a float64 from values.yaml
// is never an int. A nil map argument reads as an empty map, as a nil Go map does.
[[nodiscard]] const std::string& StringArg(Args args, size_t i);
[[nodiscard]] int64_t IntArg(Args args, size_t i);
[[nodiscard]] bool BoolArg(Args args, size_t i);
[[nodiscard]] const nlohmann::json& MapArg(Args args, size_t i);

// A function of one string argument: f(string) gives the result.
template <typename F>
Function Unary(std::string name, F f) {
  return [name, f](Args args) -> nlohmann::json {
    WantArgs(name, args, 1);
    return f(StringArg(args, 0));
  };
}

// sprig's strval: a string as is, anything else as fmt's %v prints it.
[[nodiscard]] std::string Strval(const nlohmann::json& v);

// sprig's strslice: a list becomes its elements' strvals (nil elements dropped), nil becomes
// an empty list, any other value a one-element list.
[[nodiscard]] nlohmann::json StrSlice(const nlohmann::json& v);

// spf13/cast's ToInt64 / ToFloat64 with the error dropped, as sprig calls them: floats
// truncate, strings parse (base prefixes allowed, "2.0" accepted), anything unparsable is 0.
[[nodiscard]] int64_t CastToInt64(const nlohmann::json& v);
[[nodiscard]] double CastToFloat64(const nlohmann::json& v);

// sprig's empty(): nil, false, 0, 0.0, "", and empty lists and maps.
[[nodiscard]] bool IsEmpty(const nlohmann::json& v);

// reflect.DeepEqual on template values: an int never equals a float64.
[[nodiscard]] bool GoDeepEqual(const nlohmann::json& a, const nlohmann::json& b);

// reflect.Kind names as sprig prints them in messages: "string", "int", "float64", "bool",
// "map", "slice", "invalid" (nil).
[[nodiscard]] std::string GoKindName(const nlohmann::json& v);

}  // namespace gpuext::helm::internal
