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
#include <memory>
#include <optional>
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

// Hands the test's shoot client to a ShootClientFactory (whose caller owns what it returns).
class BorrowedClient final : public kube::Client {
 public:
  explicit BorrowedClient(kube::Client& c) : c_(c) {}
  std::optional<nlohmann::json> Get(const kube::Resource& r, const kube::ObjectKey& k) override {
    return c_.Get(r, k);
  }
  nlohmann::json List(const kube::Resource& r, const kube::ListOptions& o) override {
    return c_.List(r, o);
  }
  nlohmann::json Create(const kube::Resource& r, const nlohmann::json& o,
                        const kube::WriteOptions& w) override {
    return c_.Create(r, o, w);
  }
  nlohmann::json Update(const kube::Resource& r, const nlohmann::json& o, kube::Subresource s,
                        const kube::WriteOptions& w) override {
    return c_.Update(r, o, s, w);
  }
  nlohmann::json Patch(const kube::Resource& r, const kube::ObjectKey& k, kube::PatchType t,
                       const nlohmann::json& p, kube::Subresource s,
                       const kube::WriteOptions& w) override {
    return c_.Patch(r, k, t, p, s, w);
  }
  void Delete(const kube::Resource& r, const kube::ObjectKey& k,
              const kube::DeleteOptions& o) override {
    c_.Delete(r, k, o);
  }
  void DeleteCollection(const kube::Resource& r, const kube::ListOptions& l,
                        const kube::DeleteOptions& o) override {
    c_.DeleteCollection(r, l, o);
  }
  std::unique_ptr<kube::WatchStream> Watch(const kube::Resource& r, const kube::ListOptions& o,
                                           std::stop_token s) override {
    return c_.Watch(r, o, s);
  }

 private:
  kube::Client& c_;
};

// A shoot node of `pool` as its node agent leaves it: GPUDriverReady with `reason` (True only
// for "Ready", which also sets the readiness label and allocatable GPUs).
inline nlohmann::json GpuNode(const std::string& name, const std::string& pool,
                              const std::string& reason) {
  const bool ready = reason == "Ready";
  nlohmann::json node = {
      {"apiVersion", "v1"},
      {"kind", "Node"},
      // Both pool labels, as machine-controller-manager sets them and the ContainerRuntime's
      // selector (written by gardenlet) matches them.
      {"metadata",
       {{"name", name},
        {"labels",
         {{"worker.gardener.cloud/pool", pool}, {"worker.garden.sapcloud.io/group", pool}}}}},
      {"status",
       {{"nodeInfo", {{"kernelVersion", "6.12.72-cloud-amd64"}}},
        {"conditions",
         {{{"type", "GPUDriverReady"},
           {"status", ready ? "True" : "False"},
           {"reason", reason}}}}}}};
  if (ready) {
    node["metadata"]["labels"]["gpu.extensions.gardener.cloud/driver-ready"] = "580.95.05";
    node["status"]["allocatable"] = {{"nvidia.com/gpu", "1"}};
  }
  return node;
}

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
  // Creates or replaces a shoot node, its status written through /status as the kubelet and
  // the node agent do.
  void PutNode(const nlohmann::json& node);

  // Runs after every controller round: what the test's SIMULATED node agents do in the shoot.
  std::function<void()> after_round_ = {};

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
  ContainerRuntimeActuator runtime_actuator_{
      Component(),
      charts_,
      {.events = &events_, .shoot_client = [this](kube::Client&, const std::string&) {
         return std::make_unique<BorrowedClient>(shoot_);
       }}};
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
