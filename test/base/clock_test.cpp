// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/clock.h"

#include <thread>

#include <gtest/gtest.h>

namespace gpuext {
namespace {

using namespace std::chrono_literals;

TEST(RealClockTest, SleepReturnsTrueWhenDeadlinePassed) {
  std::stop_source stop;
  const auto start = RealClock::Instance().SteadyNow();
  EXPECT_TRUE(RealClock::Instance().SleepFor(5ms, stop.get_token()));
  EXPECT_GE(RealClock::Instance().SteadyNow() - start, 5ms);
}

TEST(RealClockTest, StopRequestWakesSleeperAtOnce) {
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(20ms);
    stop.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(RealClock::Instance().SleepFor(1h, stop.get_token()));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

}  // namespace
}  // namespace gpuext
