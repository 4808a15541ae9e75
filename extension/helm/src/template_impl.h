// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The shared state behind TemplateSet and the executor's entry point.

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "gpuext/helm/template.h"
#include "template_ast.h"

namespace gpuext::helm {

struct TemplateSet::Impl {
  std::map<std::string, std::shared_ptr<const internal::Tree>, std::less<>> trees;
  FunctionTable functions;
  std::map<std::string, BoundFunction, std::less<>> bound;
  std::set<std::string, std::less<>> bound_by_ref;  // AddBoundFunction's containers_by_ref
  std::map<std::string, std::map<std::string, Method, std::less<>>, std::less<>> methods;
  MissingKey missing = MissingKey::kDefault;

  [[nodiscard]] std::set<std::string, std::less<>> FunctionNames() const;
};

namespace internal {

// The builtins of text/template that are ordinary functions of their argument values
// (and/or are evaluated lazily by the executor and are not in this table).
const FunctionTable& Builtins();

// text/template's truth of a value: false for nil, false, 0, "", and empty lists and maps.
bool GoTruth(const nlohmann::json& j);

// Whether a builtin takes reflect.Value parameters in Go (nil literals are refused then).
bool BuiltinTakesValues(std::string_view name);

// Executes on `data` in place (Go's shared maps). `heap` is the caller's Heap (template_refs.h)
// for a nested execution, nullptr for an outermost one.
// Runs fn on a thread with a 1 GiB stack (Go's template nesting depth needs it), or in place
// when the calling thread is one; Render runs all its executions on one such thread.
void RunWithLargeStack(const std::function<void()>& fn);

std::string ExecuteTemplate(const TemplateSet& set, const TemplateSet::Impl& impl,
                            const std::string& name, nlohmann::json& data, int depth,
                            std::shared_ptr<void> heap);

}  // namespace internal
}  // namespace gpuext::helm
