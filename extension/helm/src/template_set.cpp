// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// TemplateSet: the namespace of parsed templates, the function tables and the entry points.

#include <utility>

#include "gpuext/helm/template.h"
#include "template_impl.h"

namespace gpuext::helm {

std::set<std::string, std::less<>> TemplateSet::Impl::FunctionNames() const {
  std::set<std::string, std::less<>> names = {"and", "or"};
  for (const auto& [name, fn] : internal::Builtins())
    names.insert(name);
  for (const auto& [name, fn] : functions)
    names.insert(name);
  for (const auto& [name, fn] : bound)
    names.insert(name);
  return names;
}

TemplateSet::TemplateSet(FunctionTable functions) : impl_(std::make_shared<Impl>()) {
  impl_->functions = std::move(functions);
}
TemplateSet::~TemplateSet() = default;
TemplateSet::TemplateSet(const TemplateSet&) = default;
TemplateSet& TemplateSet::operator=(const TemplateSet&) = default;
TemplateSet::TemplateSet(TemplateSet&&) noexcept = default;
TemplateSet& TemplateSet::operator=(TemplateSet&&) noexcept = default;

// Copy-on-write: a copy shares impl_ until one side changes.
static std::shared_ptr<TemplateSet::Impl>& Mutable(std::shared_ptr<TemplateSet::Impl>& impl) {
  if (impl.use_count() > 1)
    impl = std::make_shared<TemplateSet::Impl>(*impl);
  return impl;
}

void TemplateSet::AddFunction(std::string name, Function function) {
  Mutable(impl_)->functions[std::move(name)] = std::move(function);
}

void TemplateSet::AddBoundFunction(std::string name, BoundFunction function,
                                   bool containers_by_ref) {
  if (containers_by_ref)
    Mutable(impl_)->bound_by_ref.insert(name);
  else
    Mutable(impl_)->bound_by_ref.erase(name);
  Mutable(impl_)->bound[std::move(name)] = std::move(function);
}

void TemplateSet::AddMethod(std::string type, std::string name, Method method) {
  Mutable(impl_)->methods[std::move(type)][std::move(name)] = std::move(method);
}

void TemplateSet::SetMissingKey(MissingKey mode) { Mutable(impl_)->missing = mode; }

void TemplateSet::Parse(const std::string& name, std::string_view text) {
  auto trees = internal::ParseTemplate(name, text, impl_->FunctionNames());
  auto& impl = Mutable(impl_);
  for (auto& tree : trees) {
    auto it = impl->trees.find(tree->name);
    // Go keeps an existing definition when the new body is empty (text/template associate).
    if (it != impl->trees.end() && tree->IsEmpty() && it->second->root)
      continue;
    impl->trees[tree->name] = std::move(tree);
  }
}

bool TemplateSet::Has(const std::string& name) const { return impl_->trees.contains(name); }

std::string TemplateSet::Execute(const std::string& name, const nlohmann::json& data) const {
  nlohmann::json copy = data;
  return internal::ExecuteTemplate(*this, *impl_, name, copy, 0, nullptr);
}

std::string TemplateSet::Execute(const std::string& name, const nlohmann::json& data,
                                 const CallContext& caller) const {
  nlohmann::json copy = data;
  return internal::ExecuteTemplate(*this, *impl_, name, copy, caller.depth + 1, caller.heap);
}

std::string TemplateSet::ExecuteShared(const std::string& name, nlohmann::json& data) const {
  return internal::ExecuteTemplate(*this, *impl_, name, data, 0, nullptr);
}

std::string TemplateSet::ExecuteShared(const std::string& name, nlohmann::json& data,
                                       const CallContext& caller) const {
  return internal::ExecuteTemplate(*this, *impl_, name, data, caller.depth + 1, caller.heap);
}

}  // namespace gpuext::helm
