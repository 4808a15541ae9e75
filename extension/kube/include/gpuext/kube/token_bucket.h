// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// TokenBucket: `qps` tokens per second, at most `burst` saved up (golang.org/x/time/rate
// semantics). Used by the REST client's QPS throttle and by the workqueue's overall limiter.
//
//   TokenBucket bucket(clock, /*qps=*/5, /*burst=*/10);
//   clock.SleepFor(bucket.Reserve(), stop);   // waits only when the bucket is empty
//
// Thread-safe.

#include <chrono>
#include <mutex>

#include "gpuext/clock.h"

namespace gpuext::kube {

class TokenBucket {
 public:
  // qps <= 0 means unlimited (Reserve always returns zero).
  TokenBucket(const Clock& clock, double qps, int burst);

  // Takes one token, possibly borrowing from the future, and returns how long the caller has to
  // wait before acting on it (zero when a token was available).
  [[nodiscard]] std::chrono::steady_clock::duration Reserve();

  // Takes one token only if one is available now.
  [[nodiscard]] bool TryTake();

 private:
  void RefillLocked(std::chrono::steady_clock::time_point now);

  const Clock& clock_;
  const double qps_;
  const double burst_;
  std::mutex mutex_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace gpuext::kube
