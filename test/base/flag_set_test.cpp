// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/flag_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gpuext {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Bound {
  std::string name = "default";
  int workers = 5;
  int64_t big = 0;
  bool verbose = false;
  bool leader = true;
  std::vector<std::string> load = {"builtin"};
  FlagSet flags{"prog"};

  Bound() {
    flags.String("name", &name, "a name");
    flags.Int("workers", &workers, "workers");
    flags.Int("big", &big, "a big number");
    flags.Bool("verbose", &verbose, "talk");
    flags.Bool("leader", &leader, "lead");
    flags.StringList("load", &load, "files");
  }
};

TEST(FlagSetTest, ParsesEveryFormAndKeepsDefaults) {
  Bound b;
  const auto errors = b.flags.Parse({"--name=x", "--workers", "8", "-verbose", "--leader=false",
                                     "--load", "a", "--load=b", "pos", "--", "--not-a-flag"});
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(b.name, "x");
  EXPECT_EQ(b.workers, 8);
  EXPECT_EQ(b.big, 0);
  EXPECT_TRUE(b.verbose);
  EXPECT_FALSE(b.leader);
  EXPECT_THAT(b.load, ElementsAre("a", "b"));  // given values replace the default
  EXPECT_THAT(b.flags.positional(), ElementsAre("pos", "--not-a-flag"));
  EXPECT_TRUE(b.flags.Changed("workers"));
  EXPECT_FALSE(b.flags.Changed("big"));
}

TEST(FlagSetTest, ReportsEveryProblemAtOnce) {
  Bound b;
  const auto errors = b.flags.Parse(
      {"--workers=many", "--wokers=3", "--verbose=maybe", "--big=99999999999999999999", "--name"});
  EXPECT_THAT(errors, ElementsAre("--workers: invalid value \"many\": want an integer",
                                  "--wokers: unknown flag (did you mean --workers?)",
                                  "--verbose: invalid value \"maybe\": want true or false",
                                  "--big: invalid value \"99999999999999999999\": want an integer",
                                  "--name: needs a value"));
  EXPECT_EQ(b.workers, 5);  // a bad value leaves the default
  EXPECT_FALSE(b.flags.Changed("workers"));
}

TEST(FlagSetTest, IntRangeAndNegativeValues) {
  Bound b;
  EXPECT_THAT(b.flags.Parse({"--workers", "-3"}), IsEmpty());
  EXPECT_EQ(b.workers, -3);
  EXPECT_THAT(b.flags.Parse({"--workers=3000000000"}),
              ElementsAre("--workers: invalid value \"3000000000\": out of range"));
  EXPECT_THAT(b.flags.Parse({"--zzzzzzzzzz"}), ElementsAre("--zzzzzzzzzz: unknown flag"));
}

TEST(FlagSetTest, UsageListsFlagsSortedWithDefaults) {
  Bound b;
  const std::string usage = b.flags.Usage();
  EXPECT_THAT(usage, HasSubstr("usage: prog [flags]\n  --big  a big number (default 0)\n"));
  EXPECT_THAT(usage, HasSubstr("  --name  a name (default \"default\")\n"));
  EXPECT_LT(usage.find("--leader"), usage.find("--verbose"));
}

TEST(FlagSetTest, DefiningAFlagTwiceIsAProgrammingError) {
  FlagSet flags("p");
  bool x = false;
  flags.Bool("x", &x, "");
  EXPECT_THROW(flags.Bool("x", &x, ""), std::logic_error);
}

}  // namespace
}  // namespace gpuext
