// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The health-check controllers (DESIGN.md §10.1 "Health checks", docs/controllers.md):
// Extension nvidia-gpu gets SystemComponentsHealthy (our MRs) and EveryNodeReady (the shoot's
// GPU nodes, read with the shoot-access token); each ContainerRuntime nvidia gets
// SystemComponentsHealthy (its pool's MR). Every object is checked every health.syncPeriod.

#include <memory>

#include "gpuext/gardener/health_check.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/kube/manager.h"
#include "gpuext/logger.h"

namespace gpuext::gpu::cmd {

class HealthControllers {
 public:
  // `component` and `seed` must outlive this object, which must outlive the manager's run.
  HealthControllers(const gpuruntime::api::ControllerConfiguration& component, kube::Client& seed);

  // Adds both controllers (skipped with --disable-controllers healthcheck by the caller).
  void AddTo(kube::Manager& manager, const Logger& log);

 private:
  std::unique_ptr<gardener::HealthCheckReconciler> extensions_;
  std::unique_ptr<gardener::HealthCheckReconciler> runtimes_;
};

}  // namespace gpuext::gpu::cmd
