// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The seed controllers of DESIGN.md §10: Extension `nvidia-gpu` and ContainerRuntime `nvidia`,
// each the generic ExtensionReconciler around our actuator with Gardener's predicates, and the
// gardener-extension-heartbeat Lease. Owns the actuators and reconcilers the manager's
// controllers point at, so it must be declared before (outlive) the Manager.

#include <memory>
#include <string>

#include "gpuext/gardener/extension_options.h"
#include "gpuext/gardener/extension_reconciler.h"
#include "gpuext/gardener/heartbeat.h"
#include "gpuext/gpu/container_runtime_actuator.h"
#include "gpuext/gpu/extension_actuator.h"
#include "gpuext/gpu/shoot_charts.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/kube/events.h"
#include "gpuext/kube/manager.h"
#include "gpuext/logger.h"

namespace gpuext::gpu::cmd {

class SeedControllers {
 public:
  // `component`, `charts`, `seed` and `events` must outlive this object.
  SeedControllers(const gpuruntime::api::ControllerConfiguration& component,
                  const ShootCharts& charts, kube::Client& seed, kube::EventRecorder& events);

  // Adds the controllers --disable-controllers leaves on, with --max-concurrent-reconciles
  // workers each and --ignore-operation-annotation honoured (then Cluster changes enqueue the
  // namespace's objects too, as Gardener's ClusterToObjectMapper does).
  void AddTo(kube::Manager& manager, const gardener::ExtensionOptions& options, const Logger& log);

  // The heartbeat Lease renewer in `ns`, leader-only like gardener's heartbeat controller.
  void AddHeartbeat(kube::Manager& manager, const gardener::ExtensionOptions& options,
                    const std::string& ns, const Logger& log);

 private:
  void AddController(kube::Manager& manager, const std::string& name,
                     gardener::ExtensionReconciler& reconciler,
                     const gardener::ExtensionOptions& options, const Logger& log);

  kube::Client& seed_;
  ExtensionActuator extension_actuator_;
  ContainerRuntimeActuator runtime_actuator_;
  gardener::ExtensionReconciler extensions_;
  gardener::ExtensionReconciler runtimes_;
  std::unique_ptr<gardener::Heartbeat> heartbeat_;
};

}  // namespace gpuext::gpu::cmd
