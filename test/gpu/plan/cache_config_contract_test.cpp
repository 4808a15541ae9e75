// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The controller writes the cache server's config.yaml; the server (nodeagent/cache) parses it
// strictly. Both sides are real here, so a key one side renames breaks this test, not a shoot.
#include <gtest/gtest.h>

#include "gpuext/gpu/chart_values.h"
#include "gpuext/nodeagent/cache/config.h"
#include "gpuext/nodeagent/cache/job_launcher.h"
#include "gpuext/yaml_json.h"
#include "plan_test_util.h"

namespace gpuext::gpu {
namespace {

TEST(CacheConfigContractTest, TheServerReadsWhatTheControllerWrites) {
  const ShootPlan plan = PlanShoot(testing::ClusterFor(testing::GpuShoot()), testing::Component());
  const std::string yaml =
      ToYaml(CacheServerConfig(plan, testing::Component(), "shoot--dev--gpu1"));
  const nodeagent::cache::CacheServerConfig parsed =
      nodeagent::cache::ParseCacheServerConfig(yaml, "config.yaml");

  EXPECT_EQ(parsed.cluster, "shoot--dev--gpu1");
  EXPECT_TRUE(parsed.builds_enabled);
  EXPECT_EQ(parsed.max_concurrent, plan.cache.max_concurrent_builds);
  // Without an agent image the server refuses every build (BuildsDisabled).
  EXPECT_EQ(parsed.jobs.agent_image, testing::Component().images.node_agent);
  EXPECT_FALSE(parsed.jobs.agent_image.empty());
  EXPECT_NE(parsed.jobs.builder_image.find("{osVersion}"), std::string::npos)
      << parsed.jobs.builder_image;
  EXPECT_NE(parsed.jobs.builder_image.find("{arch}"), std::string::npos);
  // Both pools use 580.95.05, whose catalog entry has both kinds: one source per kind.
  ASSERT_EQ(parsed.jobs.sources.size(), 2u);
  for (const nodeagent::cache::BuildSource& source : parsed.jobs.sources) {
    EXPECT_EQ(source.driver_version, "580.95.05");
    EXPECT_FALSE(source.url.empty());
  }
  EXPECT_EQ(parsed.jobs.sources[0].kind, nodeagent::cache::BuildSourceKind::kOpen);
  EXPECT_NE(parsed.jobs.sources[0].url.find("open-gpu-kernel-modules"), std::string::npos);
  EXPECT_EQ(parsed.jobs.sources[1].kind, nodeagent::cache::BuildSourceKind::kRun);
  EXPECT_NE(parsed.jobs.sources[1].url.find(".run"), std::string::npos);
  // The launcher finds a source for both parts of a node's driver.
  const auto userspace = nodeagent::artifact::UserspaceKey("580.95.05", gpuruntime::Arch::kAmd64);
  const auto kernel = nodeagent::artifact::KernelKey(
      "580.95.05", "6.1.0-1-amd64", gpuruntime::ModuleType::kOpen, gpuruntime::Arch::kAmd64);
  ASSERT_NE(nodeagent::cache::FindBuildSource(parsed.jobs.sources, userspace), nullptr);
  EXPECT_EQ(nodeagent::cache::FindBuildSource(parsed.jobs.sources, userspace)->kind,
            nodeagent::cache::BuildSourceKind::kRun);
  ASSERT_NE(nodeagent::cache::FindBuildSource(parsed.jobs.sources, kernel), nullptr);
  EXPECT_EQ(nodeagent::cache::FindBuildSource(parsed.jobs.sources, kernel)->kind,
            nodeagent::cache::BuildSourceKind::kOpen);
}

}  // namespace
}  // namespace gpuext::gpu
