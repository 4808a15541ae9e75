// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/clock.h"

#include <condition_variable>
#include <mutex>

namespace gpuext {

std::chrono::system_clock::time_point RealClock::Now() const {
  return std::chrono::system_clock::now();
}

std::chrono::steady_clock::time_point RealClock::SteadyNow() const {
  return std::chrono::steady_clock::now();
}

bool RealClock::SleepUntil(std::chrono::steady_clock::time_point deadline, std::stop_token stop) {
  // condition_variable_any waits on the stop_token directly, so a stop request wakes us at once.
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  wake.wait_until(lock, stop, deadline, [] { return false; });
  return !stop.stop_requested();
}

RealClock& RealClock::Instance() {
  static RealClock clock;
  return clock;
}

}  // namespace gpuext
