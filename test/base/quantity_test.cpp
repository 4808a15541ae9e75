// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/quantity.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gpuext {
namespace {

constexpr int64_t kKi = 1024;
constexpr int64_t kMi = kKi * 1024;
constexpr int64_t kGi = kMi * 1024;
constexpr int64_t kTi = kGi * 1024;

TEST(QuantityTest, ParsesExactByteCountsAndPrintsCanonically) {
  struct Case {
    std::string text;
    int64_t bytes;
    std::string canonical;  // resource.Quantity.String() of the same input
  };
  const std::vector<Case> cases = {
      {"50Gi", 50 * kGi, "50Gi"},
      {"40G", 40'000'000'000, "40G"},
      {"500M", 500'000'000, "500M"},
      {"1.5Ti", kTi + kTi / 2, "1536Gi"},
      {"1024Mi", kGi, "1Gi"},
      {"0.5Ki", 512, "512"},
      {"1500", 1500, "1500"},
      {"1000", 1000, "1k"},
      {"1.5G", 1'500'000'000, "1500M"},
      {"1e3", 1000, "1e3"},
      {"1.5E9", 1'500'000'000, "1500e6"},
      {"2000m", 2, "2"},
      {"0", 0, "0"},
      {"0Gi", 0, "0"},
      {"+1Ki", kKi, "1Ki"},
      {"-1Gi", -kGi, "-1Gi"},
      {"1.50Gi", kGi + kGi / 2, "1536Mi"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const auto q = Quantity::Parse(c.text);
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->bytes(), c.bytes);
    EXPECT_EQ(q->String(), c.canonical);
    EXPECT_EQ(Quantity::Parse(q->String()), q);  // canonical text reads back to the same value
  }
}

TEST(QuantityTest, RefusesFractionsOfBytesAndMalformedText) {
  for (const std::string text : {"", "Gi", "1.5", "500m", "1.1Ki", "1 Gi", "1gi", "1GB", "1Gi1",
                                 "1e", "1e1000", "..5", "1..5", "8Ei", "10E", "1e-1"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(Quantity::Parse(text).has_value());
  }
}

TEST(QuantityTest, ComparesByValue) {
  EXPECT_EQ(*Quantity::Parse("1Gi"), *Quantity::Parse("1024Mi"));
  EXPECT_LT(*Quantity::Parse("40Gi"), *Quantity::Parse("50Gi"));
  EXPECT_GT(*Quantity::Parse("1G"), *Quantity::Parse("900Mi"));
  EXPECT_EQ(Quantity::FromBytes(40 * kGi).String(), "40Gi");
  EXPECT_EQ(Quantity::FromBytes(1'000'000, Quantity::Format::kDecimalSI).String(), "1M");
  EXPECT_EQ(Quantity::Parse("-8Ei")->bytes(), INT64_MIN);
  EXPECT_EQ(Quantity::Parse("7Ei")->String(), "7Ei");
}

}  // namespace
}  // namespace gpuext
