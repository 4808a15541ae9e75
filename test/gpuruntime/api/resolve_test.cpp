// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/resolve.h"

#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api_test_util.h"
#include "gpuext/error.h"

namespace gpuext::gpuruntime::api {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::Doc;
using testing::TestComponent;
using testing::TestContext;

GPUConfig ShootConfig(const json& patch) {
  auto decoded = DecodeGPUConfig(Doc("GPUConfig", patch), "");
  EXPECT_TRUE(decoded.ok()) << ToAggregateMessage(decoded.errors);
  SetDefaults(decoded.value, TestComponent().driver.default_branch);
  return decoded.value;
}

GPUPoolConfig PoolConfig(const json& patch) {
  auto decoded = DecodeGPUPoolConfig(Doc("GPUPoolConfig", patch), "");
  EXPECT_TRUE(decoded.ok()) << ToAggregateMessage(decoded.errors);
  return decoded.value;
}

ResolvedPool Resolve(const json& shoot, const json& pool) {
  return ResolvePool(ShootConfig(shoot), PoolConfig(pool), TestContext().pools[0], TestComponent());
}

TEST(ResolvePoolTest, OverlaysPoolFieldsOnShootDefaults) {
  struct Case {
    std::string name;
    json shoot;
    json pool;
    std::function<void(const ResolvedPool&)> check;
  };
  const std::vector<Case> cases = {
      {"defaults only", json::object(), json::object(),
       [](const ResolvedPool& r) {
         EXPECT_EQ(r.driver.branch, "580");
         EXPECT_EQ(r.driver.version, "580.95.05");
         EXPECT_EQ(r.module_type, ModuleTypePref::kAuto);
         EXPECT_EQ(r.sharing, ResolvedSharing{});
         EXPECT_EQ(r.mig_strategy, MigStrategy::kNone);
         EXPECT_EQ(r.mig_profile, "all-disabled");
         EXPECT_EQ(r.fabric_manager, FabricManagerMode::kAuto);
         EXPECT_EQ(r.max_parallel, 1);
         EXPECT_EQ(r.drain_timeout, 10min);
       }},
      {"shoot branch resolved to its latest version",
       {{"driver", {{"version", "590"}}}},
       json::object(),
       [](const ResolvedPool& r) { EXPECT_EQ(r.driver.version, "590.48.01"); }},
      {"pool version wins, other driver fields inherited",
       {{"driver", {{"version", "590"}, {"moduleType", "proprietary"}, {"peermem", true}}}},
       {{"driver", {{"version", "580.82.07"}}}},
       [](const ResolvedPool& r) {
         EXPECT_EQ(r.driver.version, "580.82.07");
         EXPECT_EQ(r.module_type, ModuleTypePref::kProprietary);
         EXPECT_TRUE(r.peermem);
       }},
      {"null in the pool resets to the built-in default",
       {{"driver", {{"version", "590"}, {"moduleType", "open"}}}, {"fabricManager", "disabled"}},
       {{"driver", {{"version", nullptr}}}, {"fabricManager", nullptr}},
       [](const ResolvedPool& r) {
         EXPECT_EQ(r.driver.version, "580.95.05");  // component default branch
         EXPECT_EQ(r.module_type, ModuleTypePref::kOpen);
         EXPECT_EQ(r.fabric_manager, FabricManagerMode::kAuto);
       }},
      {"time slicing fields merge one by one",
       {{"sharing", {{"timeSlicing", {{"replicas", 4}, {"renameByDefault", true}}}}}},
       {{"sharing", {{"timeSlicing", {{"replicas", 2}}}}}},
       [](const ResolvedPool& r) {
         EXPECT_EQ(r.sharing, (ResolvedSharing{.kind = SharingKind::kTimeSlicing,
                                               .replicas = 2,
                                               .rename_by_default = true,
                                               .fail_requests_greater_than_one = false}));
       }},
      {"pool mps replaces shoot time slicing",
       {{"sharing", {{"timeSlicing", {{"replicas", 4}}}}}},
       {{"sharing", {{"mps", {{"replicas", 3}}}}}},
       [](const ResolvedPool& r) {
         EXPECT_EQ(r.sharing.kind, SharingKind::kMps);
         EXPECT_EQ(r.sharing.replicas, 3);
       }},
      {"sharing: null switches sharing off for the pool",
       {{"sharing", {{"timeSlicing", {{"replicas", 4}}}}}},
       {{"sharing", nullptr}},
       [](const ResolvedPool& r) { EXPECT_EQ(r.sharing.kind, SharingKind::kNone); }},
      {"sharing absent in the pool inherits",
       {{"sharing", {{"mps", {{"replicas", 2}}}}}},
       json::object(),
       [](const ResolvedPool& r) {
         EXPECT_EQ(r.sharing.kind, SharingKind::kMps);
         EXPECT_EQ(r.sharing.replicas, 2);
       }},
      {"mig profile per pool, strategy shoot-wide",
       {{"mig", {{"strategy", "mixed"}, {"profile", "all-balanced"}}}},
       {{"mig", {{"profile", "all-1g.10gb"}}}},
       [](const ResolvedPool& r) {
         EXPECT_EQ(r.mig_strategy, MigStrategy::kMixed);
         EXPECT_EQ(r.mig_profile, "all-1g.10gb");
       }},
      {"upgrade merges field by field",
       {{"upgrade", {{"maxParallel", 3}, {"drainTimeout", "20m"}, {"force", true}}}},
       {{"upgrade", {{"maxParallel", 1}}}},
       [](const ResolvedPool& r) {
         EXPECT_EQ(r.max_parallel, 1);
         EXPECT_EQ(r.drain_timeout, 20min);
         EXPECT_TRUE(r.force);
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    c.check(Resolve(c.shoot, c.pool));
  }
}

TEST(ResolvePoolTest, CarriesImageAndContainerdDialect) {
  const ResolvedPool r = Resolve(json::object(), json::object());
  EXPECT_EQ(r.name, "gpu-a100");
  EXPECT_EQ(r.machine_image_version, "2150.9.0");
  EXPECT_EQ(r.containerd, (ContainerdDialect{.config_version = 3, .cdi = CdiMode::kBuiltin}));
}

TEST(ResolvePoolTest, RefusesVersionOutsideTheCatalog) {
  EXPECT_THAT(
      [] {
        (void)Resolve({{"driver", {{"version", "999"}}}}, json::object());
      },
      ::testing::ThrowsMessage<Error>(::testing::HasSubstr(
          "pool gpu-a100: driver version \"999\" is not in the extension's driver "
          "catalog")));
}

json Shoot() {
  return json::parse(R"({
    "spec": {
      "extensions": [
        {"type": "shoot-dns-service"},
        {"type": "nvidia-gpu", "providerConfig": {
          "apiVersion": "gpu.extensions.gardener.cloud/v1alpha1", "kind": "GPUConfig",
          "driver": {"version": "580"},
          "sharing": {"timeSlicing": {"replicas": 4}}}}],
      "resources": [{"name": "gpu-cache-s3", "resourceRef": {"kind": "Secret", "name": "s3"}}],
      "provider": {"workers": [
        {"name": "cpu", "machine": {"image": {"name": "gardenlinux", "version": "1877.5.0"}}},
        {"name": "gpu-a100",
         "machine": {"image": {"name": "gardenlinux", "version": "1877.5.0"}},
         "cri": {"name": "containerd", "containerRuntimes": [
           {"type": "gvisor"},
           {"type": "nvidia", "providerConfig": {
             "apiVersion": "gpu.extensions.gardener.cloud/v1alpha1", "kind": "GPUPoolConfig",
             "driver": {"version": "570"}, "sharing": {"timeSlicing": {"replicas": 2}}}}]}}]}
    }})");
}

TEST(ResolvePoolTest, ResolvesFromAShootObject) {
  const ResolvedPool r = ResolvePool(Shoot(), "gpu-a100", TestComponent());
  EXPECT_EQ(r.driver.version, "570.195.03");
  EXPECT_EQ(r.sharing.replicas, 2);
  // gardenlinux >= 1877 ships containerd 2.x (config version 3, CDI built in; DESIGN.md §8.4).
  EXPECT_EQ(r.containerd, (ContainerdDialect{.config_version = 3, .cdi = CdiMode::kBuiltin}));

  // An image below 1877 ships containerd 1.7: config version 2 with CDI enabled in the config.
  json old_image = Shoot();
  old_image["spec"]["provider"]["workers"][1]["machine"]["image"]["version"] = "1592.4.0";
  EXPECT_EQ(ResolvePool(old_image, "gpu-a100", TestComponent()).containerd,
            (ContainerdDialect{.config_version = 2, .cdi = CdiMode::kEnableInConfig}));
}

TEST(ResolvePoolTest, ShootErrorsNameTheShootField) {
  json shoot = Shoot();
  shoot["spec"]["provider"]["workers"][1]["cri"]["containerRuntimes"][1]["providerConfig"]["mig"] =
      {{"strategy", "single"}};
  shoot["spec"]["extensions"][1]["providerConfig"]["driver"]["version"] = "999";
  EXPECT_THAT(
      [&] { (void)ResolvePool(shoot, "gpu-a100", TestComponent()); },
      ::testing::ThrowsMessage<Error>(::testing::StrEq(
          "[spec.extensions[1].providerConfig.driver.version: Invalid value: \"999\": unknown "
          "driver branch \"999\"; supported: 570, 580, 590, "
          "spec.provider.workers[1].cri.containerRuntimes[1].providerConfig.mig.strategy: "
          "Forbidden: set it in the shoot's nvidia-gpu extension providerConfig]")));
  EXPECT_THAT([] { (void)ResolvePool(Shoot(), "gpu-x", TestComponent()); },
              ::testing::ThrowsMessage<Error>(
                  ::testing::HasSubstr("worker pool \"gpu-x\" does not exist")));
}

TEST(ResolvePoolTest, ReadsPoolsAndResourcesFromAShoot) {
  const std::vector<PoolContext> pools = PoolsFromShoot(Shoot());
  ASSERT_EQ(pools.size(), 2u);
  EXPECT_FALSE(pools[0].has_runtime);
  EXPECT_TRUE(pools[1].has_runtime);
  EXPECT_TRUE(pools[1].own_driver_version);
  EXPECT_EQ(pools[1].machine_image_version, "1877.5.0");
  EXPECT_THAT(ResourceNamesFromShoot(Shoot()), ::testing::ElementsAre("gpu-cache-s3"));
}

}  // namespace
}  // namespace gpuext::gpuruntime::api
