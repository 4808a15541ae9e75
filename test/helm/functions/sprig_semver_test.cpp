// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "gpuext/helm/semver.h"
#include "sprig_case.h"

namespace gpuext::helm::testing {
namespace {

using nlohmann::json;

class SprigSemverTest : public ::testing::TestWithParam<SprigCase> {};
TEST_P(SprigSemverTest, PrintsWhatHelmPrints) { ExpectCase(GetParam()); }

// helm: every expectation below was printed by Helm v4.1.4 for the same call.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, SprigSemverTest, ::testing::Values(
        Fails("semver", {"1.2.3.4"}, "invalid semantic version"),
        Fails("semver", {"1.2.3-01"}, "version segment starts with 0"),
        SprigCase{"semverCompare", {">=1.21-0", "v1.21.3"}, "true"},
        SprigCase{"semverCompare", {">=1.21-0", "v1.20.3-gke.1"}, "false"},
        SprigCase{"semverCompare", {">=1.21-0", "v1.21.3-gke.1"}, "true"},
        SprigCase{"semverCompare", {">=1.21", "v1.21.3-gke.1"}, "false"},
        SprigCase{"semverCompare", {">=1.20-0", "v1.21.0-beta.1"}, "true"},
        SprigCase{"semverCompare", {"~1.2.3", "1.2.9"}, "true"},
        SprigCase{"semverCompare", {"~1.2.3", "1.3.0"}, "false"},
        SprigCase{"semverCompare", {"^0.2.3", "0.2.9"}, "true"},
        SprigCase{"semverCompare", {"^0.2.3", "0.3.0"}, "false"},
        SprigCase{"semverCompare", {"1.2 - 1.4.5", "1.4.5"}, "true"},
        SprigCase{"semverCompare", {"1.2 - 1.4.5", "1.4.6"}, "false"},
        SprigCase{"semverCompare", {">1.2 <1.4 || 2.x", "2.5.0"}, "true"},
        SprigCase{"semverCompare", {">1.2, <1.4", "1.3.0"}, "true"},
        SprigCase{"semverCompare", {">1.2", "1.2.5"}, "false"},
        SprigCase{"semverCompare", {">1.2", "1.3.0"}, "true"},
        SprigCase{"semverCompare", {"<=1.2", "1.2.5"}, "true"},
        SprigCase{"semverCompare", {"!=1.2", "1.2.5"}, "false"},
        SprigCase{"semverCompare", {"1.x", "1.9.0"}, "true"},
        SprigCase{"semverCompare", {"*", "1.9.0-rc1"}, "false"},
        Fails("semverCompare", {"", "1.9.0"}, "improper constraint: "),
        Fails("semverCompare", {"bad", "1.9.0"}, "improper constraint: bad"),
        Fails("semverCompare", {">=1.2", "bad"}, "invalid semantic version"),
        SprigCase{"semverCompare", {"=1.2.3+meta", "1.2.3"}, "true"},
        SprigCase{"semverCompare", {">= 1.2.3", "1.2.3"}, "true"},
        SprigCase{"semverCompare", {"=> 1.2.3", "1.2.3"}, "true"},
        SprigCase{"semverCompare", {"~> 1.2", "1.2.3"}, "true"},
        Fails("semverCompare", {">= 1.2 - 1.4", "1.3.0"}, "improper constraint: >=>= 1.2, <= 1.4 "),
        SprigCase{"semverCompare", {"1.2.x - 1.4", "1.4.9"}, "true"},
        SprigCase{"semverCompare", {"<1.2 || >=1.4.0-0", "1.5.0-rc.1"}, "true"},
        SprigCase{"semverCompare", {"~1", "1.9.9"}, "true"},
        SprigCase{"semverCompare", {"~1.x", "2.0.0"}, "false"},
        SprigCase{"semverCompare", {"^0.0.3", "0.0.4"}, "false"},
        SprigCase{"semverCompare", {"^0.0", "0.0.9"}, "true"},
        SprigCase{"semverCompare", {"^0", "0.9.9"}, "true"},
        SprigCase{"semverCompare", {"!=1.2.x", "1.3.0"}, "true"},
        SprigCase{"semverCompare", {">=1.2.3 <1.3", "1.2.9"}, "true"},
        SprigCase{"semverCompare", {">=v1.2.3", "v1.2.3"}, "true"},
        SprigCase{"semverCompare", {"> 1.x", "2.0.0"}, "true"},
        SprigCase{"semverCompare", {"<= 1.x", "1.9.0"}, "true"},
        SprigCase{"semverCompare", {"=1.2.3-beta", "1.2.3-beta"}, "true"},
        SprigCase{"semverCompare", {">1.2.3-alpha", "1.2.3-beta"}, "true"},
        SprigCase{"semverCompare", {">=1.2.3 ,<1.3", "1.2.9"}, "true"},
        Fails("semverCompare", {">=1.2.3,,<1.3", "1.2.9"}, "improper constraint: >=1.2.3,,<1.3"),
        SprigCase{"semverCompare", {">=1.21.0-0", "1.21.0"}, "true"},
        SprigCase{"semverCompare", {"1.2.3 1.2.4", "1.2.3"}, "false"},
        SprigCase{"semverCompare", {"^1.x", "1.2.3"}, "true"}));
// clang-format on

TEST(SprigSemverTest, SemverExposesMastermindsFields) {
  // helm: (semver "v1.21.3-gke.100+x").Prerelease printed gke.100; semver "v1.2" printed 1.2.0.
  json v = CallSprig("semver", {"v1.21.3-gke.100+x"});
  EXPECT_EQ(v["Major"], 1);
  EXPECT_EQ(v["Minor"], 21);
  EXPECT_EQ(v["Patch"], 3);
  EXPECT_EQ(v["Prerelease"], "gke.100");
  EXPECT_EQ(v["Metadata"], "x");
  EXPECT_EQ(v["Original"], "v1.21.3-gke.100+x");
  EXPECT_EQ(ParseSemVersion("v1.2").ToString(), "1.2.0");
  EXPECT_EQ(ParseSemVersion("01.2.3").ToString(), "1.2.3");
}

TEST(SprigSemverTest, PrereleasesSortBeforeTheirRelease) {
  auto cmp = [](const char* a, const char* b) {
    return CompareSemVersions(ParseSemVersion(a), ParseSemVersion(b));
  };
  EXPECT_LT(cmp("1.0.0-alpha", "1.0.0"), 0);
  EXPECT_LT(cmp("1.0.0-alpha", "1.0.0-alpha.1"), 0);
  EXPECT_LT(cmp("1.0.0-2", "1.0.0-10"), 0);
  EXPECT_LT(cmp("1.0.0-10", "1.0.0-a"), 0);
  EXPECT_EQ(cmp("1.0.0+a", "1.0.0+b"), 0);
}

}  // namespace
}  // namespace gpuext::helm::testing
