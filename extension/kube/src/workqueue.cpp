// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The queue proper (dirty/processing sets as client-go keeps them) and its delay thread.
#include "gpuext/kube/workqueue.h"

#include "gpuext/error.h"
#include "gpuext/logger.h"
#include "workqueue_metrics.h"

namespace gpuext::kube {

namespace {

Clock& ClockOrReal(Clock* clock) { return clock != nullptr ? *clock : RealClock::Instance(); }

}  // namespace

WorkQueue::WorkQueue(WorkQueueOptions options)
    : clock_(ClockOrReal(options.clock)),
      rate_limiter_(options.rate_limiter != nullptr ? std::move(options.rate_limiter)
                                                    : DefaultControllerRateLimiter(clock_)),
      metrics_(
          options.name.empty()
              ? nullptr
              : std::make_unique<internal::WorkQueueMetrics>(
                    options.registry != nullptr ? *options.registry : metrics::Registry::Default(),
                    options.name, clock_)) {
  if (metrics_ != nullptr) {
    auto& registry = options.registry != nullptr ? *options.registry : metrics::Registry::Default();
    collect_hook_ = registry.OnCollect([this] { CollectMetrics(); });
  }
  delay_thread_ = std::jthread([this](std::stop_token stop) { WaitLoop(std::move(stop)); });
}

WorkQueue::~WorkQueue() {
  ShutDown();
  delay_thread_ = {};  // joins
  collect_hook_ = {};  // without mutex_ held: a running Expose() may be inside the hook
}

void WorkQueue::Add(const std::string& key) {
  bool queued = false;
  {
    std::lock_guard lock(mutex_);
    queued = AddLocked(key);
  }
  // Notified after unlocking, so the woken worker does not block on the mutex at once.
  if (queued) {
    items_cv_.notify_one();
  }
}

bool WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_ || dirty_.contains(key)) {
    return false;
  }
  if (metrics_ != nullptr) {
    metrics_->Added(key);
  }
  dirty_.insert(key);
  // A key in process goes back into the queue when Done, never to a second worker now.
  if (processing_.contains(key)) {
    return false;
  }
  queue_.push_back(key);
  return true;
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock lock(mutex_);
  items_cv_.wait(lock, [&] { return !queue_.empty() || shutting_down_; });
  if (queue_.empty()) {
    return std::nullopt;
  }
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  if (metrics_ != nullptr) {
    metrics_->Handed(key);
  }
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

void WorkQueue::Done(const std::string& key) {
  bool requeued = false;
  {
    std::lock_guard lock(mutex_);
    if (metrics_ != nullptr) {
      metrics_->Finished(key);
    }
    processing_.erase(key);
    if (dirty_.contains(key)) {
      queue_.push_back(key);
      requeued = true;
    } else if (processing_.empty()) {
      drained_cv_.notify_all();
    }
  }
  if (requeued) {
    items_cv_.notify_one();
  }
}

void WorkQueue::AddAfter(const std::string& key, std::chrono::nanoseconds delay) {
  std::lock_guard lock(mutex_);
  if (shutting_down_) {
    return;
  }
  if (metrics_ != nullptr) {
    metrics_->Retried();
  }
  if (delay <= std::chrono::nanoseconds::zero()) {
    if (AddLocked(key)) {
      items_cv_.notify_one();
    }
    return;
  }
  const auto ready_at = clock_.SteadyNow() + delay;
  const auto [it, inserted] = waiting_.try_emplace(key, ready_at);
  if (!inserted) {
    if (ready_at >= it->second) {
      return;  // already waiting for an earlier (or the same) time
    }
    waiting_by_time_.erase({it->second, key});
    it->second = ready_at;
  }
  waiting_by_time_.emplace(ready_at, key);
  if (waiting_by_time_.begin()->second == key) {
    // The new key is due first: the loop may be sleeping for a later deadline.
    if (wake_.has_value()) {
      wake_->request_stop();
    }
    waiting_cv_.notify_one();
  }
}

void WorkQueue::AddRateLimited(const std::string& key) { AddAfter(key, rate_limiter_->When(key)); }

void WorkQueue::Forget(const std::string& key) { rate_limiter_->Forget(key); }

int WorkQueue::NumRequeues(const std::string& key) { return rate_limiter_->NumRequeues(key); }

std::size_t WorkQueue::Len() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkQueue::ShutDown() {
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    drain_ = false;
    items_cv_.notify_all();
    drained_cv_.notify_all();
  }
  // Delayed keys are dropped, as client-go's delaying queue stops its loop on shutdown.
  delay_thread_.request_stop();
}

void WorkQueue::ShutDownWithDrain() {
  std::unique_lock lock(mutex_);
  shutting_down_ = true;
  drain_ = true;
  items_cv_.notify_all();
  lock.unlock();
  delay_thread_.request_stop();
  lock.lock();
  drained_cv_.wait(lock, [&] { return processing_.empty() || !drain_; });
}

bool WorkQueue::ShuttingDown() const {
  std::lock_guard lock(mutex_);
  return shutting_down_;
}

void WorkQueue::PromoteReadyLocked(std::chrono::steady_clock::time_point now) {
  while (!waiting_by_time_.empty() && waiting_by_time_.begin()->first <= now) {
    const std::string key = waiting_by_time_.begin()->second;
    waiting_by_time_.erase(waiting_by_time_.begin());
    waiting_.erase(key);
    if (AddLocked(key)) {
      items_cv_.notify_one();
    }
  }
}

void WorkQueue::WaitLoop(std::stop_token stop) {
  // Boundary of the delay thread (STYLE.md §6): an escaping exception would terminate.
  try {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      PromoteReadyLocked(clock_.SteadyNow());
      if (waiting_by_time_.empty()) {
        waiting_cv_.wait(lock, stop, [&] { return !waiting_by_time_.empty(); });
        continue;
      }
      const auto deadline = waiting_by_time_.begin()->first;
      wake_.emplace();
      const std::stop_token wake_token = wake_->get_token();
      std::stop_callback on_stop(stop, [source = *wake_]() mutable { source.request_stop(); });
      lock.unlock();
      clock_.SleepUntil(deadline, wake_token);
      lock.lock();
      wake_.reset();
    }
  } catch (const std::exception& e) {
    Logger::Root().WithName("workqueue").Error(e, "Delay loop failed; delayed keys are lost");
  }
}

void WorkQueue::CollectMetrics() {
  std::lock_guard lock(mutex_);
  metrics_->UpdateUnfinishedWork();
}

}  // namespace gpuext::kube
