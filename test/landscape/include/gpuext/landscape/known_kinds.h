// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A static RestMapper for the simulated shoot: every kind our ManagedResources deliver (built-in
// kinds and the CRDs of NFD and the GPU operator), with its API version, plural and scope. The
// ResourceManagerSimulator resolves through it; tests list the shoot's objects with it.

#include <string>
#include <vector>

#include "gpuext/kube/resource.h"

namespace gpuext::landscape {

struct KnownKind {
  std::string kind;
  std::string api_version;  // "apps/v1"
  kube::Resource resource;
};

// Every known kind, sorted by kind.
[[nodiscard]] const std::vector<KnownKind>& KnownKinds();

// The resource of `kind` (the API version's group and version). Throws Error(kNotFound) naming
// both for a kind not in the table.
[[nodiscard]] kube::Resource ResolveKnownKind(const std::string& api_version,
                                              const std::string& kind);

}  // namespace gpuext::landscape
