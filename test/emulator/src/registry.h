// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The set of resources the emulator serves: built-ins plus the versions of every Established
// CRD. Safe for concurrent use (CRDs come and go while requests are served).

#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "resource_type.h"

namespace gpuext::emulator {

class Registry {
 public:
  Registry();

  // The type serving group/version/resource, or nullptr.
  [[nodiscard]] ResourceTypePtr Find(const std::string& group, const std::string& version,
                                     const std::string& resource) const;
  // The preferred (first registered) version of group/kind, or nullptr.
  [[nodiscard]] ResourceTypePtr FindKind(const std::string& group, const std::string& kind) const;
  // The storage (first-registered) version of group/resource, or nullptr.
  [[nodiscard]] ResourceTypePtr FindStorage(const std::string& group,
                                            const std::string& resource) const;
  // Every served type, ordered by group (core first, then in registration order) and version.
  [[nodiscard]] std::vector<ResourceTypePtr> All() const;
  // Group names in discovery order, each with its versions in preference order.
  [[nodiscard]] std::vector<std::pair<std::string, std::vector<std::string>>> Groups() const;

  // Replaces every version of the CRD's group/resource with `types` (empty: removes it).
  void SetCustomResource(const std::string& group, const std::string& resource,
                         std::vector<ResourceTypePtr> types);

 private:
  void Add(ResourceTypePtr type);

  mutable std::shared_mutex mu_;  // Guards types_ and group_order_.
  std::vector<ResourceTypePtr> types_;
  std::vector<std::string> group_order_;
};

}  // namespace gpuext::emulator
