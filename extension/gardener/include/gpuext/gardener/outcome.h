// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Outcome: what an actuator tells the Reconciler when it did not fail (STYLE.md).
//
//   if (!ManagedResourceHealthy(...)) return Outcome::RequeueAfter(10s);  // not yet, no error
//   return Outcome::Done();
//
// Failures are exceptions (gpuext::Error); "not yet" is never an exception.

#include <chrono>
#include <optional>

namespace gpuext::gardener {

class [[nodiscard]] Outcome {
 public:
  static Outcome Done() { return Outcome(std::nullopt); }
  static Outcome RequeueAfter(std::chrono::milliseconds delay) { return Outcome(delay); }

  [[nodiscard]] bool done() const { return !requeue_after_.has_value(); }
  [[nodiscard]] std::optional<std::chrono::milliseconds> requeue_after() const {
    return requeue_after_;
  }

 private:
  explicit Outcome(std::optional<std::chrono::milliseconds> delay) : requeue_after_(delay) {}

  std::optional<std::chrono::milliseconds> requeue_after_;
};

}  // namespace gpuext::gardener
