// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// FakeClock: time that only moves when a test says so.
//
//   gpuext::testing::FakeClock clock;
//   std::jthread renewer([&](std::stop_token st) { elector.Run(clock, st); });
//   clock.WaitForSleepers(1);   // the renewer is now blocked in SleepUntil
//   clock.Advance(10s);         // ... and wakes up, seeing the new time
//
// Steady and wall time advance together. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <mutex>
#include <stop_token>

#include "gpuext/clock.h"

namespace gpuext::testing {

class FakeClock final : public Clock {
 public:
  // Starts at 2026-01-01T00:00:00Z wall time (a fixed, readable date in test output).
  FakeClock();

  [[nodiscard]] std::chrono::system_clock::time_point Now() const override;
  [[nodiscard]] std::chrono::steady_clock::time_point SteadyNow() const override;
  bool SleepUntil(std::chrono::steady_clock::time_point deadline, std::stop_token stop) override;

  // Moves time forward and wakes every sleeper whose deadline has passed.
  void Advance(std::chrono::steady_clock::duration by);

  // Sets the wall time without moving steady time (clock skew tests).
  void SetWallTime(std::chrono::system_clock::time_point now);

  // Number of threads blocked in SleepUntil that are still waiting: their deadline lies ahead
  // and their stop token was not triggered. A sleeper that Advance() (or a stop request) has
  // already woken no longer counts, even before its thread has actually returned.
  [[nodiscard]] std::size_t Sleepers() const;

  // Blocks (for real, up to `timeout`) until at least `count` threads are still waiting in
  // SleepUntil (as Sleepers() counts them). Returns false on timeout. Lets tests advance time
  // only once the code under test waits.
  bool WaitForSleepers(std::size_t count,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable_any changed_;
  std::chrono::system_clock::time_point wall_;
  std::chrono::steady_clock::time_point steady_;
  struct Sleeper {
    std::chrono::steady_clock::time_point deadline;
    std::stop_token stop;
  };
  // Requires mutex_: sleepers whose deadline lies ahead and whose stop was not requested.
  [[nodiscard]] std::size_t WaitingLocked() const;

  // One entry per thread inside SleepUntil (woken or not); guarded by mutex_.
  std::list<Sleeper> sleepers_;
};

}  // namespace gpuext::testing
