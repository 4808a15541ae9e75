// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Controller: N workers that reconcile the keys of a rate-limited WorkQueue, fed by watches
// on shared informers (controller-runtime's controller, DESIGN.md §6, STYLE.md §9).
//
//   kube::Controller controller("gpu-pool", cache, reconciler, {.max_concurrent_reconciles = 4});
//   controller.For(kShoots, {GenerationChangedPredicate()})
//       .Watches(kConfigMaps, EnqueueRequestForOwner({.group = "core.gardener.cloud",
//                                                     .kind = "Shoot"}));
//   controller.Start(stop);   // blocks; usually the Manager calls it (it is a Runnable)
//
// Semantics, as controller-runtime's:
//   - For/Watches create (or reuse) the cache's informer at once, so a Manager waits for it to
//     sync; the event handlers are added when the controller starts, and the informer then
//     replays its store as creates, so nothing that happened before the start is missed.
//   - Each event passes the watch's predicates, then its mapper; the requests go into the
//     queue, which deduplicates them and never hands one key to two workers at once.
//   - Per reconcile: Result.requeue_after > 0 → Forget + AddAfter; Result.requeue →
//     AddRateLimited; otherwise Forget. Anything thrown (std::exception or not) is caught at
//     the worker boundary, logged once with the reconcile ID, and the key AddRateLimited.
//   - Start(stop) waits for its informers to sync (cache_sync_timeout), starts the workers and
//     blocks until `stop`. Then intake stops: nothing new is handed to a reconciler, keys still
//     queued are dropped, and Start returns once the reconciles in flight have finished.
//     Abort() triggers ReconcileContext::stop for those (the Manager calls it at its
//     graceful-shutdown deadline).
//   - Metrics (labels controller=<name>): controller_runtime_reconcile_total{result=success|
//     error|requeue|requeue_after}, controller_runtime_reconcile_errors_total,
//     controller_runtime_reconcile_time_seconds, controller_runtime_active_workers,
//     controller_runtime_max_concurrent_reconciles, and the queue's workqueue_*{name=<name>}.
//
// Thread safety: For/Watches before Start, from one thread; Start once; Enqueue, Generic and
// Abort from any thread at any time.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/cache.h"
#include "gpuext/kube/handler.h"
#include "gpuext/kube/informer.h"
#include "gpuext/kube/metrics.h"
#include "gpuext/kube/predicate.h"
#include "gpuext/kube/rate_limiter.h"
#include "gpuext/kube/reconciler.h"
#include "gpuext/kube/resource.h"
#include "gpuext/kube/runnable.h"
#include "gpuext/kube/workqueue.h"
#include "gpuext/logger.h"

namespace gpuext::kube {

struct ControllerOptions {
  // Workers reconciling at once (different keys only).
  int max_concurrent_reconciles = 1;
  // Time for the queue, backoff and reconcile durations; nullptr: RealClock::Instance(). Must
  // outlive the controller.
  Clock* clock = nullptr;
  // nullptr: DefaultControllerRateLimiter(*clock).
  std::unique_ptr<RateLimiter> rate_limiter = nullptr;
  // Where the metrics go; nullptr: metrics::Registry::Default(). Must outlive the controller.
  metrics::Registry* registry = nullptr;
  // How long Start waits (real time) for the watched informers to sync before it throws.
  std::chrono::milliseconds cache_sync_timeout = std::chrono::minutes(2);
  Logger log = Logger::Root();
};

class Controller final : public Runnable {
 public:
  // `cache` and `reconciler` must outlive the controller. Throws Error(kInvalidArgument) for an
  // empty name or max_concurrent_reconciles < 1.
  Controller(std::string name, Cache& cache, Reconciler& reconciler,
             ControllerOptions options = {});
  // Detaches from the informers (their handlers, which the cache keeps until it stops, no
  // longer reach this controller once it returns) and shuts the queue down. Start must have
  // returned.
  ~Controller() override;
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Watches `resource` and reconciles each object itself.
  Controller& For(const Resource& resource, std::vector<Predicate> predicates = {},
                  const InformerOptions& informer = {});
  // Watches `resource` and reconciles what `map` names for each event.
  Controller& Watches(const Resource& resource, MapFunc map, std::vector<Predicate> predicates = {},
                      const InformerOptions& informer = {});

  // Runs a generic event for `obj` through every watch of `resource` (their on_generic
  // predicates and mappers), as controller-runtime's channel sources do.
  void Generic(const Resource& resource, const nlohmann::json& obj);
  // Queues `request` directly (no predicates).
  void Enqueue(const Request& request);

  void Start(std::stop_token stop) override;
  [[nodiscard]] bool NeedLeaderElection() const override { return true; }
  void Abort() override;

  [[nodiscard]] const std::string& name() const { return name_; }
  // The controller's queue (its metrics, tests).
  [[nodiscard]] WorkQueue& queue() { return *queue_; }

 private:
  struct Watch;
  struct Metrics;
  struct Intake;

  void Worker();
  void ReconcileKey(const std::string& key);

  const std::string name_;
  Cache& cache_;
  Reconciler& reconciler_;
  const int workers_;
  const std::chrono::milliseconds cache_sync_timeout_;
  Clock& clock_;
  const Logger log_;
  const std::unique_ptr<WorkQueue> queue_;
  // Shared with the informers' handlers, which may outlive the controller until the cache
  // stops: they reach queue_ through it, and the destructor cuts that link.
  const std::shared_ptr<Intake> intake_;
  const std::unique_ptr<Metrics> metrics_;
  std::vector<std::shared_ptr<const Watch>> watches_;  // written before Start only
  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};  // intake stopped: handed-out keys are dropped
  std::stop_source abort_;             // ReconcileContext::stop
};

}  // namespace gpuext::kube
