// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/version_constraint.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gpuext::gpuruntime::api {
namespace {

TEST(VersionConstraintTest, MatchesGardenLinuxVersions) {
  struct Case {
    std::string constraint, version;
    bool want;
  };
  const std::vector<Case> cases = {
      {">= 2150.8", "2150.8", true},       {">= 2150.8", "2150.8.0", true},
      {">= 2150.8", "2150.7.9", false},    {">= 2150.8", "2151", true},
      {"< 1877", "1876.99", true},         {"< 1877", "1877.0.0", false},
      {"<1877", "1443.3", true},           {"> 1877.5", "1877.5.1", true},
      {"<= 1877.5", "1877.5.0", true},     {"= 1877.5", "1877.5.0", true},
      {"== 1877.5", "1877.5.1", false},    {"!= 1877.5", "1877.6", true},
      {">= 1592, < 1877", "1700.1", true}, {">= 1592, < 1877", "1877.1", false},
      {">= 1592,< 1877", "1591.9", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.constraint + " vs " + c.version);
    const auto constraint = VersionConstraint::Parse(c.constraint);
    const auto version = ImageVersion::Parse(c.version);
    ASSERT_TRUE(constraint.has_value());
    ASSERT_TRUE(version.has_value());
    EXPECT_EQ(constraint->Matches(*version), c.want);
  }
}

TEST(VersionConstraintTest, RefusesMalformedText) {
  for (const std::string text :
       {"", "2150.8", ">= ", "~> 1.2", ">= 1.2.3.4", ">= 1.x", ">= 1,", "=> 1"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(VersionConstraint::Parse(text).has_value());
  }
  for (const std::string text : {"", "1.", ".1", "1..2", "1.2.3.4", "v1", "1.2-rc1", "-1"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ImageVersion::Parse(text).has_value());
  }
}

TEST(ImageVersionTest, ExposesItsParts) {
  const auto v = ImageVersion::Parse("1877.5");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->major(), 1877);
  EXPECT_EQ(v->minor(), 5);
  EXPECT_EQ(v->patch(), 0);
  EXPECT_EQ(v->String(), "1877.5");
}

}  // namespace
}  // namespace gpuext::gpuruntime::api
