// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/duration.h"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gpuext {
namespace {

using namespace std::chrono_literals;

TEST(ParseDurationTest, AcceptsGoSyntax) {
  struct Case {
    std::string text;
    std::chrono::nanoseconds want;
  };
  const std::vector<Case> cases = {
      {"0", 0ns},
      {"0s", 0ns},
      {"30s", 30s},
      {"10m", 10min},
      {"1h30m", 90min},
      {"1h30m0s", 90min},
      {"6h", 6h},
      {"1.5h", 90min},
      {".5s", 500ms},
      {"5.s", 5s},
      {"300ms", 300ms},
      {"1us", 1us},
      {"1\u00b5s", 1us},
      {"1\u03bcs", 1us},
      {"7ns", 7ns},
      {"+5m", 5min},
      {"-1m30s", -90s},
      {"1m1m", 2min},
      {"2562047h47m16.854775807s", std::chrono::nanoseconds(INT64_MAX)},
      {"-2562047h47m16.854775808s", std::chrono::nanoseconds(INT64_MIN)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const auto got = ParseDuration(c.text);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, c.want);
  }
}

TEST(ParseDurationTest, RefusesMalformedText) {
  for (const std::string text : {"", "10", "m", "-", "1x", "1 m", "1h 30m", ".s", "1.2.3s", "1hh",
                                 "10M", "2562047h47m16.854775808s", "9999999999999999999h"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseDuration(text).has_value());
  }
}

TEST(FormatDurationTest, PrintsLikeGo) {
  struct Case {
    std::chrono::nanoseconds value;
    std::string want;
  };
  const std::vector<Case> cases = {
      {0ns, "0s"},
      {1ns, "1ns"},
      {1100ns, "1.1\u00b5s"},
      {2200us, "2.2ms"},
      {300ms, "300ms"},
      {1500ms, "1.5s"},
      {30s, "30s"},
      {10min, "10m0s"},
      {90min, "1h30m0s"},
      {6h, "6h0m0s"},
      {-90s, "-1m30s"},
      {std::chrono::nanoseconds(INT64_MAX), "2562047h47m16.854775807s"},
      {std::chrono::nanoseconds(INT64_MIN), "-2562047h47m16.854775808s"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(FormatDuration(c.value), c.want);
    EXPECT_EQ(ParseDuration(c.want), c.value);  // what we print reads back
  }
}

}  // namespace
}  // namespace gpuext
