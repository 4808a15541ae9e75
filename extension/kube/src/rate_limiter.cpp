// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace gpuext::kube {

using std::chrono::nanoseconds;
using namespace std::chrono_literals;

ItemExponentialFailureRateLimiter::ItemExponentialFailureRateLimiter(nanoseconds base_delay,
                                                                     nanoseconds max_delay)
    : base_delay_(base_delay), max_delay_(max_delay) {}

nanoseconds ItemExponentialFailureRateLimiter::When(const std::string& item) {
  int exponent = 0;
  {
    std::lock_guard lock(mutex_);
    exponent = failures_[item]++;
  }
  // In floating point, so that 2^exponent for a long-failing item cannot overflow before the
  // cap applies.
  const double backoff = static_cast<double>(base_delay_.count()) * std::pow(2.0, exponent);
  if (backoff >= static_cast<double>(max_delay_.count())) {
    return max_delay_;
  }
  return nanoseconds(static_cast<nanoseconds::rep>(backoff));
}

void ItemExponentialFailureRateLimiter::Forget(const std::string& item) {
  std::lock_guard lock(mutex_);
  failures_.erase(item);
}

int ItemExponentialFailureRateLimiter::NumRequeues(const std::string& item) {
  std::lock_guard lock(mutex_);
  const auto it = failures_.find(item);
  return it == failures_.end() ? 0 : it->second;
}

BucketRateLimiter::BucketRateLimiter(const Clock& clock, double qps, int burst)
    : bucket_(clock, qps, burst) {}

nanoseconds BucketRateLimiter::When(const std::string& /*item*/) {
  return std::chrono::duration_cast<nanoseconds>(bucket_.Reserve());
}

void BucketRateLimiter::Forget(const std::string& /*item*/) {}

int BucketRateLimiter::NumRequeues(const std::string& /*item*/) { return 0; }

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : limiters_(std::move(limiters)) {}

nanoseconds MaxOfRateLimiter::When(const std::string& item) {
  nanoseconds longest{0};
  for (const auto& limiter : limiters_) {
    longest = std::max(longest, limiter->When(item));
  }
  return longest;
}

void MaxOfRateLimiter::Forget(const std::string& item) {
  for (const auto& limiter : limiters_) {
    limiter->Forget(item);
  }
}

int MaxOfRateLimiter::NumRequeues(const std::string& item) {
  int most = 0;
  for (const auto& limiter : limiters_) {
    most = std::max(most, limiter->NumRequeues(item));
  }
  return most;
}

std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(const Clock& clock) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(5ms, 1000s));
  limiters.push_back(std::make_unique<BucketRateLimiter>(clock, 10, 100));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace gpuext::kube
