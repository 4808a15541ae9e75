// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/rate_limiter.h"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpuext/testing/fake_clock.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

TEST(ItemExponentialFailureRateLimiterTest, DoublesPerFailureUpToTheCap) {
  ItemExponentialFailureRateLimiter limiter(5ms, 1000s);
  const std::vector<nanoseconds> want = {
      5ms,    10ms,    20ms,    40ms,    80ms,    160ms,    320ms,    640ms,    1280ms, 2560ms,
      5120ms, 10240ms, 20480ms, 40960ms, 81920ms, 163840ms, 327680ms, 655360ms, 1000s,  1000s,
  };
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(limiter.When("ns/a"), want[i]);
  }
  EXPECT_EQ(limiter.NumRequeues("ns/a"), static_cast<int>(want.size()));
  // Thousands of failures must not overflow into a short or negative delay.
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(limiter.When("ns/a"), 1000s);
  }
}

TEST(ItemExponentialFailureRateLimiterTest, ForgetResetsOnlyThatItem) {
  ItemExponentialFailureRateLimiter limiter(5ms, 1000s);
  (void)limiter.When("ns/a");
  (void)limiter.When("ns/a");
  (void)limiter.When("ns/b");
  EXPECT_EQ(limiter.NumRequeues("ns/a"), 2);
  limiter.Forget("ns/a");
  EXPECT_EQ(limiter.NumRequeues("ns/a"), 0);
  EXPECT_EQ(limiter.When("ns/a"), 5ms);
  EXPECT_EQ(limiter.When("ns/b"), 10ms);
  EXPECT_EQ(limiter.NumRequeues("ns/unknown"), 0);
}

TEST(BucketRateLimiterTest, AllowsTheBurstThenSpacesByQps) {
  gpuext::testing::FakeClock clock;
  BucketRateLimiter limiter(clock, 10, 100);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(limiter.When("k" + std::to_string(i)), 0ns) << i;
  }
  EXPECT_EQ(limiter.When("k100"), 100ms);
  EXPECT_EQ(limiter.When("k101"), 200ms);
  // One second refills ten tokens, eight after paying the two borrowed ones back.
  clock.Advance(1s);
  for (int i = 0; i < 8; ++i) {
    ASSERT_EQ(limiter.When("later"), 0ns) << i;
  }
  EXPECT_EQ(limiter.When("later"), 100ms);
  EXPECT_EQ(limiter.NumRequeues("later"), 0);
}

TEST(MaxOfRateLimiterTest, DefaultControllerLimiterTakesTheLongerWait) {
  gpuext::testing::FakeClock clock;
  const auto limiter = DefaultControllerRateLimiter(clock);
  // Per-item backoff dominates while the bucket has tokens.
  EXPECT_EQ(limiter->When("ns/a"), 5ms);
  EXPECT_EQ(limiter->When("ns/a"), 10ms);
  EXPECT_EQ(limiter->When("ns/a"), 20ms);
  EXPECT_EQ(limiter->NumRequeues("ns/a"), 3);
  for (int i = 0; i < 97; ++i) {
    ASSERT_EQ(limiter->When("ns/other-" + std::to_string(i)), 5ms) << i;
  }
  // The 101st call overall finds the bucket empty: 100 ms beats a first failure's 5 ms.
  EXPECT_EQ(limiter->When("ns/b"), 100ms);
  limiter->Forget("ns/a");
  EXPECT_EQ(limiter->NumRequeues("ns/a"), 0);
}

TEST(MaxOfRateLimiterTest, ForgetsInEveryLimiterAndReportsTheMostRequeues) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(1ms, 1s));
  limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(2ms, 1s));
  MaxOfRateLimiter limiter(std::move(limiters));
  EXPECT_EQ(limiter.When("x"), 2ms);
  EXPECT_EQ(limiter.When("x"), 4ms);
  EXPECT_EQ(limiter.NumRequeues("x"), 2);
  limiter.Forget("x");
  EXPECT_EQ(limiter.When("x"), 2ms);
}

}  // namespace
}  // namespace gpuext::kube
