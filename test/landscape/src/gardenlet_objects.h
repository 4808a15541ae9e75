// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The objects gardenlet writes into the seed for a shoot, as pure functions of the Shoot,
// CloudProfile and time (gardener-contract.md §1.7, §1.8, §2.1, §3.1).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpuext::landscape::internal {

// An object to write: its seed-side resource is decided by the caller from `kind`.
struct DesiredObjects {
  nlohmann::json ns;
  nlohmann::json cluster;
  std::vector<nlohmann::json> extensions;
  std::vector<nlohmann::json> container_runtimes;
  std::vector<nlohmann::json> oscs;
};

struct DesiredOptions {
  std::string technical_id;
  std::string seed_name;
  std::string pause_image;
  std::string timestamp;  // RFC 3339 with nanoseconds, as gardenlet writes it
  std::string operation;  // "reconcile", "wait-for-state", ...
};

[[nodiscard]] DesiredObjects DesiredFor(const nlohmann::json& shoot,
                                        const nlohmann::json& cloud_profile,
                                        const DesiredOptions& options);

// gardener-node-agent-<pool>-<16 hex>: the hash covers what rolls nodes (Kubernetes minor,
// machine type and image, CRI name), not the runtimes or anything a webhook adds.
[[nodiscard]] std::string OscKey(const nlohmann::json& shoot, const nlohmann::json& pool);

}  // namespace gpuext::landscape::internal
