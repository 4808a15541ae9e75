// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "sprig_case.h"

namespace gpuext::helm::testing {
namespace {

using nlohmann::json;

class SprigNumbersTest : public ::testing::TestWithParam<SprigCase> {};
TEST_P(SprigNumbersTest, PrintsWhatHelmPrints) { ExpectCase(GetParam()); }

// helm: every expectation below was printed by Helm v4.1.4 for the same call. Floats stand
// for values.yaml numbers (float64 in Helm), ints for template literals.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, SprigNumbersTest, ::testing::Values(
        SprigCase{"add", {1, 2.7, "3"}, "6"},
        SprigCase{"add1", {2.7}, "3"},
        SprigCase{"sub", {5, 2.9}, "3"},
        SprigCase{"mul", {2, "3", 1.5}, "6"},
        SprigCase{"div", {7, 2}, "3"},
        Fails("div", {7, 0}, "runtime error: integer divide by zero"),
        SprigCase{"mod", {-7, 3}, "-1"},
        SprigCase{"max", {1, 2.7, "9"}, "9"},
        SprigCase{"min", {3, "x"}, "0"},
        SprigCase{"maxf", {1, 2.5, "3"}, "3"},
        SprigCase{"minf", {1, 2.5, "-3"}, "-3"},
        SprigCase{"maxf", {"x"}, "0"},
        SprigCase{"floor", {2.7}, "2"},
        SprigCase{"ceil", {2.7}, "3"},
        SprigCase{"round", {2.5, 0}, "3"},
        SprigCase{"round", {-2.5, 0}, "-3"},
        SprigCase{"round", {2.345, 2}, "2.35"},
        SprigCase{"round", {2.345, 2, 0.4}, "2.35"},
        SprigCase{"int", {"12"}, "12"},
        SprigCase{"int", {"1e3"}, "0"},
        SprigCase{"int64", {"010"}, "8"},
        SprigCase{"int64", {"2.0"}, "2"},
        SprigCase{"int64", {"2.5"}, "0"},
        SprigCase{"int64", {"0x10"}, "16"},
        SprigCase{"int64", {2.7}, "2"},
        SprigCase{"int64", {1000000.0}, "1000000"},
        SprigCase{"float64", {"1.5"}, "1.5"},
        SprigCase{"float64", {1}, "1"},
        SprigCase{"atoi", {"42"}, "42"},
        SprigCase{"atoi", {"0x1f"}, "0"},
        SprigCase{"toDecimal", {"0777"}, "511"},
        SprigCase{"toDecimal", {777}, "511"}));
// clang-format on

TEST(SprigNumbersTest, IntegerResultsAreIntsAndFloatResultsFloats) {
  EXPECT_TRUE(CallSprig("add", {1, 2.5}).is_number_integer());
  EXPECT_TRUE(CallSprig("int", {2.5}).is_number_integer());
  EXPECT_TRUE(CallSprig("float64", {2}).is_number_float());
  EXPECT_TRUE(CallSprig("floor", {2}).is_number_float());
}

TEST(SprigNumbersTest, DurationPrintsGoDurations) {
  // helm: duration "3723" / (int64 3723) / "-90" / "86400" / "0".
  EXPECT_EQ(CallSprig("duration", {"3723"}), "1h2m3s");
  EXPECT_EQ(CallSprig("duration", {3723}), "1h2m3s");
  EXPECT_EQ(CallSprig("duration", {"-90"}), "-1m30s");
  EXPECT_EQ(CallSprig("duration", {"86400"}), "24h0m0s");
  EXPECT_EQ(CallSprig("duration", {"0"}), "0s");
  EXPECT_EQ(CallSprig("duration", {2.5}), "0s");  // helm: a float64 is neither string nor int64
}

}  // namespace
}  // namespace gpuext::helm::testing
