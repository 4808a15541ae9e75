// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Rate limiters for the workqueue's AddRateLimited, with client-go's semantics:
// ItemExponentialFailureRateLimiter (per-item backoff), BucketRateLimiter (an overall token
// bucket), MaxOfRateLimiter (the longest wait of several) and DefaultControllerRateLimiter(),
// controller-runtime's default: max(5 ms · 2^failures capped at 1000 s, 10 qps / burst 100).
//
//   auto limiter = DefaultControllerRateLimiter(clock);
//   limiter->When("ns/a");   // 5ms (the first failure; the bucket still has tokens)
//   limiter->When("ns/a");   // 10ms
//   limiter->Forget("ns/a"); // reconciled fine: back to 5ms next time
//
// Thread safety: every limiter here is safe for concurrent use.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/kube/token_bucket.h"

namespace gpuext::kube {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // How long `item` should wait before it is processed again; counts one more failure.
  [[nodiscard]] virtual std::chrono::nanoseconds When(const std::string& item) = 0;
  // Stops tracking `item` (it was processed successfully); its backoff starts over.
  virtual void Forget(const std::string& item) = 0;
  // How many times `item` has been rate-limited since it was last forgotten.
  [[nodiscard]] virtual int NumRequeues(const std::string& item) = 0;
};

// base · 2^failures, capped at `max_delay` (overflow included), per item.
class ItemExponentialFailureRateLimiter final : public RateLimiter {
 public:
  ItemExponentialFailureRateLimiter(std::chrono::nanoseconds base_delay,
                                    std::chrono::nanoseconds max_delay);

  [[nodiscard]] std::chrono::nanoseconds When(const std::string& item) override;
  void Forget(const std::string& item) override;
  [[nodiscard]] int NumRequeues(const std::string& item) override;

 private:
  const std::chrono::nanoseconds base_delay_;
  const std::chrono::nanoseconds max_delay_;
  std::mutex mutex_;  // Guards failures_.
  std::unordered_map<std::string, int> failures_;
};

// One token bucket shared by all items: `qps` per second, `burst` at once. Forget and
// NumRequeues do nothing: the bucket does not track items.
class BucketRateLimiter final : public RateLimiter {
 public:
  // `clock` must outlive the limiter.
  BucketRateLimiter(const Clock& clock, double qps, int burst);

  [[nodiscard]] std::chrono::nanoseconds When(const std::string& item) override;
  void Forget(const std::string& item) override;
  [[nodiscard]] int NumRequeues(const std::string& item) override;

 private:
  TokenBucket bucket_;
};

// The longest wait any of `limiters` asks for; Forget forgets everywhere; NumRequeues is the
// largest count. Every limiter's When runs on every call, so each keeps counting.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);

  [[nodiscard]] std::chrono::nanoseconds When(const std::string& item) override;
  void Forget(const std::string& item) override;
  [[nodiscard]] int NumRequeues(const std::string& item) override;

 private:
  const std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

// controller-runtime's default: MaxOf(ItemExponential(5 ms, 1000 s), Bucket(10 qps, 100)).
// `clock` must outlive the limiter.
[[nodiscard]] std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(const Clock& clock);

}  // namespace gpuext::kube
