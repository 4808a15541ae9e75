// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Template functions (Go text/template builtins, sprig, Helm's own) as plain C++ callables.
//
// Values are nlohmann::json, which keeps Go's distinction between int (number_integer) and
// float64 (number_float): Helm reads values through JSON, so every number from values.yaml is a
// float64, while a literal `1` in a template is an int. Objects keep keys sorted (std::map),
// which is the order Go's range and sprig's keys/sortAlpha expose.
//
//   FunctionTable table = SprigFunctions();
//   table.at("upper")({"gpu"});  // "GPU"
//
// A function signals a template error by throwing FunctionError with the message Helm would
// print after "error calling <name>: " (the engine adds the prefix and the position).

#include <functional>
#include <map>
#include <span>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace gpuext::helm {

class FunctionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An argument that is not of the parameter's Go type: text/template rejects it before the
// call, at the argument's position and without "error calling <name>: ".
class ArgumentTypeError : public FunctionError {
 public:
  ArgumentTypeError(size_t index, std::string expected, const std::string& message)
      : FunctionError(message), index_(index), expected_(std::move(expected)) {}
  [[nodiscard]] size_t index() const { return index_; }
  // The parameter's Go type ("string", "int", ...).
  [[nodiscard]] const std::string& expected() const { return expected_; }

 private:
  size_t index_;
  std::string expected_;
};

using Function = std::function<nlohmann::json(std::span<const nlohmann::json> args)>;
using FunctionTable = std::map<std::string, Function, std::less<>>;

// Functions that need no engine state (strings, lists, dicts, numbers, encodings, semver, ...).
// Engine-bound functions (include, tpl, required, fail, lookup, template-level and/or) are
// added by the engine itself.
[[nodiscard]] FunctionTable SprigFunctions();

}  // namespace gpuext::helm
