// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The seed controllers end to end on the simulators (issue "The GPU controller"): what lands in
// the shoot for a shoot with two GPU pools and one CPU pool, what changes when the
// providerConfig changes, pool removal, deletion in gardenlet's order, migrate/restore and a bad
// providerConfig. Golden object lists live in test/testdata/gpu/ (reviewed by hand; regenerate
// with GPUEXT_UPDATE_GOLDEN=1 and review the diff).
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "flow_fixture.h"
#include "gpuext/gardener/managed_resource.h"

namespace gpuext::gpu::testing {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Join(const std::set<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    out += line + "\n";
  }
  return out;
}

// Compares against test/testdata/gpu/<name>; with GPUEXT_UPDATE_GOLDEN=1 rewrites it instead.
void ExpectGolden(const std::string& name, const std::set<std::string>& lines) {
  const std::string path = std::string(GPUEXT_SOURCE_DIR) + "/test/testdata/gpu/" + name;
  if (std::getenv("GPUEXT_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << Join(lines);
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing golden file " << path << " (GPUEXT_UPDATE_GOLDEN=1 writes it)";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(Join(lines), text.str()) << "golden file " << path;
}

// Keys of objects whose content differs between two snapshots (added and removed included).
std::set<std::string> Changed(const std::map<std::string, json>& before,
                              const std::map<std::string, json>& after) {
  std::set<std::string> changed;
  for (const auto& [key, object] : after) {
    const auto it = before.find(key);
    if (it == before.end() || it->second != object) {
      changed.insert(key);
    }
  }
  for (const auto& [key, object] : before) {
    if (!after.contains(key)) {
      changed.insert(key);
    }
  }
  return changed;
}

TEST_F(GpuFlowTest, TwoGpuPoolsAndACpuPoolGetExactlyTheExpectedObjects) {
  ReconcileShoot(GpuShoot());

  const json ext = Extension();
  EXPECT_EQ(ext["status"]["lastOperation"]["state"], "Succeeded");
  EXPECT_THAT(ManagedResourceNames(),
              ElementsAre("extension-gpu-agent-gpu-a", "extension-gpu-agent-gpu-b",
                          "extension-gpu-agent-shared", "extension-gpu-driver-cache",
                          "extension-gpu-nfd", "extension-gpu-nfd-crds", "extension-gpu-operator",
                          "extension-gpu-operator-crds", "extension-gpu-shared"));
  // resource-manager applied every MR. Their workloads stay unready here: no node runs pods
  // in this test (the node simulator of the demo does).
  for (const std::string& mr : ManagedResourceNames()) {
    EXPECT_EQ(AppliedCondition(mr), "True") << mr;
  }
  ExpectGolden("two-gpu-pools.txt", ShootObjectKeys(shoot_));

  // The CPU pool gets no agent; each GPU pool's DaemonSet selects its own nodes.
  const auto objects = ShootObjects(shoot_);
  const json& ds = objects.at("DaemonSet gpu-node-agent/gpu-node-agent-gpu-b");
  EXPECT_EQ(ds["spec"]["template"]["spec"]["nodeSelector"]["worker.gardener.cloud/pool"], "gpu-b");
  EXPECT_EQ(ds["spec"]["template"]["spec"]["nodeSelector"]["worker.gardener.cloud/cri-name"],
            "containerd");
  EXPECT_FALSE(objects.contains("DaemonSet gpu-node-agent/gpu-node-agent-cpu"));
  // The images are the ones the operator pinned in the component config.
  EXPECT_EQ(ds["spec"]["template"]["spec"]["containers"][0]["image"],
            Component().images.node_agent);
  EXPECT_EQ(objects.at("StatefulSet gpu-driver-cache/gpu-driver-cache")["spec"]["template"]["spec"]
                                                                       ["containers"][0]["image"],
            Component().images.driver_cache);

  const json status = ext["status"]["providerStatus"];
  EXPECT_EQ(status["kind"], "GPUStatus");
  ASSERT_EQ(status["pools"].size(), 2u);
  EXPECT_EQ(status["pools"][1]["name"], "gpu-b");
  EXPECT_THAT(status["cache"]["keyId"].get<std::string>(), HasSubstr("sha256:"));

  // What `kubectl describe` shows: one event per state change, not one per reconcile.
  EXPECT_THAT(
      EventTexts(),
      ::testing::UnorderedElementsAre(
          "GPUStackDeployed: GPU stack written for gpu-a (driver 580.95.05), gpu-b "
          "(driver 580.95.05); cache server",
          HasSubstr("NodeAgentDeployed: gpu-node-agent-gpu-a deployed for driver 580.95.05"),
          HasSubstr("NodeAgentDeployed: gpu-node-agent-gpu-b deployed")));
}

TEST_F(GpuFlowTest, ProviderConfigChangeTouchesOnlyTheObjectsThatDependOnIt) {
  ReconcileShoot(GpuShoot());
  const auto before = ShootObjects(shoot_);

  ReconcileShoot(GpuShoot(GpuConfigDoc(
      {{"driver", {{"version", "590"}}}, {"sharing", {{"timeSlicing", {{"replicas", 4}}}}}})));
  const auto after = ShootObjects(shoot_);
  // The driver version reaches both pools' agent configs (gpu-b keeps its own sharing, so its
  // selected key stays pool-gpu-b); time slicing changes the device-plugin configs.
  // The cache server's prebuild targets follow the driver version, and its pods roll to read
  // them (config checksum on the StatefulSet's template).
  EXPECT_THAT(Changed(before, after),
              ElementsAre("ConfigMap gpu-driver-cache/gpu-driver-cache",
                          "ConfigMap gpu-node-agent/gpu-node-agent-gpu-a",
                          "ConfigMap gpu-node-agent/gpu-node-agent-gpu-b",
                          "ConfigMap gpu-operator/gpuext-device-plugin-config",
                          "StatefulSet gpu-driver-cache/gpu-driver-cache"));
  EXPECT_THAT(after.at("ConfigMap gpu-node-agent/gpu-node-agent-gpu-a")["data"]["config.yaml"]
                  .get<std::string>(),
              HasSubstr("590.48.01"));
}

TEST_F(GpuFlowTest, OperatorValuesReachTheOperatorButNeverReplaceWhatTheAgentNeeds) {
  const json user = {{"driver", {{"enabled", true}}},
                     {"daemonsets", {{"labels", {{"team", "ml"}}}}},
                     {"operator", {{"logging", {{"level", "debug"}}}}}};
  ReconcileShoot(GpuShoot(GpuConfigDoc({{"operatorValues", user}})));
  const auto objects = ShootObjects(shoot_);
  const json& policy = objects.at("ClusterPolicy cluster-policy")["spec"];
  EXPECT_EQ(policy["driver"]["enabled"], false);
  EXPECT_EQ(policy["daemonsets"]["labels"]["team"], "ml");
  const json& operator_args = objects.at(
      "Deployment gpu-operator/gpu-operator")["spec"]["template"]["spec"]["containers"][0]["args"];
  EXPECT_THAT(operator_args, Contains("--zap-log-level=debug"));
  EXPECT_THAT(EventTexts(),
              Contains(HasSubstr("OperatorValuesOverridden: providerConfig.operatorValues: the "
                                 "extension sets these itself and ignores yours: driver.enabled "
                                 "(the node agent installs the driver")));
}

TEST_F(GpuFlowTest, RemovingOnePoolsRuntimeRemovesOnlyItsAgentAndTheLastRemovesEverything) {
  ReconcileShoot(GpuShoot());
  json shoot = GpuShoot();
  shoot["spec"]["provider"]["workers"][1]["cri"]["containerRuntimes"].erase(0);
  ReconcileShoot(shoot);
  SettleUntil([&] { return !seed_.Get(gardener::kContainerRuntimes, {kSeedNs, "nvidia-gpu-b"}); });
  EXPECT_THAT(ManagedResourceNames(), Not(Contains("extension-gpu-agent-gpu-b")));
  EXPECT_THAT(ManagedResourceNames(), Contains("extension-gpu-agent-shared"));
  EXPECT_THAT(ShootObjectKeys(shoot_),
              Not(Contains("DaemonSet gpu-node-agent/gpu-node-agent-gpu-b")));
  EXPECT_THAT(ShootObjectKeys(shoot_), Contains("DaemonSet gpu-node-agent/gpu-node-agent-gpu-a"));
  EXPECT_EQ(Extension()["status"]["providerStatus"]["removedPools"][0]["name"], "gpu-b");
  EXPECT_THAT(EventTexts(), Contains(HasSubstr("GPUPoolRemoved: worker pool gpu-b")));

  // The last pool goes, and with it the extension (the garden webhook removes it): nothing of
  // ours is left in the shoot or the seed.
  shoot["spec"]["provider"]["workers"][0]["cri"].erase("containerRuntimes");
  shoot["spec"]["extensions"] = json::array();
  ReconcileShoot(shoot);
  // gardenlet deletes the stale Extension and ContainerRuntime objects; the controllers clean up.
  SettleUntil([&] {
    return !seed_.Get(gardener::kExtensions, {kSeedNs, "nvidia-gpu"}).has_value() &&
           seed_.List(gardener::kContainerRuntimes, {.ns = kSeedNs})["items"].empty();
  });
  EXPECT_THAT(ManagedResourceNames(), IsEmpty());
  EXPECT_THAT(ShootObjectKeys(shoot_), IsEmpty());
  EXPECT_FALSE(seed_.Get(gardener::kSecretsResource, {kSeedNs, "gpu-cache-signing-key"}));
  EXPECT_THAT(EventTexts(), Contains(HasSubstr("GPUStackRemoved")));
}

// The SIMULATED node agent of `node`: once its pool's ConfigMap in the shoot says
// `mode: uninstall`, it reports Uninstalled (after noting whether its DaemonSet was still there).
struct SimulatedUninstallingAgent {
  std::string node;
  std::string pool;
  bool uninstalled = false;
  bool daemonset_present_when_uninstalled = false;
};

std::string AgentConfigInShoot(kube::Client& shoot, const std::string& pool) {
  static const kube::Resource config_maps{"", "v1", "configmaps", true};
  const auto cm = shoot.Get(config_maps, {"gpu-node-agent", "gpu-node-agent-" + pool});
  return cm ? cm->value("/data/config.yaml"_json_pointer, std::string()) : std::string();
}

TEST_F(GpuFlowTest, APoolLosingTheRuntimeUninstallsTheDriverBeforeItsAgentGoes) {
  ReconcileShoot(GpuShoot());
  PutNode(GpuNode("b1", "gpu-b", "Ready"));
  PutNode(GpuNode("a1", "gpu-a", "Ready"));
  ASSERT_THAT(AgentConfigInShoot(shoot_, "gpu-b"), HasSubstr("mode: install"));

  SimulatedUninstallingAgent agent{.node = "b1", .pool = "gpu-b"};
  after_round_ = [&] {
    if (agent.uninstalled ||
        AgentConfigInShoot(shoot_, agent.pool).find("mode: uninstall") == std::string::npos) {
      return;
    }
    agent.daemonset_present_when_uninstalled =
        ShootObjectKeys(shoot_).contains("DaemonSet gpu-node-agent/gpu-node-agent-gpu-b");
    PutNode(GpuNode(agent.node, agent.pool, "Uninstalled"));
    agent.uninstalled = true;
  };
  json shoot = GpuShoot();
  shoot["spec"]["provider"]["workers"][1]["cri"]["containerRuntimes"].erase(0);
  ReconcileShoot(shoot);
  SettleUntil([&] { return !seed_.Get(gardener::kContainerRuntimes, {kSeedNs, "nvidia-gpu-b"}); });

  EXPECT_TRUE(agent.uninstalled)
      << "the agent never saw mode: uninstall"
      << seed_.Get(gardener::kContainerRuntimes, {kSeedNs, "nvidia-gpu-b"}).value_or(json()).dump();
  EXPECT_TRUE(agent.daemonset_present_when_uninstalled)
      << "the DaemonSet must stay until its agents have unloaded the driver";
  EXPECT_THAT(ShootObjectKeys(shoot_),
              Not(Contains("DaemonSet gpu-node-agent/gpu-node-agent-gpu-b")));
  EXPECT_THAT(AgentConfigInShoot(shoot_, "gpu-a"), HasSubstr("mode: install"));
  const std::vector<std::string> events = EventTexts();
  EXPECT_THAT(events, Contains(HasSubstr("DriverUninstalling: the node agents of pool gpu-b")));
  EXPECT_THAT(events, Not(Contains(HasSubstr("DriverUninstallTimedOut"))));
}

TEST_F(GpuFlowTest, UninstallGivesUpAfterTwoMinutesAndSaysWhichNodesDidNotAnswer) {
  ReconcileShoot(GpuShoot());
  PutNode(GpuNode("b1", "gpu-b", "Ready"));  // its agent never answers
  const auto start = clock_.Now();
  json shoot = GpuShoot();
  shoot["spec"]["provider"]["workers"][1]["cri"]["containerRuntimes"].erase(0);
  ReconcileShoot(shoot);
  SettleUntil([&] { return !seed_.Get(gardener::kContainerRuntimes, {kSeedNs, "nvidia-gpu-b"}); });
  EXPECT_GE(clock_.Now() - start, std::chrono::minutes(2));
  EXPECT_THAT(ShootObjectKeys(shoot_),
              Not(Contains("DaemonSet gpu-node-agent/gpu-node-agent-gpu-b")));
  EXPECT_THAT(EventTexts(),
              Contains(AllOf(HasSubstr("DriverUninstallTimedOut: not every node of pool gpu-b"),
                             HasSubstr(": b1"))));
}

TEST_F(GpuFlowTest, ShootDeletionInGardenletsOrderLeavesNothingBehind) {
  ReconcileShoot(GpuShoot());
  Drive([&] { gardenlet_.Delete(GpuShoot(), {}); });
  grm_.SyncOnce();
  EXPECT_THAT(ManagedResourceNames(), IsEmpty());
  EXPECT_THAT(ShootObjectKeys(shoot_), IsEmpty());
  EXPECT_FALSE(seed_.Get(gardener::kExtensions, {kSeedNs, "nvidia-gpu"}).has_value());
}

TEST_F(GpuFlowTest, MigrationKeepsTheShootsObjectsAndRestoreTakesThemOverAgain) {
  ReconcileShoot(GpuShoot());
  const std::set<std::string> running = ShootObjectKeys(shoot_);
  Drive([&] { gardenlet_.Migrate(GpuShoot(), {}); });
  grm_.SyncOnce();
  EXPECT_THAT(ManagedResourceNames(), IsEmpty());
  EXPECT_EQ(ShootObjectKeys(shoot_), running) << "migration must not touch the shoot";

  Drive([&] { gardenlet_.Restore(GpuShoot(), cloud_profile_, {}); });
  grm_.SyncOnce();
  EXPECT_EQ(Extension()["status"]["lastOperation"]["type"], "Restore");
  EXPECT_EQ(Extension()["status"]["lastOperation"]["state"], "Succeeded");
  EXPECT_EQ(ManagedResourceNames().size(), 9u);
  EXPECT_EQ(ShootObjectKeys(shoot_), running);
}

TEST_F(GpuFlowTest, BadProviderConfigIsAConfigurationProblemAndTouchesNoManagedResource) {
  ReconcileShoot(GpuShoot());
  const auto mrs_before = ManagedResourceSpecs();
  try {
    ReconcileShoot(GpuShoot(GpuConfigDoc({{"driver", {{"version", "999"}}}})));
    FAIL() << "gardenlet should fail the shoot";
  } catch (const landscape::GardenletError& e) {
    EXPECT_THAT(e.codes(), Contains("ERR_CONFIGURATION_PROBLEM"));
    EXPECT_THAT(e.what(), HasSubstr("spec.extensions[0].providerConfig.driver.version"));
  }
  EXPECT_THAT(EventTexts(),
              Contains(HasSubstr(
                  "InvalidConfiguration: spec.extensions[0].providerConfig.driver.version")));
  EXPECT_EQ(ManagedResourceSpecs(), mrs_before);
}

}  // namespace
}  // namespace gpuext::gpu::testing
