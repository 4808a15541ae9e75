// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Go's text/template, as Helm uses it: a TemplateSet holds parsed templates that share one
// namespace of `define`d names (Go's *template.Template tree), executes them over JSON data
// standing for Go's interface{} values, and reports errors in Go's exact words.
//
//   TemplateSet set(SprigFunctions());
//   set.SetMissingKey(MissingKey::kZero);                 // Helm's non-strict mode
//   set.Parse("c/templates/_helpers.tpl", helpers_text);  // defines become visible to all
//   set.Parse("c/templates/cm.yaml", cm_text);
//   std::string out = set.Execute("c/templates/cm.yaml", data);
//
// Data model (see go_format.h): json null is Go's nil, number_integer/number_unsigned an int,
// number_float a float64, objects map[string]interface{} (keys sorted, as Go's range sees
// them), arrays []interface{}. A literal `1` in a template is an int, `1.0` or `1e3` a float64.
//
// Objects with methods (Helm's .Files, .Capabilities.APIVersions, ...) are json objects with a
// string member kGoTypeKey naming their type; `.Name args...` on such an object first looks for
// a Method registered under that type and name (AddMethod), and falls back to the member
// `Name` otherwise. A type's "String" method, when registered, is what printing the object
// shows (Go's fmt.Stringer). Example: {"__gotype": "Files", "files": {...}} with methods
// Files.Get, Files.Glob (returning another "Files" object), Files.AsConfig.
//
// Errors (TemplateError::what()) are Go's texts, e.g.
//   template: c/templates/cm.yaml:3: unexpected "}" in operand
//   template: c/templates/cm.yaml:3:12: executing "c/templates/cm.yaml" at <.Values.a.b>:
//       nil pointer evaluating interface {}.b
// Helm rewrites parse errors as "parse error at (file:line): msg"; that is the caller's job.
//
// Maps have Go's reference semantics: `$d := dict`, `$s := .Values.sub`, a range element or a
// field result all point at the map they came from, and `set`/`unset`/`merge`/`mergeOverwrite`
// change that map in place (see ExecuteShared). A map copied into a new container (`list $d`,
// `dict "k" $d`, `set $a "k" $d`) is a copy here, where Go would share it.
//
// Thread-compatible: a const TemplateSet may be executed from several threads at once;
// copies are cheap (parsed trees are shared and immutable), which is how `tpl` gets a private
// namespace for the defines of its text.

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/helm/functions.h"

namespace gpuext::helm {

// The member naming an object's Go type for method lookup.
inline constexpr std::string_view kGoTypeKey = "__gotype";

class TemplateError : public gpuext::Error {
 public:
  enum class Kind { kParse, kExec };
  // causes: the texts of the errors this one wraps, outermost first (Go's errors.Unwrap
  // chain below the ExecError: a function's error after "error calling f: ", and what that
  // error wraps in turn). Helm's error formatting walks them.
  TemplateError(Kind kind, const std::string& message, std::vector<std::string> causes = {})
      : gpuext::Error(ErrorCode::kConfigurationProblem, message),
        kind_(kind),
        causes_(std::move(causes)) {}
  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] const std::vector<std::string>& causes() const { return causes_; }

 private:
  Kind kind_;
  std::vector<std::string> causes_;
};

// What a map lookup of an absent key yields (Go's Option("missingkey=...")).
enum class MissingKey {
  kDefault,  // "no value": prints "<no value>", a further field access yields no value again
  kZero,     // Helm's non-strict mode: nil, so `.a.b` on absent a fails with "nil pointer ..."
  kError,    // Helm's --strict: fails with `map has no entry for key "a"`
};

class TemplateSet;

// What an engine-bound function sees besides its arguments.
struct CallContext {
  const TemplateSet& templates;      // the set being executed (a tpl copy included)
  const std::string& root_template;  // the name given to Execute (Helm's parent.Name())
  const nlohmann::json& dot;         // the current dot at the call
  int depth;                         // nesting of Execute calls made through functions
  // Where each argument lives (nullptr for "no value"). Go passes maps by reference, so a
  // function that executes a template on an argument (include, tpl) passes this storage to
  // ExecuteShared: what `set`/`merge` write there is what the caller sees afterwards.
  std::span<nlohmann::json* const> arg_refs;
  // Keeps map entries replaced during the outermost execution alive (opaque to callers).
  std::shared_ptr<void> heap;
};

// A function that needs the engine: include, tpl, required, fail, lookup... It throws
// FunctionError for a message the engine prefixes with "error calling <name>: ".
using BoundFunction =
    std::function<nlohmann::json(const CallContext&, std::span<const nlohmann::json>)>;

// A method of a typed object: the receiver is the object that carries kGoTypeKey.
using Method = std::function<nlohmann::json(const nlohmann::json& receiver,
                                            std::span<const nlohmann::json> args)>;

class TemplateSet {
 public:
  // The builtins (and, or, not, len, index, slice, print, printf, println, html, js,
  // urlquery, eq, ne, lt, le, gt, ge, call) are added by the engine; as in Go, a function of
  // the same name in `functions` (or a bound one) wins over the builtin (sprig's `slice`).
  explicit TemplateSet(FunctionTable functions = {});
  ~TemplateSet();
  TemplateSet(const TemplateSet&);
  TemplateSet& operator=(const TemplateSet&);
  TemplateSet(TemplateSet&&) noexcept;
  TemplateSet& operator=(TemplateSet&&) noexcept;

  void AddFunction(std::string name, Function function);
  // With containers_by_ref, a map or list argument that has storage (arg_refs[i] !=
  // nullptr) comes as null in the span, to save its copy: the function reads arg_refs[i].
  // include and tpl take it (the chart context they pass on is large).
  void AddBoundFunction(std::string name, BoundFunction function, bool containers_by_ref = false);
  void AddMethod(std::string type, std::string name, Method method);
  void SetMissingKey(MissingKey mode);

  // Parses `text` as the template `name` (its file name in errors) and adds its `define`s
  // and `block`s to the set. A later definition replaces an earlier one unless its body is
  // empty, as in Go. Throws TemplateError (kParse); the set is unchanged then.
  void Parse(const std::string& name, std::string_view text);

  [[nodiscard]] bool Has(const std::string& name) const;

  // Executes the template `name` with `data` as dot and `$`. Throws TemplateError (kExec),
  // e.g. `template: no template "x" associated with template "x"` for an unknown name.
  [[nodiscard]] std::string Execute(const std::string& name, const nlohmann::json& data) const;

  // The same, for a function bound to the engine (include, tpl) executing from inside a
  // running template: keeps the nesting depth so runaway recursion fails cleanly.
  [[nodiscard]] std::string Execute(const std::string& name, const nlohmann::json& data,
                                    const CallContext& caller) const;

  // Executes with `data` shared, as Go shares maps: set/unset/merge/mergeOverwrite applied to
  // a map reached from `data` change `data` itself, so a later execution (Helm runs every
  // template of a chart on the same values map) sees them. Execute works on a copy.
  [[nodiscard]] std::string ExecuteShared(const std::string& name, nlohmann::json& data) const;
  [[nodiscard]] std::string ExecuteShared(const std::string& name, nlohmann::json& data,
                                          const CallContext& caller) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;  // copy-on-write: copies share until one is changed
};

}  // namespace gpuext::helm
