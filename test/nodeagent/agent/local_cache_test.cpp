// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The node-local artifact cache: bounded to the current and the previous driver tree.
#include "gpuext/nodeagent/local_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent_fixture.h"

namespace gpuext::nodeagent::agenttest {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Paths(const std::vector<artifact::ArtifactKey>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) {
    out.push_back(k.Path());
  }
  return out;
}

TEST_F(AgentTest, LocalCacheKeepsOnlyTheArtifactsOfTheKeptTrees) {
  LocalArtifactCache cache(host_, clock_);
  for (const std::string version : {"570.195.03", "580.95.05", "580.105.08"}) {
    Publish(cache.store(), KernelKey(version), KernelPartTree(version));
    Publish(cache.store(), UserKey(version), UserspacePartTree(version));
  }
  ASSERT_EQ(cache.store().ListManifests("").size(), 6u);

  cache.Prune({"580.105.08-6.12.72-cloud-amd64-open", "580.95.05-6.12.72-cloud-amd64-open"});
  EXPECT_THAT(Paths(cache.store().ListManifests("")),
              ElementsAre("kernel/580.105.08/6.12.72-cloud-amd64/open/amd64",
                          "kernel/580.95.05/6.12.72-cloud-amd64/open/amd64",
                          "userspace/580.105.08/amd64", "userspace/580.95.05/amd64"));
  EXPECT_EQ(cache.store().ListBlobs().size(), 4u) << "the 570 blobs are gone";

  cache.Forget(KernelKey("580.95.05"));
  EXPECT_FALSE(cache.store().ManifestExists(KernelKey("580.95.05")));
  EXPECT_EQ(cache.store().ListBlobs().size(), 3u) << "a forgotten entry's blobs go too";

  cache.Prune({});
  EXPECT_THAT(cache.store().ListManifests(""), IsEmpty());
  EXPECT_THAT(cache.store().ListBlobs(), IsEmpty());
}

}  // namespace
}  // namespace gpuext::nodeagent::agenttest
