// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Properties of the fixture CRDs as a whole; the per-CRD tables live in *_crds_test.cpp.

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixture_support.h"
#include "gpuext/emulator/schema/structural_schema.h"

namespace gpuext::emulator::schema {
namespace {

using testing::FixtureCrd;
using testing::FixtureCrds;

// The CRDs that have a table test. A new fixture CRD fails FixtureCrdsTest until it gets one.
const std::set<std::string> kTabledCrds = {
    "clusters.extensions.gardener.cloud",
    "containerruntimes.extensions.gardener.cloud",
    "extensions.extensions.gardener.cloud",
    "operatingsystemconfigs.extensions.gardener.cloud",
    "managedresources.resources.gardener.cloud",
    "nvidiadrivers.nvidia.com",
    "clusterpolicies.nvidia.com",
    "nodefeatures.nfd.k8s-sigs.io",
    "nodefeaturegroups.nfd.k8s-sigs.io",
    "nodefeaturerules.nfd.k8s-sigs.io",
};

TEST(FixtureCrdsTest, EveryCrdHasATableTest) {
  std::set<std::string> found;
  for (const FixtureCrd& crd : FixtureCrds()) {
    found.insert(crd.name);
  }
  EXPECT_EQ(found, kTabledCrds);
}

TEST(FixtureCrdsTest, EveryServedVersionParses) {
  ASSERT_FALSE(FixtureCrds().empty());
  for (const FixtureCrd& crd : FixtureCrds()) {
    SCOPED_TRACE(crd.file + ": " + crd.name + " " + crd.version);
    EXPECT_NO_THROW((void)StructuralSchema::FromOpenApiV3(crd.schema));
  }
}

TEST(FixtureCrdsTest, ListsTheCelRulesItSkips) {
  for (const FixtureCrd& crd : FixtureCrds()) {
    SCOPED_TRACE(crd.name + " " + crd.version);
    const auto schema = StructuralSchema::FromOpenApiV3(crd.schema);
    const std::vector<SkippedRule>& skipped = schema->skipped_rules();
    if (crd.name == "nvidiadrivers.nvidia.com") {
      ASSERT_EQ(skipped.size(), 1u);
      EXPECT_EQ(skipped[0].path, "spec");
      EXPECT_EQ(skipped[0].message, "default NVIDIADriver must not use nodeSelector");
      EXPECT_THAT(skipped[0].rule, ::testing::StartsWith("has(self.default) && self.default"));
    } else {
      EXPECT_THAT(skipped, ::testing::IsEmpty()) << "only self == oldSelf rules expected";
    }
  }
}

}  // namespace
}  // namespace gpuext::emulator::schema
