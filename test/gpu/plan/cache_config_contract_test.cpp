// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The controller writes the cache server's config.yaml; the server (nodeagent/cache) parses it
// strictly. Both sides are real here, so a key one side renames breaks this test, not a shoot.
#include <gtest/gtest.h>

#include "gpuext/gpu/chart_values.h"
#include "gpuext/nodeagent/cache/config.h"
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
  ASSERT_EQ(parsed.jobs.sources.size(), 1u) << "both pools use 580.95.05: one source";
  EXPECT_EQ(parsed.jobs.sources[0].driver_version, "580.95.05");
  EXPECT_FALSE(parsed.jobs.sources[0].url.empty());
}

}  // namespace
}  // namespace gpuext::gpu
