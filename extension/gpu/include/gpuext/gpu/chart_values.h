// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The values the controllers hand to each shoot chart (charts/internal/<chart>/values.yaml
// documents every key). Derived from the ShootPlan only, so one plan always renders the same
// objects. Pure functions; safe for concurrent use.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gpu/node_config.h"
#include "gpuext/gpu/shoot_plan.h"

namespace gpuext::gpu {

// A container image reference as the charts take it: {ref: <reference>}, used verbatim (tag
// or digest), so what the operator pinned in the component config is what nodes pull.
[[nodiscard]] nlohmann::json ImageValues(const std::string& reference);

// Our NodeFeatureRules (nfdrules) for every vendor that labels nodes, delivered with the nfd MR.
[[nodiscard]] std::vector<nlohmann::json> ShootNodeFeatureRules();

// shoot-shared: namespaces with Pod Security labels, the health reader's RBAC.
[[nodiscard]] nlohmann::json SharedChartValues(const ShootPlan& plan);

// nfd: label namespaces our NodeFeatureRules use.
[[nodiscard]] nlohmann::json NfdChartValues(const ShootPlan& plan);

// gpu-operator: the upstream chart's keys that keep the operator away from the driver and the
// node's containerd config (DESIGN.md §10.1), MIG, DCGM, and our device-plugin configs, over the
// GPUConfig's operatorValues: maps merge key by key, and where both set a value ours wins
// (gpuruntime/api/operator_values.h lists those paths and why).
[[nodiscard]] nlohmann::json OperatorChartValues(const ShootPlan& plan);

// The operatorValues paths the extension overrides, each as "path (reason)", for the warning
// event the Extension controller emits. Empty without operatorValues.
[[nodiscard]] std::vector<std::string> OverriddenOperatorValues(const ShootPlan& plan);

// node-agent, shared part: ServiceAccount, RBAC, ResourceQuota, the cache CA.
[[nodiscard]] nlohmann::json AgentSharedChartValues(const std::string& image,
                                                    const std::string& cache_ca_bundle);

// node-agent, one pool: its ConfigMap (the AgentConfiguration as YAML) and DaemonSet, selected
// by the pool's `selector.matchLabels` (ContainerRuntime spec.workerPool.selector).
[[nodiscard]] nlohmann::json AgentPoolChartValues(const std::string& image,
                                                  const std::string& pool_name,
                                                  const nlohmann::json& match_labels,
                                                  const gpuruntime::api::AgentConfiguration& config,
                                                  const CachePlan& cache);

// The cache server's own configuration (ConfigMap gpu-driver-cache, key config.yaml), as
// nodeagent/cache ParseCacheServerConfig reads it: storage, builds (the agent image for the
// builder Jobs' init container, the OS build image per OS version, each pool driver's source),
// prebuild targets, and `cluster` (the shoot's seed namespace, recorded in every manifest).
[[nodiscard]] nlohmann::json CacheServerConfig(
    const ShootPlan& plan, const gpuruntime::api::ControllerConfiguration& component,
    const std::string& cluster);

// driver-cache: StatefulSet, storage, Service, RBAC, the config above.
[[nodiscard]] nlohmann::json DriverCacheChartValues(
    const ShootPlan& plan, const gpuruntime::api::ControllerConfiguration& component,
    const std::string& cluster);

}  // namespace gpuext::gpu
