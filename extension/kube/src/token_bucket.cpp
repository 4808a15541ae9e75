// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/token_bucket.h"

#include <algorithm>

namespace gpuext::kube {

using Seconds = std::chrono::duration<double>;

TokenBucket::TokenBucket(const Clock& clock, double qps, int burst)
    : clock_(clock),
      qps_(qps),
      burst_(std::max(1, burst)),
      tokens_(std::max(1, burst)),
      last_(clock.SteadyNow()) {}

void TokenBucket::RefillLocked(std::chrono::steady_clock::time_point now) {
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + Seconds(now - last_).count() * qps_);
    last_ = now;
  }
}

std::chrono::steady_clock::duration TokenBucket::Reserve() {
  if (qps_ <= 0) {
    return {};
  }
  std::lock_guard lock(mutex_);
  RefillLocked(clock_.SteadyNow());
  tokens_ -= 1;  // may go negative: the debt is what later callers wait for
  if (tokens_ >= 0) {
    return {};
  }
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(Seconds(-tokens_ / qps_));
}

bool TokenBucket::TryTake() {
  if (qps_ <= 0) {
    return true;
  }
  std::lock_guard lock(mutex_);
  RefillLocked(clock_.SteadyNow());
  if (tokens_ < 1) {
    return false;
  }
  tokens_ -= 1;
  return true;
}

}  // namespace gpuext::kube
