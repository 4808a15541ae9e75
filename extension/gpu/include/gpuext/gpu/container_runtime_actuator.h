// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The `nvidia` ContainerRuntime actuator (DESIGN.md §10.2): one object per GPU pool
// (`nvidia-<pool>`, spec.workerPool.{name, selector}). Reconcile writes
//
//   extension-gpu-agent-shared   ServiceAccount, RBAC, ResourceQuota, cache CA ConfigMap, the
//                                agents' S3 read Secret (cache.mode s3); shared by all pools
//   extension-gpu-agent-<pool>   ConfigMap gpu-node-agent-<pool> (the AgentConfiguration) and
//                                DaemonSet gpu-node-agent-<pool> on the pool's nodes
//
// and returns without waiting. No RuntimeClass: the GPU operator owns `nvidia`.
// Delete first switches the pool's agents to `mode: uninstall` and waits (RequeueAfter, at most
// ActuatorOptions::uninstall_timeout) until every node of the pool reports GPUDriverReady
// reason Uninstalled (skipped on ForceDelete, without a shoot client, or without nodes).
// Then it removes the pool's MR, waits (RequeueAfter) until resource-manager removed it, and
// removes the shared MR only when no other `nvidia` ContainerRuntime of the namespace remains
// without a deletionTimestamp. Migrate keeps the shoot's objects (keepObjects) and deletes both
// MRs. Restore is Reconcile. Event NodeAgentDeployed when a pool's agent is first written.

#include <optional>
#include <string>

#include "gpuext/gardener/actuator.h"
#include "gpuext/gpu/extension_actuator.h"
#include "gpuext/gpu/shoot_charts.h"
#include "gpuext/gpuruntime/api/component_config.h"

namespace gpuext::gpu {

class ContainerRuntimeActuator final : public gardener::Actuator {
 public:
  // `component` and `charts` must outlive the actuator.
  ContainerRuntimeActuator(const gpuruntime::api::ControllerConfiguration& component,
                           const ShootCharts& charts, ActuatorOptions options = {});

  gardener::Outcome Reconcile(const gardener::ActuatorContext& ctx,
                              const nlohmann::json& obj) override;
  gardener::Outcome Delete(const gardener::ActuatorContext& ctx,
                           const nlohmann::json& obj) override;
  gardener::Outcome ForceDelete(const gardener::ActuatorContext& ctx,
                                const nlohmann::json& obj) override;
  gardener::Outcome Migrate(const gardener::ActuatorContext& ctx,
                            const nlohmann::json& obj) override;
  gardener::Outcome Restore(const gardener::ActuatorContext& ctx,
                            const nlohmann::json& obj) override;

 private:
  gardener::Outcome Remove(const gardener::ActuatorContext& ctx, const nlohmann::json& obj,
                           bool wait, bool keep_objects);
  // Delete's uninstall step: a requeue while the pool's agents still unload the driver,
  // nullopt once they are done, timed out, or there is nothing to uninstall.
  std::optional<gardener::Outcome> AwaitUninstall(const gardener::ActuatorContext& ctx,
                                                  const nlohmann::json& obj,
                                                  const std::string& pool);

  const gpuruntime::api::ControllerConfiguration& component_;
  const ShootCharts& charts_;
  const ActuatorOptions options_;
};

}  // namespace gpuext::gpu
