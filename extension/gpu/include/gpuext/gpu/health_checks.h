// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Health checks of the GPU extension (DESIGN.md §10.1 "Health checks"), run by the framework's
// HealthCheckReconciler every sync period:
//
//   SystemComponentsHealthy  <- ManagedResourcesHealthy: our MRs applied and healthy
//                               (Extension: the shoot-wide MRs; ContainerRuntime: its pool's MR)
//   EveryNodeReady           <- GpuNodesReady: every node of a GPU pool has its driver
//                               (Extension only; reads the shoot's nodes)
//
// A node is ready when its GPUDriverReady condition is True, its label
// gpu.extensions.gardener.cloud/driver-ready equals the pool's resolved driver version and it
// offers nvidia.com/gpu. Nodes still detecting, downloading, waiting for a build, verifying or
// installing make the condition Progressing (False after driverReadyTimeout); a node whose agent
// refused the driver (reason Failed) makes it False at once. The message counts and groups:
// "2/5 GPU nodes ready, 3 waiting for driver 580.95.05 build for 6.12.72-cloud-amd64".

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gardener/health_check.h"
#include "gpuext/gpu/shoot_access.h"
#include "gpuext/gpu/shoot_plan.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/kube/client.h"

namespace gpuext::gpu {

// Which MRs a check judges, from the object being checked.
using ManagedResourceNamesFor = std::function<std::vector<std::string>(const nlohmann::json& obj)>;

// The Extension's MRs / a ContainerRuntime's pool MR.
[[nodiscard]] std::vector<std::string> ExtensionHealthManagedResources(const nlohmann::json& ext);
[[nodiscard]] std::vector<std::string> RuntimeHealthManagedResources(const nlohmann::json& cr);

class ManagedResourcesHealthy final : public gardener::HealthCheck {
 public:
  // A rollout may stay Progressing for `progressing_threshold` before the condition turns False.
  ManagedResourcesHealthy(ManagedResourceNamesFor names,
                          std::chrono::seconds progressing_threshold = std::chrono::minutes(5));
  gardener::HealthCheckResult Check(const gardener::ActuatorContext& ctx,
                                    const nlohmann::json& obj) override;

 private:
  ManagedResourceNamesFor names_;
  std::chrono::seconds progressing_threshold_;
};

// Pure: the verdict on a shoot's nodes (a NodeList's items) for the plan's GPU pools.
[[nodiscard]] gardener::HealthCheckResult EvaluateGpuNodes(
    const ShootPlan& plan, const std::vector<nlohmann::json>& nodes,
    std::chrono::seconds driver_ready_timeout);

// Reads the shoot through a ShootClientFactory; when the shoot cannot be reached the condition
// is Unknown.
class GpuNodesReady final : public gardener::HealthCheck {
 public:
  // `component` must outlive the check.
  GpuNodesReady(const gpuruntime::api::ControllerConfiguration& component,
                ShootClientFactory shoot_client);
  gardener::HealthCheckResult Check(const gardener::ActuatorContext& ctx,
                                    const nlohmann::json& obj) override;

 private:
  const gpuruntime::api::ControllerConfiguration& component_;
  ShootClientFactory shoot_client_;
};

}  // namespace gpuext::gpu
