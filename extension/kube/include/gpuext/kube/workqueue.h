// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// WorkQueue: the controller's queue of object keys ("ns/name"), with client-go's rate-limiting
// delaying queue semantics (DESIGN.md §6):
//
//  - Dedup: a key waiting in the queue is queued once, however often it is added.
//  - One worker per key: a key handed out by Get() is not handed out again until Done(). Adding
//    it meanwhile marks it dirty, and Done() queues it again, so the change is not lost.
//  - AddAfter(key, d) queues the key once `d` has passed on the Clock; a key already waiting
//    keeps the earlier of its two times. AddRateLimited(key) is AddAfter(key, limiter.When(key)).
//  - ShutDown(): adds are ignored from then on, Get() still hands out what is queued and
//    returns nullopt once the queue is empty; waiting (delayed) keys are dropped.
//    ShutDownWithDrain() also blocks until every key handed out has been marked Done().
//
//   WorkQueue queue({.name = "shoots"});
//   queue.Add("garden-dev/shoot-a");
//   while (auto key = queue.Get()) {         // blocks; nullopt after ShutDown, once drained
//     try {
//       Reconcile(*key);
//       queue.Forget(*key);                 // success: reset its backoff
//     } catch (...) {
//       queue.AddRateLimited(*key);         // failure: retry after 5ms, 10ms, 20ms, ...
//     }
//     queue.Done(*key);
//   }
//
// With a non-empty name the queue reports controller-runtime's workqueue_* metrics with the
// label name=<name>: depth, adds_total, queue_duration_seconds, work_duration_seconds,
// retries_total, unfinished_work_seconds and longest_running_processor_seconds.
//
// Thread safety: safe for concurrent use by any number of producers and workers. Time comes
// only from the Clock, so tests drive AddAfter and the metrics with a FakeClock.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "gpuext/clock.h"
#include "gpuext/kube/metrics.h"
#include "gpuext/kube/rate_limiter.h"

namespace gpuext::kube {

struct WorkQueueOptions {
  // Value of the metrics' "name" label (the controller's name); empty: no metrics.
  std::string name = {};
  // Time for AddAfter, rate limiting and metrics; nullptr: RealClock::Instance(). Must outlive
  // the queue.
  Clock* clock = nullptr;
  // nullptr: DefaultControllerRateLimiter(*clock).
  std::unique_ptr<RateLimiter> rate_limiter = nullptr;
  // Where the metrics go; nullptr: metrics::Registry::Default(). Must outlive the queue.
  metrics::Registry* registry = nullptr;
};

namespace internal {
class WorkQueueMetrics;
}  // namespace internal

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {});
  // Shuts down (without drain) and stops the delay thread.
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `key` unless it is already queued; a key being processed is marked dirty and queued
  // again by Done(). Ignored after shutdown.
  void Add(const std::string& key);

  // Blocks until a key is available and marks it as being processed; the caller must call
  // Done(key) when finished. Returns nullopt once shut down and the queue is empty.
  [[nodiscard]] std::optional<std::string> Get();

  // Marks `key` as no longer processed; if it was added meanwhile, queues it again.
  void Done(const std::string& key);

  // Adds `key` once `delay` has passed (at once when delay <= 0). A key already waiting keeps
  // the earlier time. Ignored after shutdown.
  void AddAfter(const std::string& key, std::chrono::nanoseconds delay);

  // AddAfter(key, rate_limiter.When(key)).
  void AddRateLimited(const std::string& key);

  // Resets the rate limiter's memory of `key` (call after a successful reconcile). Does not
  // remove the key from the queue.
  void Forget(const std::string& key);

  // How often `key` has been rate-limited since it was last forgotten.
  [[nodiscard]] int NumRequeues(const std::string& key);

  // Keys queued and not yet handed out (neither waiting delayed keys nor those in process).
  [[nodiscard]] std::size_t Len() const;

  // Stops accepting keys and wakes every blocked Get(); see the file comment.
  void ShutDown();

  // ShutDown(), then blocks until no key is being processed (or ShutDown() is called).
  void ShutDownWithDrain();

  [[nodiscard]] bool ShuttingDown() const;

 private:
  // Requires mutex_. True when the key went into queue_ (the caller wakes a worker).
  bool AddLocked(const std::string& key);
  void WaitLoop(std::stop_token stop);
  // Moves every waiting key whose time has come into the queue. Requires mutex_.
  void PromoteReadyLocked(std::chrono::steady_clock::time_point now);
  void CollectMetrics();

  Clock& clock_;
  const std::unique_ptr<RateLimiter> rate_limiter_;
  const std::unique_ptr<internal::WorkQueueMetrics> metrics_;  // null without a name

  // Guards everything below up to delay_thread_, and the metrics' per-key bookkeeping.
  mutable std::mutex mutex_;
  std::condition_variable items_cv_;       // a key was queued, or shutdown began
  std::condition_variable drained_cv_;     // processing_ became empty, or the drain was cancelled
  std::deque<std::string> queue_;          // keys in the order they are handed out
  std::unordered_set<std::string> dirty_;  // needs processing (queued, or re-added)
  std::unordered_set<std::string> processing_;  // handed out, not yet Done
  bool shutting_down_ = false;
  bool drain_ = false;

  // Delayed keys: by time (what the wait loop sleeps for) and by key (for dedup).
  std::set<std::pair<std::chrono::steady_clock::time_point, std::string>> waiting_by_time_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> waiting_;
  std::condition_variable_any waiting_cv_;  // waiting_ became non-empty
  // Set while the wait loop sleeps on the clock; requesting stop on it wakes the loop early
  // (for a key that is due sooner than the one it sleeps for).
  std::optional<std::stop_source> wake_;

  metrics::CollectHook collect_hook_;
  std::jthread delay_thread_;  // Last: it starts after, and stops before, everything above.
};

}  // namespace gpuext::kube
