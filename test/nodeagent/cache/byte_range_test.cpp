// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/cache/byte_range.h"

#include <gtest/gtest.h>

namespace gpuext::nodeagent::cache {
namespace {

using Kind = RangeAnswer::Kind;

TEST(ByteRangeTest, ResolvesTheThreeSingleRangeForms) {
  auto a = ResolveByteRange("bytes=10-19", 100);
  EXPECT_EQ(a.kind, Kind::kPartial);
  EXPECT_EQ(a.first, 10);
  EXPECT_EQ(a.last, 19);
  a = ResolveByteRange("bytes=90-", 100);
  EXPECT_EQ(a.kind, Kind::kPartial);
  EXPECT_EQ(a.last, 99);
  a = ResolveByteRange("bytes=-30", 100);
  EXPECT_EQ(a.first, 70);
  a = ResolveByteRange("bytes=-300", 100);
  EXPECT_EQ(a.first, 0);
  a = ResolveByteRange("bytes=5-500", 100);
  EXPECT_EQ(a.last, 99);
  EXPECT_EQ(ResolveByteRange("", 100).kind, Kind::kWhole);
}

TEST(ByteRangeTest, RejectsWhatCannotBeServed) {
  for (const char* bad : {"bytes=100-", "bytes=20-10", "bytes=0-1,4-5", "bytes=-0", "bytes=a-b",
                          "items=0-1", "bytes=", "bytes=-"}) {
    EXPECT_EQ(ResolveByteRange(bad, 100).kind, Kind::kUnsatisfiable) << bad;
  }
  EXPECT_EQ(ResolveByteRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
}

}  // namespace
}  // namespace gpuext::nodeagent::cache
