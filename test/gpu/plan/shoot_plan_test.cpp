// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/shoot_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "plan_test_util.h"

namespace gpuext::gpu {
namespace {

using nlohmann::json;
using testing::ClusterFor;
using testing::Component;
using ::testing::ElementsAre;
using testing::GpuConfigDoc;
using testing::GpuShoot;
using ::testing::HasSubstr;
namespace api = gpuruntime::api;

TEST(GpuPoolNamesTest, ArePoolsWithTheNvidiaRuntimeInShootOrder) {
  EXPECT_THAT(GpuPoolNames(GpuShoot()), ElementsAre("gpu-a", "gpu-b"));
  EXPECT_THAT(GpuPoolNames(json::object()), ::testing::IsEmpty());
}

TEST(PlanShootTest, ResolvesEveryGpuPoolWithTheDefaultBranchAndPoolOverrides) {
  const ShootPlan plan = PlanShoot(ClusterFor(GpuShoot()), Component());
  ASSERT_EQ(plan.pools.size(), 2u);
  EXPECT_EQ(plan.pools[0].name, "gpu-a");
  EXPECT_EQ(plan.pools[0].driver.version, "580.95.05");
  EXPECT_EQ(plan.pools[0].sharing.kind, api::SharingKind::kNone);
  EXPECT_EQ(plan.pools[1].sharing.kind, api::SharingKind::kTimeSlicing);
  EXPECT_EQ(plan.pools[1].sharing.replicas, 2);
  EXPECT_EQ(plan.kubernetes_version, "1.33.2");
  EXPECT_FALSE(plan.hibernated);
  EXPECT_TRUE(plan.cache.deploys_server());
  EXPECT_EQ(plan.cache.storage_size, "50Gi");
}

TEST(PlanShootTest, BadProviderConfigNamesTheFieldAndIsAConfigurationProblem) {
  try {
    (void)PlanShoot(ClusterFor(GpuShoot(GpuConfigDoc({{"driver", {{"version", "999"}}}}))),
                    Component());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
    EXPECT_THAT(e.what(), HasSubstr("spec.extensions[0].providerConfig.driver.version"));
    EXPECT_THAT(e.what(), HasSubstr("999"));
  }
}

TEST(PlanShootTest, BadPoolConfigNamesThePoolField) {
  json shoot = GpuShoot();
  shoot["spec"]["provider"]["workers"][1]["cri"]["containerRuntimes"][0]["providerConfig"]["mig"] =
      {{"strategy", "mixed"}};
  try {
    (void)PlanShoot(ClusterFor(shoot), Component());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
    EXPECT_THAT(e.what(),
                HasSubstr("spec.provider.workers[1].cri.containerRuntimes[0].providerConfig.mig"));
  }
}

TEST(PlanCacheTest, S3ModeNamesTheSeedCopyOfTheReferencedSecret) {
  json shoot = GpuShoot(GpuConfigDoc({{"cache",
                                       {{"mode", "s3"},
                                        {"s3",
                                         {{"bucket", "drivers"},
                                          {"region", "eu-central-1"},
                                          {"secretRef", {{"name", "gpu-cache-s3"}}}}}}}}));
  shoot["spec"]["resources"] = {
      {{"name", "gpu-cache-s3"}, {"resourceRef", {{"kind", "Secret"}, {"name", "my-s3"}}}}};
  const ShootPlan plan = PlanShoot(ClusterFor(shoot), Component());
  EXPECT_FALSE(plan.cache.deploys_server());
  ASSERT_TRUE(plan.cache.s3.has_value());
  EXPECT_EQ(plan.cache.s3->bucket, "drivers");
  EXPECT_EQ(plan.cache.s3->seed_secret, "ref-my-s3");
}

TEST(PlanCacheTest, ServerSettingsAreCarriedOver) {
  const ShootPlan plan = PlanShoot(
      ClusterFor(
          GpuShoot(GpuConfigDoc({{"cache",
                                  {{"server",
                                    {{"replicas", 1},
                                     {"storage", {{"size", "100Gi"}, {"storageClassName", "fast"}}},
                                     {"builds", {{"maxConcurrent", 4}, {"timeout", "30m"}}}}}}}}))),
      Component());
  EXPECT_EQ(plan.cache.storage_size, "100Gi");
  EXPECT_EQ(plan.cache.storage_class, "fast");
  EXPECT_EQ(plan.cache.max_concurrent_builds, 4);
  EXPECT_EQ(plan.cache.build_timeout, std::chrono::minutes(30));
  EXPECT_FALSE(plan.cache.quota.empty()) << "the filesystem backend gets a default quota";
}

}  // namespace
}  // namespace gpuext::gpu
