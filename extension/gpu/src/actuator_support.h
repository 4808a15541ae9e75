// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// What both actuators read off every object they are handed (private to gpuext::gpu).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gardener/actuator.h"
#include "gpuext/gardener/cluster.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpu::internal {

inline std::string NamespaceOf(const nlohmann::json& obj) {
  return obj.at("metadata").at("namespace").get<std::string>();
}

inline const gardener::Cluster& RequireCluster(const gardener::ActuatorContext& ctx) {
  if (!ctx.cluster.has_value()) {
    // gardenlet writes the Cluster before any extension object; its absence is transient.
    throw Error(ErrorCode::kRetryableInfraDependencies,
                "the namespace has no Cluster resource yet; waiting for gardenlet to write it");
  }
  return *ctx.cluster;
}

// One YAML stream from objects (JSON is YAML; resource-manager parses either).
inline std::string YamlStream(const std::vector<nlohmann::json>& objects) {
  std::string out;
  for (const nlohmann::json& object : objects) {
    out += "---\n" + ToYaml(object);
  }
  return out;
}

}  // namespace gpuext::gpu::internal
