// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/time_format.h"

#include <gtest/gtest.h>

namespace gpuext {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

constexpr system_clock::time_point kAug21 =
    system_clock::time_point(1787306400s);  // 2026-08-21T10:00:00Z

TEST(TimeFormatTest, FormatsSecondsPrecisionUtc) {
  EXPECT_EQ(FormatRfc3339(kAug21 + 7s + 999ms), "2026-08-21T10:00:07Z");
}

TEST(TimeFormatTest, FormatsMicroTime) {
  EXPECT_EQ(FormatRfc3339Micro(kAug21 + 1234567us), "2026-08-21T10:00:01.234567Z");
}

TEST(TimeFormatTest, ParsesTheFormsKubernetesWrites) {
  EXPECT_EQ(ParseRfc3339("2026-08-21T10:00:00Z"), kAug21);
  EXPECT_EQ(ParseRfc3339("2026-08-21T10:00:00.123456789Z"), kAug21 + 123456789ns);
  EXPECT_EQ(ParseRfc3339("2026-08-21T12:00:00+02:00"), kAug21);
  EXPECT_EQ(ParseRfc3339("2026-08-21t09:30:00-00:30"), kAug21);
}

TEST(TimeFormatTest, RejectsMalformedInput) {
  for (const char* bad : {"", "2026-08-21", "2026-08-21T10:00:00", "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-08-21T10:00:00.Z", "2026-08-21T10:00:00Zx",
                          "2026-08-21 10:00:00Z", "2026-08-21T25:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(TimeFormatTest, RoundTrips) {
  const auto t = kAug21 + 86400s * 100 + 3661s;
  EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)), t);
}

}  // namespace
}  // namespace gpuext
