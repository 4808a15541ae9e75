// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The `nvidia-gpu` Extension actuator (DESIGN.md §10.1): turns the shoot's GPUConfig into the
// shoot-wide GPU stack, delivered as ManagedResources in this order:
//
//   extension-gpu-nfd-crds       NFD's CRDs (their own MR so the CRs below converge)
//   extension-gpu-operator-crds  ClusterPolicy, NVIDIADriver CRDs
//   extension-gpu-shared         namespaces with Pod Security labels, the health reader's RBAC
//   extension-gpu-nfd            NFD master/worker/gc + our NodeFeatureRules
//   extension-gpu-driver-cache   the in-cluster cache server (cache.mode server only)
//   extension-gpu-operator       the GPU operator with the driver left to our node agent
//
// Events on the Extension: GPUStackDeployed when what the shoot gets changes (pools, driver
// versions, cache), GPUPoolRemoved when a pool loses the runtime, InvalidConfiguration (Warning)
// for a providerConfig the seed refuses, GPUStackRemoved after Delete.
//
// Reconcile never waits for the shoot: it writes, records status.providerStatus and returns;
// health checks report progress. A bad providerConfig fails before anything is written
// (ERR_CONFIGURATION_PROBLEM naming the field). A hibernated shoot's MRs are written all the
// same (resource-manager applies them after wake-up).
//
// Delete removes the MRs in reverse order and asks to be called again (RequeueAfter) until
// resource-manager has removed them, then deletes the seed Secrets; ForceDelete does not wait.
// Migrate sets keepObjects on every MR and deletes them, keeping the seed Secrets. Restore is
// Reconcile. Safe for concurrent use on different objects.

#include <chrono>
#include <string>
#include <vector>

#include "gpuext/gardener/actuator.h"
#include "gpuext/gpu/shoot_access.h"
#include "gpuext/gpu/shoot_charts.h"
#include "gpuext/gpu/shoot_plan.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/kube/events.h"

namespace gpuext::gpu {

// The Extension's MRs in deploy order (Delete goes backwards).
[[nodiscard]] const std::vector<std::string>& ExtensionManagedResources();

struct ActuatorOptions {
  // How soon Delete/Migrate look again while resource-manager is still removing objects.
  std::chrono::milliseconds cleanup_poll = std::chrono::seconds(2);
  // Where the Events users see with `kubectl describe` go (state changes only, never every
  // reconcile); nullptr records none. Must outlive the actuator.
  kube::EventRecorder* events = nullptr;
  // ContainerRuntime Delete: reads the pool's nodes while their agents uninstall the driver
  // (DESIGN.md §10.2). Empty: no uninstall step, the agent is removed at once.
  ShootClientFactory shoot_client = {};
  // How long Delete waits for the pool's agents to report Uninstalled before it goes on.
  std::chrono::seconds uninstall_timeout = std::chrono::minutes(2);
};

class ExtensionActuator final : public gardener::Actuator {
 public:
  // `component` and `charts` must outlive the actuator.
  ExtensionActuator(const gpuruntime::api::ControllerConfiguration& component,
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
  ShootPlan PlanOrReport(const gardener::Cluster& cluster, const nlohmann::json& obj);
  void Record(const nlohmann::json& obj, kube::EventType type, std::string_view reason,
              std::string_view message);
  void RecordChanges(const nlohmann::json& obj, const nlohmann::json& previous,
                     const nlohmann::json& status);
  gardener::Outcome RemoveAll(const gardener::ActuatorContext& ctx, const nlohmann::json& obj,
                              bool wait, bool keep_objects);

  const gpuruntime::api::ControllerConfiguration& component_;
  const ShootCharts& charts_;
  const ActuatorOptions options_;
};

}  // namespace gpuext::gpu
