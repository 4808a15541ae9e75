// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Time as a seam (STYLE.md: "interfaces for everything in the environment, time first").
// Everything that waits (backoff, leases, lastUpdateTime, S3 dates, build TTLs) takes a Clock&,
// so tests drive time with gpuext::testing::FakeClock and never sleep for real.
//
//   void Renew(gpuext::Clock& clock, std::stop_token stop) {
//     auto next = clock.SteadyNow() + 10s;
//     if (!clock.SleepUntil(next, stop)) return;  // stopped
//   }

#include <chrono>
#include <stop_token>

namespace gpuext {

class Clock {
 public:
  virtual ~Clock() = default;

  // Wall-clock time, for timestamps written into objects (lastUpdateTime, Lease renewTime).
  [[nodiscard]] virtual std::chrono::system_clock::time_point Now() const = 0;

  // Monotonic time, for deadlines and intervals.
  [[nodiscard]] virtual std::chrono::steady_clock::time_point SteadyNow() const = 0;

  // Blocks until SteadyNow() >= deadline or stop is requested. Returns false when stopped
  // before the deadline, true otherwise.
  virtual bool SleepUntil(std::chrono::steady_clock::time_point deadline, std::stop_token stop) = 0;

  // Convenience: SleepUntil(SteadyNow() + duration, stop).
  bool SleepFor(std::chrono::steady_clock::duration duration, std::stop_token stop) {
    return SleepUntil(SteadyNow() + duration, std::move(stop));
  }
};

// The process clock. Thread-safe; SleepUntil wakes promptly on stop requests.
class RealClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point Now() const override;
  [[nodiscard]] std::chrono::steady_clock::time_point SteadyNow() const override;
  bool SleepUntil(std::chrono::steady_clock::time_point deadline, std::stop_token stop) override;

  // A process-wide instance for code that is not handed a clock (main functions).
  static RealClock& Instance();
};

}  // namespace gpuext
