// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "health_controllers.h"

#include <nlohmann/json.hpp>

#include "gpuext/gardener/predicates.h"
#include "gpuext/gpu/health_checks.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpu/shoot_access.h"

namespace gpuext::gpu::cmd {
namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

// Health runs on a timer (the reconciler requeues itself); events only need to bring new
// objects of our type in.
kube::Predicate OfType(std::string type) {
  return {.on_create =
              [type](const nlohmann::json& o) { return gardener::HasTypeAndShootClass(o, type); },
          .on_update =
              [type](const nlohmann::json&, const nlohmann::json& o) {
                return gardener::HasTypeAndShootClass(o, type);
              },
          .on_delete = [](const nlohmann::json&) { return false; },
          .on_generic = [](const nlohmann::json&) { return false; }};
}

}  // namespace

HealthControllers::HealthControllers(const gpuruntime::api::ControllerConfiguration& component,
                                     kube::Client& seed) {
  const gardener::HealthCheckReconcilerOptions options{
      .sync_period = duration_cast<seconds>(component.health.sync_period)};

  std::vector<gardener::ConditionChecks> extension_checks;
  extension_checks.push_back({"SystemComponentsHealthy", {}});
  extension_checks.back().checks.push_back(
      std::make_unique<ManagedResourcesHealthy>(ExtensionHealthManagedResources));
  extension_checks.push_back({"EveryNodeReady", {}});
  extension_checks.back().checks.push_back(
      std::make_unique<GpuNodesReady>(component, ShootClientFromSeed));
  extensions_ = std::make_unique<gardener::HealthCheckReconciler>(
      gardener::ExtensionKind::Extension(std::string(kExtensionType)), seed,
      std::move(extension_checks), options);

  std::vector<gardener::ConditionChecks> runtime_checks;
  runtime_checks.push_back({"SystemComponentsHealthy", {}});
  runtime_checks.back().checks.push_back(
      std::make_unique<ManagedResourcesHealthy>(RuntimeHealthManagedResources));
  runtimes_ = std::make_unique<gardener::HealthCheckReconciler>(
      gardener::ExtensionKind::ContainerRuntime(std::string(kRuntimeType)), seed,
      std::move(runtime_checks), options);
}

void HealthControllers::AddTo(kube::Manager& manager, const Logger& log) {
  manager.AddController("nvidia-gpu-extension-health", *extensions_, {})
      .For(gardener::kExtensions, {OfType(std::string(kExtensionType))});
  manager.AddController("nvidia-containerruntime-health", *runtimes_, {})
      .For(gardener::kContainerRuntimes, {OfType(std::string(kRuntimeType))});
  log.Info("Health check controllers added",
           {{"conditions", "SystemComponentsHealthy,EveryNodeReady"}});
}

}  // namespace gpuext::gpu::cmd
