// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "controllers.h"

#include <nlohmann/json.hpp>

#include "gpuext/gardener/predicates.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpu/shoot_access.h"
#include "gpuext/kube/informer.h"
#include "options.h"

namespace gpuext::gpu::cmd {

using nlohmann::json;

SeedControllers::SeedControllers(const gpuruntime::api::ControllerConfiguration& component,
                                 const ShootCharts& charts, kube::Client& seed,
                                 kube::EventRecorder& events)
    : seed_(seed),
      extension_actuator_(component, charts, {.events = &events}),
      // Delete unloads the driver through the agents first; their nodes are read with the
      // same shoot access as the EveryNodeReady health check.
      runtime_actuator_(component, charts,
                        {.events = &events, .shoot_client = ShootClientFromSeed}),
      extensions_(gardener::ExtensionKind::Extension(std::string(kExtensionType)), seed,
                  extension_actuator_),
      runtimes_(gardener::ExtensionKind::ContainerRuntime(std::string(kRuntimeType)), seed,
                runtime_actuator_) {}

void SeedControllers::AddTo(kube::Manager& manager, const gardener::ExtensionOptions& options,
                            const Logger& log) {
  if (!ControllerDisabled(options, kExtensionController)) {
    AddController(manager, "nvidia-gpu-extension", extensions_, options, log);
  } else {
    log.Info("Controller disabled", {{"controller", kExtensionController}});
  }
  if (!ControllerDisabled(options, kContainerRuntimeController)) {
    AddController(manager, "nvidia-containerruntime", runtimes_, options, log);
  } else {
    log.Info("Controller disabled", {{"controller", kContainerRuntimeController}});
  }
}

void SeedControllers::AddController(kube::Manager& manager, const std::string& name,
                                    gardener::ExtensionReconciler& reconciler,
                                    const gardener::ExtensionOptions& options, const Logger& log) {
  const gardener::ExtensionKind& kind = reconciler.kind();
  kube::Controller& controller = manager.AddController(
      name, reconciler, {.max_concurrent_reconciles = options.max_concurrent_reconciles});
  controller.For(kind.resource,
                 gardener::ExtensionPredicates(
                     kind, {.ignore_operation_annotation = options.ignore_operation_annotation}));
  if (options.ignore_operation_annotation) {
    // Without gardenlet's annotation as the trigger, a shoot change (new pool, new version)
    // reaches us only through its Cluster: enqueue our objects in that namespace.
    kube::Informer& objects = manager.cache().GetInformer(kind.resource);
    controller.Watches(gardener::kClusters, [&objects, kind](const json& cluster) {
      std::vector<kube::Request> requests;
      const std::string ns = cluster["metadata"].value("name", "");
      for (const kube::ObjectPtr& obj : objects.ByIndex(kube::kNamespaceIndex, ns)) {
        if (gardener::HasTypeAndShootClass(*obj, kind.type)) {
          requests.push_back({ns, (*obj)["metadata"].value("name", "")});
        }
      }
      return requests;
    });
  }
  log.Info("Controller added", {{"controller", name},
                                {"type", kind.type},
                                {"maxConcurrentReconciles", options.max_concurrent_reconciles}});
}

void SeedControllers::AddHeartbeat(kube::Manager& manager,
                                   const gardener::ExtensionOptions& options, const std::string& ns,
                                   const Logger& log) {
  if (ControllerDisabled(options, kHeartbeatController)) {
    log.Info("Controller disabled", {{"controller", kHeartbeatController}});
    return;
  }
  heartbeat_ = std::make_unique<gardener::Heartbeat>(
      seed_, manager.clock(),
      gardener::HeartbeatOptions{
          .extension_name = kProgram,
          .ns = ns,
          .renew_interval = std::chrono::seconds(options.heartbeat_renew_interval_seconds)},
      log.WithName("heartbeat"));
  gardener::Heartbeat& heartbeat = *heartbeat_;
  manager.Add(std::make_unique<kube::RunnableFunc>(
      [&heartbeat](std::stop_token stop) { heartbeat.Run(stop); },
      /*need_leader_election=*/true));
  log.Info("Heartbeat added", {{"namespace", ns}, {"lease", gardener::kHeartbeatLeaseName}});
}

}  // namespace gpuext::gpu::cmd
