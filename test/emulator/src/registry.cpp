// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "registry.h"

#include <algorithm>

#include "builtin_types.h"

namespace gpuext::emulator {

Registry::Registry() {
  for (ResourceTypePtr& t : BuiltinTypes()) {
    Add(std::move(t));
  }
}

void Registry::Add(ResourceTypePtr type) {
  if (std::find(group_order_.begin(), group_order_.end(), type->group) == group_order_.end()) {
    group_order_.push_back(type->group);
  }
  types_.push_back(std::move(type));
}

ResourceTypePtr Registry::Find(const std::string& group, const std::string& version,
                               const std::string& resource) const {
  std::shared_lock lock(mu_);
  for (const ResourceTypePtr& t : types_) {
    if (t->group == group && t->version == version && t->resource == resource) {
      return t;
    }
  }
  return nullptr;
}

ResourceTypePtr Registry::FindStorage(const std::string& group, const std::string& resource) const {
  std::shared_lock lock(mu_);
  for (const ResourceTypePtr& t : types_) {
    if (t->group == group && t->resource == resource) {
      return t;
    }
  }
  return nullptr;
}

ResourceTypePtr Registry::FindKind(const std::string& group, const std::string& kind) const {
  std::shared_lock lock(mu_);
  for (const ResourceTypePtr& t : types_) {
    if (t->group == group && t->kind == kind) {
      return t;
    }
  }
  return nullptr;
}

std::vector<ResourceTypePtr> Registry::All() const {
  std::shared_lock lock(mu_);
  std::vector<ResourceTypePtr> out;
  for (const std::string& g : group_order_) {
    for (const ResourceTypePtr& t : types_) {
      if (t->group == g) {
        out.push_back(t);
      }
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Registry::Groups() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const ResourceTypePtr& t : All()) {
    if (out.empty() || out.back().first != t->group) {
      out.push_back({t->group, {}});
    }
    auto& versions = out.back().second;
    if (std::find(versions.begin(), versions.end(), t->version) == versions.end()) {
      versions.push_back(t->version);
    }
  }
  return out;
}

void Registry::SetCustomResource(const std::string& group, const std::string& resource,
                                 std::vector<ResourceTypePtr> types) {
  std::unique_lock lock(mu_);
  std::erase_if(types_, [&](const ResourceTypePtr& t) {
    return t->crd && t->group == group && t->resource == resource;
  });
  for (ResourceTypePtr& t : types) {
    if (std::find(group_order_.begin(), group_order_.end(), t->group) == group_order_.end()) {
      group_order_.push_back(t->group);
    }
    types_.push_back(std::move(t));
  }
  // A group with no resources left disappears from discovery.
  std::erase_if(group_order_, [&](const std::string& g) {
    return std::none_of(types_.begin(), types_.end(),
                        [&](const ResourceTypePtr& t) { return t->group == g; });
  });
}

}  // namespace gpuext::emulator
