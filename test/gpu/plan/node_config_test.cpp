// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/node_config.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/gpu/chart_values.h"
#include "gpuext/gpu/provider_status.h"
#include "gpuext/gpuruntime/api/operator_values.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/yaml_json.h"
#include "plan_test_util.h"

namespace gpuext::gpu {
namespace {

using nlohmann::json;
using testing::ClusterFor;
using testing::Component;
using ::testing::ElementsAre;
using testing::GpuConfigDoc;
using testing::GpuShoot;
namespace api = gpuruntime::api;

TEST(DevicePluginConfigsTest, OneKeyPerDistinctSharingWithTheShootWideOneAsDefault) {
  const ShootPlan plan = PlanShoot(
      ClusterFor(GpuShoot(GpuConfigDoc({{"sharing", {{"timeSlicing", {{"replicas", 4}}}}}}))),
      Component());
  const json configs = DevicePluginConfigs(plan);
  // gpu-a shares like the shoot (4 replicas), gpu-b overrides to 2.
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(configs["default"]["sharing"]["timeSlicing"]["resources"][0],
            json({{"name", "nvidia.com/gpu"}, {"replicas", 4}}));
  EXPECT_EQ(configs["pool-gpu-b"]["sharing"]["timeSlicing"]["resources"][0]["replicas"], 2);
  EXPECT_EQ(configs["default"]["version"], "v1");
  EXPECT_EQ(configs["default"]["flags"]["migStrategy"], "none");
}

TEST(DevicePluginConfigsTest, NoSharingMeansNoSharingSectionAndMpsIsItsOwnShape) {
  api::ResolvedSharing none;
  EXPECT_FALSE(DevicePluginConfig(none, api::MigStrategy::kMixed).contains("sharing"));
  EXPECT_EQ(DevicePluginConfig(none, api::MigStrategy::kMixed)["flags"]["migStrategy"], "mixed");
  api::ResolvedSharing mps{.kind = api::SharingKind::kMps, .replicas = 3};
  EXPECT_EQ(DevicePluginConfig(mps, api::MigStrategy::kNone)["sharing"],
            json::parse(R"({"mps": {"resources": [{"name": "nvidia.com/gpu", "replicas": 3}]}})"));
}

TEST(BuildAgentConfigurationTest, IsValidAndSelectsThePoolsSharingKey) {
  const ShootPlan plan = PlanShoot(ClusterFor(GpuShoot()), Component());
  const auto key = nodeagent::artifact::SigningKey::Generate();
  const ManifestTrust trust{.signing_public_key = key.PublicKeyBase64(),
                            .cache_ca_bundle = "-----BEGIN CERTIFICATE-----\nx\n"};
  const api::AgentConfiguration a = BuildAgentConfiguration(plan.pools[0], plan, trust);
  const api::AgentConfiguration b = BuildAgentConfiguration(plan.pools[1], plan, trust);
  EXPECT_TRUE(api::Validate(a).empty()) << ToAggregateMessage(api::Validate(a));
  EXPECT_EQ(a.pool, "gpu-a");
  EXPECT_EQ(a.driver.version, "580.95.05");
  EXPECT_THAT(a.driver.modules, ElementsAre("nvidia", "nvidia-uvm", "nvidia-modeset"));
  EXPECT_EQ(a.device_labels.at("nvidia.com/device-plugin.config"), "default");
  EXPECT_EQ(b.device_labels.at("nvidia.com/device-plugin.config"), "pool-gpu-b");
  ASSERT_EQ(a.cache.sources.size(), 1u);
  EXPECT_EQ(a.cache.sources[0].url, "https://gpu-driver-cache.gpu-driver-cache.svc");
  ASSERT_EQ(a.cache.trusted_keys.size(), 1u);
  EXPECT_EQ(a.cache.trusted_keys[0].key_id, key.KeyId());
  // The ConfigMap text round-trips through the agent's own loader.
  EXPECT_EQ(api::LoadAgentConfiguration(ToYaml(api::ToJson(a))), a);
}

TEST(BuildAgentConfigurationTest, PeermemAddsItsModule) {
  const ShootPlan plan =
      PlanShoot(ClusterFor(GpuShoot(GpuConfigDoc({{"driver", {{"peermem", true}}}}))), Component());
  EXPECT_THAT(BuildAgentConfiguration(plan.pools[0], plan, {}).driver.modules,
              ElementsAre("nvidia", "nvidia-uvm", "nvidia-modeset", "nvidia-peermem"));
}

TEST(OperatorChartValuesTest, KeepsTheDriverToUsAndEnablesMigManagerOnlyWithAStrategy) {
  const ShootPlan none = PlanShoot(ClusterFor(GpuShoot()), Component());
  const json values = OperatorChartValues(none);
  EXPECT_EQ(values["driver"]["enabled"], false);
  EXPECT_EQ(values["toolkit"]["installDir"], "/opt/nvidia");
  EXPECT_EQ(values["migManager"]["enabled"], false);
  EXPECT_EQ(values["devicePlugin"]["config"]["name"], "gpuext-device-plugin-config");
  const ShootPlan mixed = PlanShoot(
      ClusterFor(GpuShoot(GpuConfigDoc({{"mig", {{"strategy", "mixed"}}}}))), Component());
  EXPECT_EQ(OperatorChartValues(mixed)["migManager"]["enabled"], true);
  EXPECT_EQ(OperatorChartValues(mixed)["mig"]["strategy"], "mixed");
}

TEST(OperatorChartValuesTest, UserOperatorValuesLieUnderneathOurs) {
  const json user = {{"operator", {{"logging", {{"level", "debug"}}}, {"runtimeClass", "other"}}},
                     {"driver", {{"enabled", true}, {"repository", "mirror/nvidia"}}},
                     {"daemonsets", {{"labels", {{"team", "ml"}}}}}};
  const ShootPlan plan =
      PlanShoot(ClusterFor(GpuShoot(GpuConfigDoc({{"operatorValues", user}}))), Component());
  const json values = OperatorChartValues(plan);
  EXPECT_EQ(values["operator"]["logging"]["level"], "debug");  // theirs, merged in
  EXPECT_EQ(values["daemonsets"]["labels"]["team"], "ml");
  EXPECT_EQ(values["driver"]["repository"], "mirror/nvidia");  // harmless with the driver off
  EXPECT_EQ(values["operator"]["runtimeClass"], "nvidia");     // ours win
  EXPECT_EQ(values["driver"]["enabled"], false);
  EXPECT_EQ(values["toolkit"]["installDir"], "/opt/nvidia");
  EXPECT_THAT(OverriddenOperatorValues(plan),
              ElementsAre(::testing::StartsWith("operator.runtimeClass ("),
                          ::testing::StartsWith("driver.enabled (")));
  EXPECT_THAT(OverriddenOperatorValues(PlanShoot(ClusterFor(GpuShoot()), Component())),
              ::testing::IsEmpty());
}

// Every value the extension derives must be in the pinned table, or the webhook would not warn
// a user whose operatorValues are silently replaced.
void CollectOperatorLeafPaths(const json& value, const std::string& path,
                              std::vector<std::string>& out) {
  if (!value.is_object() || value.empty()) {
    out.push_back(path);
    return;
  }
  for (const auto& [key, child] : value.items()) {
    CollectOperatorLeafPaths(child, path.empty() ? key : path + "." + key, out);
  }
}

TEST(OperatorChartValuesTest, EveryValueWeSetIsAPinnedPath) {
  const std::vector<json> configs = {
      GpuConfigDoc(json::object()),
      GpuConfigDoc({{"mig", {{"strategy", "mixed"}}},
                    {"dcgmExporter", {{"enabled", true}, {"serviceMonitor", true}}}}),
      GpuConfigDoc({{"sharing", {{"timeSlicing", {{"replicas", 4}}}}}})};
  for (const json& config : configs) {
    std::vector<std::string> leaves;
    CollectOperatorLeafPaths(
        OperatorChartValues(PlanShoot(ClusterFor(GpuShoot(config)), Component())), "", leaves);
    ASSERT_FALSE(leaves.empty());
    for (const std::string& leaf : leaves) {
      const auto pinned = gpuruntime::api::PinnedOperatorValues();
      EXPECT_TRUE(std::any_of(pinned.begin(), pinned.end(),
                              [&](const auto& p) {
                                return leaf == p.path ||
                                       leaf.starts_with(std::string(p.path) + ".");
                              }))
          << leaf << " is set by the extension but missing from PinnedOperatorValues()";
    }
  }
}

TEST(ProviderStatusTest, ListsPoolsAndRecordsAPoolThatLostTheRuntime) {
  const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));
  json shoot = GpuShoot();
  const ShootPlan both = PlanShoot(ClusterFor(shoot), Component());
  const json first = BuildProviderStatus(both, shoot, nullptr, t0, "sha256:k");
  ASSERT_EQ(first["pools"].size(), 2u);
  EXPECT_EQ(first["pools"][0]["driverVersion"], "580.95.05");
  EXPECT_EQ(first["pools"][0]["machineImage"], "gardenlinux/1877.5.0");
  EXPECT_EQ(first["cache"]["keyId"], "sha256:k");
  EXPECT_FALSE(first.contains("removedPools"));

  // gpu-b loses its runtime: it is recorded once, with the time it happened.
  shoot["spec"]["provider"]["workers"][1]["cri"]["containerRuntimes"].erase(0);
  const ShootPlan one = PlanShoot(ClusterFor(shoot), Component());
  json second = BuildProviderStatus(one, shoot, first, t0, "sha256:k");
  EXPECT_EQ(second["removedPools"],
            json::parse(R"([{"name": "gpu-b", "since": "2026-09-21T14:13:20Z"}])"));
  // Later reconciles keep the original time.
  const json third =
      BuildProviderStatus(one, shoot, second, t0 + std::chrono::hours(1), "sha256:k");
  EXPECT_EQ(third["removedPools"], second["removedPools"]);

  // The pool disappears from the shoot: the entry goes.
  shoot["spec"]["provider"]["workers"].erase(1);
  EXPECT_FALSE(BuildProviderStatus(one, shoot, third, t0, "").contains("removedPools"));
}

TEST(ProviderStatusTest, KeepsNodeCountsTheHealthCheckWrote) {
  const json shoot = GpuShoot();
  const ShootPlan plan = PlanShoot(ClusterFor(shoot), Component());
  json previous = BuildProviderStatus(plan, shoot, nullptr, {}, "");
  previous["pools"][0]["nodes"] = {{"total", 3}, {"ready", 2}};
  const json next = BuildProviderStatus(plan, shoot, previous, {}, "");
  EXPECT_EQ(next["pools"][0]["nodes"], previous["pools"][0]["nodes"]);
}

}  // namespace
}  // namespace gpuext::gpu
