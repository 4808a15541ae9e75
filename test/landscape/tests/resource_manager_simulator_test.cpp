// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/landscape/resource_manager_simulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/gardener/managed_resource.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::landscape {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kShootNamespace = "shoot--dev--gpu1";
const kube::Resource kDaemonSets{"apps", "v1", "daemonsets"};
const kube::Resource kConfigMaps{"", "v1", "configmaps"};
const kube::Resource kNamespaceResource{"", "v1", "namespaces", false};

// The RestMapper's answer for the kinds these tests use.
kube::Resource Resolve(const std::string& api_version, const std::string& kind) {
  if (kind == "DaemonSet" && api_version == "apps/v1") {
    return kDaemonSets;
  }
  if (kind == "ConfigMap" && api_version == "v1") {
    return kConfigMaps;
  }
  if (kind == "Namespace" && api_version == "v1") {
    return kNamespaceResource;
  }
  throw Error(ErrorCode::kNotFound, "no resource for " + api_version + " " + kind);
}

constexpr const char* kObjects = R"(apiVersion: v1
kind: Namespace
metadata:
  name: gpu-operator
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: gpu-node-agent
  namespace: gpu-operator
spec:
  selector: {matchLabels: {app: agent}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: agent-config
  namespace: gpu-operator
data: {a: "1"}
)";

class ResourceManagerSimulatorTest : public ::testing::Test {
 protected:
  void Deploy(const std::string& yaml, bool keep = false) {
    mrs_.Deploy({.ns = kShootNamespace,
                 .name = "extension-gpu",
                 .data = {{"objects.yaml", yaml}},
                 .keep_objects = keep});
  }
  gardener::ManagedResourceHealth Health() {
    return mrs_.CheckHealth(kShootNamespace, "extension-gpu");
  }

  testing::FakeClock clock_;
  kube::testing::FakeClient seed_{{.clock = &clock_}};
  kube::testing::FakeClient shoot_{{.clock = &clock_}};
  gardener::ManagedResources mrs_{seed_, clock_, "gardener-extension-gpu"};
  ResourceManagerSimulator grm_{seed_, shoot_, Resolve, {.clock = &clock_}};
};

TEST_F(ResourceManagerSimulatorTest, AppliesObjectsWithInjectedLabelsAndReportsHealthFromStatus) {
  Deploy(kObjects);
  grm_.SyncOnce();
  const json ds = shoot_.Get(kDaemonSets, {"gpu-operator", "gpu-node-agent"}).value();
  EXPECT_EQ(ds["metadata"]["labels"]["shoot.gardener.cloud/no-cleanup"], "true");
  EXPECT_TRUE(shoot_.Get(kNamespaceResource, {"", "gpu-operator"}).has_value());
  EXPECT_TRUE(shoot_.Get(kConfigMaps, {"gpu-operator", "agent-config"}).has_value());

  // The DaemonSet has no status yet: applied, not healthy, progressing.
  auto health = Health();
  EXPECT_FALSE(health.healthy);
  EXPECT_THAT(health.message, HasSubstr("gpu-node-agent"));
  const json conditions = seed_.Get(gardener::kManagedResources, {kShootNamespace, "extension-gpu"})
                              .value()["status"]["conditions"];
  EXPECT_EQ(conditions[0]["status"], "True");   // ResourcesApplied
  EXPECT_EQ(conditions[1]["status"], "False");  // ResourcesHealthy
  EXPECT_EQ(conditions[2]["type"], "ResourcesProgressing");
  EXPECT_EQ(conditions[2]["status"], "True");

  // The "kubelet" reports 2/2 pods ready.
  shoot_.Patch(kDaemonSets, {"gpu-operator", "gpu-node-agent"}, kube::PatchType::kMerge,
               {{"status", {{"desiredNumberScheduled", 2}, {"numberReady", 2}}}},
               kube::Subresource::kStatus);
  grm_.SyncOnce();
  health = Health();
  EXPECT_TRUE(health.healthy) << health.message;
  EXPECT_FALSE(health.progressing);
  // Re-applying keeps the status the kubelet wrote.
  EXPECT_EQ(
      shoot_.Get(kDaemonSets, {"gpu-operator", "gpu-node-agent"}).value()["status"]["numberReady"],
      2);
}

TEST_F(ResourceManagerSimulatorTest, PrunesWhatANewVersionDropsUnlessKeepObjects) {
  Deploy(kObjects);
  grm_.SyncOnce();
  const std::string without_cm =
      std::string(kObjects).substr(0, std::string(kObjects).rfind("---"));
  Deploy(without_cm);
  grm_.SyncOnce();
  EXPECT_FALSE(shoot_.Get(kConfigMaps, {"gpu-operator", "agent-config"}).has_value());
  EXPECT_TRUE(shoot_.Get(kDaemonSets, {"gpu-operator", "gpu-node-agent"}).has_value());

  Deploy(kObjects);
  grm_.SyncOnce();
  Deploy(without_cm, /*keep=*/true);
  grm_.SyncOnce();
  EXPECT_TRUE(shoot_.Get(kConfigMaps, {"gpu-operator", "agent-config"}).has_value());
}

TEST_F(ResourceManagerSimulatorTest, DeletionRemovesObjectsThenTheFinalizer) {
  Deploy(kObjects);
  grm_.SyncOnce();
  mrs_.Destroy(kShootNamespace, "extension-gpu");
  // Still there: the resource manager's finalizer holds it until the objects are gone.
  ASSERT_TRUE(mrs_.CheckHealth(kShootNamespace, "extension-gpu").exists);
  grm_.SyncOnce();
  EXPECT_FALSE(mrs_.CheckHealth(kShootNamespace, "extension-gpu").exists);
  EXPECT_FALSE(shoot_.Get(kDaemonSets, {"gpu-operator", "gpu-node-agent"}).has_value());
}

TEST_F(ResourceManagerSimulatorTest, KeepObjectsSurvivesDeletion) {
  Deploy(kObjects);
  grm_.SyncOnce();
  mrs_.SetKeepObjects(kShootNamespace, "extension-gpu", true);
  mrs_.Destroy(kShootNamespace, "extension-gpu");
  grm_.SyncOnce();
  EXPECT_FALSE(mrs_.CheckHealth(kShootNamespace, "extension-gpu").exists);
  EXPECT_TRUE(shoot_.Get(kDaemonSets, {"gpu-operator", "gpu-node-agent"}).has_value());
}

TEST_F(ResourceManagerSimulatorTest, UnknownKindsFailTheApplyWithTheReason) {
  Deploy("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
  grm_.SyncOnce();
  const auto health = Health();
  EXPECT_FALSE(health.healthy);
  EXPECT_THAT(health.message, HasSubstr("no resource for example.com/v1 Widget"));
}

TEST(ObjectUnhealthyReasonTest, ReadsTheStatusOfWorkloads) {
  EXPECT_EQ(ObjectUnhealthyReason(json::parse(
                R"({"kind": "Deployment", "metadata": {"namespace": "n", "name": "d"},
                    "spec": {"replicas": 2}, "status": {"availableReplicas": 1}})")),
            "Deployment n/d: 1/2 replicas ready");
  EXPECT_EQ(
      ObjectUnhealthyReason(json::parse(
          R"({"kind": "StatefulSet", "metadata": {"name": "s"}, "status": {"readyReplicas": 1}})")),
      "");
  EXPECT_EQ(ObjectUnhealthyReason(json::parse(
                R"({"kind": "Job", "metadata": {"name": "j"}, "status": {"failed": 1}})")),
            "Job /j: failed");
  EXPECT_EQ(
      ObjectUnhealthyReason(json::parse(R"({"kind": "ConfigMap", "metadata": {"name": "c"}})")),
      "");
}

}  // namespace
}  // namespace gpuext::landscape
