// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/testing/fake_clock.h"

#include <atomic>
#include <chrono>
#include <stop_token>
#include <thread>

#include <gtest/gtest.h>

#include "gpuext/time_format.h"

namespace gpuext::testing {
namespace {

using namespace std::chrono_literals;

TEST(FakeClockTest, StartsAtAFixedDateAndMovesWallAndSteadyTogether) {
  FakeClock clock;
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2026-01-01T00:00:00Z");
  const auto steady = clock.SteadyNow();
  clock.Advance(90s);
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2026-01-01T00:01:30Z");
  EXPECT_EQ(clock.SteadyNow() - steady, 90s);
}

TEST(FakeClockTest, SetWallTimeLeavesSteadyTimeAlone) {
  FakeClock clock;
  const auto steady = clock.SteadyNow();
  clock.SetWallTime(*ParseRfc3339("2030-05-01T12:00:00Z"));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2030-05-01T12:00:00Z");
  EXPECT_EQ(clock.SteadyNow(), steady);
}

TEST(FakeClockTest, SleeperWakesOnlyOnceItsDeadlineIsReached) {
  FakeClock clock;
  const auto deadline = clock.SteadyNow() + 10s;
  std::atomic<bool> woke{false};
  bool reached = false;
  std::jthread sleeper([&] {
    reached = clock.SleepUntil(deadline, std::stop_token());
    woke = true;
  });
  ASSERT_TRUE(clock.WaitForSleepers(1));
  clock.Advance(9s);
  // Still asleep: Advance only wakes sleepers whose deadline has passed.
  EXPECT_TRUE(clock.WaitForSleepers(1));
  EXPECT_FALSE(woke);
  clock.Advance(1s);
  sleeper.join();
  EXPECT_TRUE(reached);
  EXPECT_EQ(clock.Sleepers(), 0u);
}

TEST(FakeClockTest, StopRequestEndsTheSleepWithFalse) {
  FakeClock clock;
  std::stop_source stop;
  bool reached = true;
  std::jthread sleeper(
      [&] { reached = clock.SleepUntil(clock.SteadyNow() + 1h, stop.get_token()); });
  ASSERT_TRUE(clock.WaitForSleepers(1));
  stop.request_stop();
  sleeper.join();
  EXPECT_FALSE(reached);
}

TEST(FakeClockTest, PastDeadlineReturnsAtOnce) {
  FakeClock clock;
  EXPECT_TRUE(clock.SleepUntil(clock.SteadyNow(), std::stop_token()));
  EXPECT_TRUE(clock.SleepFor(-1s, std::stop_token()));
  EXPECT_FALSE(clock.WaitForSleepers(1, 1ms));
}

}  // namespace
}  // namespace gpuext::testing
