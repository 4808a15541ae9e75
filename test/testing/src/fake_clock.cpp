// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/testing/fake_clock.h"

namespace gpuext::testing {

using std::chrono::steady_clock;
using std::chrono::system_clock;

FakeClock::FakeClock()
    : wall_(system_clock::time_point(std::chrono::seconds(1767225600))),  // 2026-01-01T00:00:00Z
      steady_(steady_clock::time_point(std::chrono::hours(1))) {}

system_clock::time_point FakeClock::Now() const {
  std::lock_guard lock(mutex_);
  return wall_;
}

steady_clock::time_point FakeClock::SteadyNow() const {
  std::lock_guard lock(mutex_);
  return steady_;
}

bool FakeClock::SleepUntil(steady_clock::time_point deadline, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  const auto self = sleepers_.insert(sleepers_.end(), Sleeper{deadline, stop});
  changed_.notify_all();
  const bool reached = changed_.wait(lock, stop, [&] { return steady_ >= deadline; });
  sleepers_.erase(self);
  changed_.notify_all();
  return reached && !stop.stop_requested();
}

void FakeClock::Advance(steady_clock::duration by) {
  std::lock_guard lock(mutex_);
  steady_ += by;
  wall_ += std::chrono::duration_cast<system_clock::duration>(by);
  changed_.notify_all();
}

void FakeClock::SetWallTime(system_clock::time_point now) {
  std::lock_guard lock(mutex_);
  wall_ = now;
  changed_.notify_all();
}

std::size_t FakeClock::WaitingLocked() const {
  // A woken sleeper may not have re-acquired mutex_ yet; judge by its deadline and stop token
  // instead of by whether its thread has left SleepUntil.
  std::size_t waiting = 0;
  for (const Sleeper& s : sleepers_) {
    if (steady_ < s.deadline && !s.stop.stop_requested()) {
      ++waiting;
    }
  }
  return waiting;
}

std::size_t FakeClock::Sleepers() const {
  std::lock_guard lock(mutex_);
  return WaitingLocked();
}

bool FakeClock::WaitForSleepers(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  // Real time here: the test thread waits for the code under test to reach its sleep.
  return changed_.wait_for(lock, timeout, [&] { return WaitingLocked() >= count; });
}

}  // namespace gpuext::testing
