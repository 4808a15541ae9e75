// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The GPU controllers' flow on one machine: the real ExtensionReconciler around the real
// nvidia-gpu and nvidia actuators, rendering the real charts, against a seed; the gardenlet
// simulator writes what gardenlet writes and judges readiness as gardenlet does; the
// resource-manager simulator applies the ManagedResources into a shoot. Only the Gardener
// control plane is simulated.

#include <atomic>
#include <exception>
#include <functional>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "../plan/plan_test_util.h"
#include "gpuext/error.h"
#include "gpuext/gardener/extension_reconciler.h"
#include "gpuext/gardener/managed_resource.h"
#include "gpuext/gpu/container_runtime_actuator.h"
#include "gpuext/gpu/extension_actuator.h"
#include "gpuext/gpu/names.h"
#include "gpuext/landscape/gardenlet_simulator.h"
#include "gpuext/landscape/known_kinds.h"
#include "gpuext/landscape/resource_manager_simulator.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::gpu::testing {

inline constexpr const char* kSeedNs = "shoot--dev--gpu1";

// "Kind namespace/name" of every object in the shoot, sorted.
std::set<std::string> ShootObjectKeys(kube::Client& shoot);

// The same objects with their content (metadata reduced to name, namespace, labels,
// annotations), keyed as above.
std::map<std::string, nlohmann::json> ShootObjects(kube::Client& shoot);

class GpuFlowTest : public ::testing::Test {
 protected:
  GpuFlowTest();

  // Runs `flow` (a gardenlet operation) on a thread while this thread plays the extension's
  // controllers and resource-manager: whenever gardenlet sleeps between polls, every
  // Extension and ContainerRuntime is reconciled, resource-manager syncs, and fake time moves.
  void Drive(const std::function<void()>& flow);
  // gardenlet's reconcile of `shoot`; fails the test when gardenlet would fail the shoot.
  void ReconcileShoot(const nlohmann::json& shoot);

  // More controller and resource-manager rounds (at most 50) until `done` holds.
  void SettleUntil(const std::function<bool()>& done);

  [[nodiscard]] nlohmann::json Extension();
  [[nodiscard]] std::set<std::string> ManagedResourceNames();
  // name -> spec of every ManagedResource (what the controllers wrote, without status).
  [[nodiscard]] std::map<std::string, nlohmann::json> ManagedResourceSpecs();
  // "<reason>: <message>" of every Event in the seed namespace, after flushing the recorder.
  [[nodiscard]] std::vector<std::string> EventTexts();
  // status of the MR's ResourcesApplied condition ("" when absent).
  [[nodiscard]] std::string AppliedCondition(const std::string& mr);

  ::gpuext::testing::FakeClock clock_;
  kube::testing::FakeClient seed_{{.clock = &clock_}};
  kube::testing::FakeClient shoot_{{.clock = &clock_}};
  landscape::GardenletSimulator gardenlet_{
      seed_, {.clock = &clock_, .poll_interval = std::chrono::seconds(5)}};
  landscape::ResourceManagerSimulator grm_{
      seed_, shoot_, landscape::ResolveKnownKind, {.clock = &clock_}};
  ShootCharts charts_ = ShootCharts::Embedded();
  kube::EventRecorder events_{seed_, {.component = "gardener-extension-gpu"}, clock_};
  ExtensionActuator extension_actuator_{Component(), charts_, {.events = &events_}};
  ContainerRuntimeActuator runtime_actuator_{Component(), charts_, {.events = &events_}};
  gardener::ExtensionReconciler extensions_{gardener::ExtensionKind::Extension("nvidia-gpu"),
                                            seed_,
                                            extension_actuator_,
                                            {.clock = &clock_}};
  gardener::ExtensionReconciler runtimes_{gardener::ExtensionKind::ContainerRuntime("nvidia"),
                                          seed_,
                                          runtime_actuator_,
                                          {.clock = &clock_}};
  nlohmann::json cloud_profile_ = {{"metadata", {{"name", "aws"}}},
                                   {"spec", nlohmann::json::object()}};

 private:
  void ReconcileAll(const kube::Resource& resource, gardener::ExtensionReconciler& reconciler);
  void Round();
};

}  // namespace gpuext::gpu::testing
