// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The real gardener-extension-gpu against a seed: what gardenlet writes (Cluster, Extension,
// ContainerRuntime, OSC) goes in through kubectl; the binary's controllers, webhook and
// heartbeat must answer as gardenlet expects.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../plan/plan_test_util.h"
#include "extension_binary_fixture.h"

namespace gpuext::gpu::e2e {
namespace {

using nlohmann::json;

json ClusterObject() {
  return {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
          {"kind", "Cluster"},
          {"metadata", {{"name", kShootNs}}},
          {"spec",
           {{"shoot", testing::GpuShoot()},
            {"cloudProfile",
             {{"apiVersion", "core.gardener.cloud/v1beta1"},
              {"kind", "CloudProfile"},
              {"metadata", {{"name", "aws"}}}}},
            {"seed",
             {{"apiVersion", "core.gardener.cloud/v1beta1"},
              {"kind", "Seed"},
              {"metadata", {{"name", "seed-1"}}}}}}}};
}

// What gardenlet writes to ask for a reconcile.
json ReconcileAnnotation() { return {{"gardener.cloud/operation", "reconcile"}}; }

json ExtensionObject() {
  return {
      {"apiVersion", "extensions.gardener.cloud/v1alpha1"},
      {"kind", "Extension"},
      {"metadata",
       {{"name", "nvidia-gpu"}, {"namespace", kShootNs}, {"annotations", ReconcileAnnotation()}}},
      {"spec", {{"type", "nvidia-gpu"}}}};
}

json ContainerRuntimeObject() {
  return {
      {"apiVersion", "extensions.gardener.cloud/v1alpha1"},
      {"kind", "ContainerRuntime"},
      {"metadata",
       {{"name", "nvidia-gpu-a"}, {"namespace", kShootNs}, {"annotations", ReconcileAnnotation()}}},
      {"spec",
       {{"type", "nvidia"},
        {"binaryPath", "/var/bin/containerruntimes"},
        {"workerPool",
         {{"name", "gpu-a"},
          {"selector", {{"matchLabels", {{"worker.gardener.cloud/pool", "gpu-a"}}}}}}}}}};
}

// A reconcile OSC of pool gpu-a as gardenlet writes it (containerd with a sandbox image).
json OscObject() {
  return {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
          {"kind", "OperatingSystemConfig"},
          {"metadata",
           {{"name", "gardener-node-agent-gpu-a-original"},
            {"namespace", kShootNs},
            {"labels", {{"worker.gardener.cloud/pool", "gpu-a"}}}}},
          {"spec",
           {{"type", "gardenlinux"},
            {"purpose", "reconcile"},
            {"criConfig",
             {{"name", "containerd"},
              {"cgroupDriver", "systemd"},
              {"containerd", {{"sandboxImage", "registry.k8s.io/pause:3.10"}}}}}}}};
}

std::string LastOperationState(const json& object) {
  return object.is_null() ? "" : object.value("/status/lastOperation/state"_json_pointer, "");
}

TEST_F(ExtensionBinaryE2ETest, ReconcilesMutatesOscsAndDeletes) {
  // The heartbeat and the leader Lease show the binary is alive and leading.
  WaitFor("the heartbeat Lease", [&] {
    return !Get("leases.coordination.k8s.io", "gardener-extension-heartbeat", kExtensionNs)
                .is_null();
  });
  EXPECT_FALSE(
      Get("leases.coordination.k8s.io", "gardener-extension-gpu-leader-election", kExtensionNs)
          .is_null());

  Apply(ClusterObject());
  Apply(ExtensionObject());
  Apply(ContainerRuntimeObject());

  WaitFor("Extension nvidia-gpu to succeed",
          [&] { return LastOperationState(Get("extensions", "nvidia-gpu")) == "Succeeded"; });
  WaitFor("ContainerRuntime nvidia-gpu-a to succeed", [&] {
    return LastOperationState(Get("containerruntimes", "nvidia-gpu-a")) == "Succeeded";
  });
  const json extension = Get("extensions", "nvidia-gpu");
  EXPECT_FALSE(extension["metadata"]
                   .value("annotations", json::object())
                   .contains("gardener.cloud/operation"))
      << "the reconcile annotation is gardenlet's request and must be removed";
  EXPECT_EQ(extension["metadata"]["finalizers"],
            json::array({"extensions.gardener.cloud/nvidia-gpu"}));
  for (const char* mr : {"extension-gpu-nfd-crds", "extension-gpu-operator-crds",
                         "extension-gpu-shared", "extension-gpu-nfd", "extension-gpu-operator",
                         "extension-gpu-agent-shared", "extension-gpu-agent-gpu-a"}) {
    EXPECT_FALSE(Get("managedresources.resources.gardener.cloud", mr).is_null()) << mr;
  }

  // The OSC webhook registers the nvidia runtime with containerd for the GPU pool.
  Apply(OscObject());
  const json osc = Get("operatingsystemconfigs", "gardener-node-agent-gpu-a-original");
  ASSERT_FALSE(osc.is_null());
  const json plugins = osc.value("/spec/criConfig/containerd/plugins"_json_pointer, json::array());
  bool nvidia_runtime = false;
  for (const json& plugin : plugins) {
    for (const json& segment : plugin.value("path", json::array())) {
      nvidia_runtime = nvidia_runtime || segment == "nvidia";
    }
  }
  EXPECT_TRUE(nvidia_runtime) << "no containerd plugin entry for the nvidia runtime in "
                              << osc["spec"].dump(2) << "\n--- binary log ---\n"
                              << BinaryLog();

  // Deletion: the binary removes the MRs, waits for resource-manager (the simulator) to let
  // them go, then drops its finalizer, and the objects disappear.
  for (const char* kind : {"extensions/nvidia-gpu", "containerruntimes/nvidia-gpu-a"}) {
    const auto r = Kubectl({"delete", kind, "-n", kShootNs, "--wait=false"});
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  }
  WaitFor(
      "Extension and ContainerRuntime to disappear",
      [&] {
        return Get("extensions", "nvidia-gpu").is_null() &&
               Get("containerruntimes", "nvidia-gpu-a").is_null();
      },
      std::chrono::seconds(30));
  const auto mrs =
      Kubectl({"get", "managedresources.resources.gardener.cloud", "-n", kShootNs, "-o", "name"});
  EXPECT_EQ(mrs.stdout_text, "") << "ManagedResources left behind";
}

}  // namespace
}  // namespace gpuext::gpu::e2e
