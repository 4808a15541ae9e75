// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/controller.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <iterator>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::kube {

using nlohmann::json;

namespace {

// A random (version 4) UUID: the reconcile ID, unique per Reconcile call.
std::string NewReconcileId() {
  thread_local std::mt19937_64 random(std::random_device{}());
  std::array<unsigned char, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    const std::uint64_t word = random();
    for (std::size_t j = 0; j < 8; ++j) {
      bytes[i + j] = static_cast<unsigned char>(word >> (8 * j));
    }
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += fmt::format("{:02x}", bytes[i]);
  }
  return out;
}

// controller-runtime's reconcile_time_seconds buckets.
const std::vector<double>& ReconcileTimeBuckets() {
  static const std::vector<double> buckets = {
      0.005, 0.01, 0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
      0.7,   0.8,  0.9,   1.0,  1.25, 1.5,  1.75, 2.0,  2.5, 3.0,  3.5, 4.0,  4.5, 5,
      6,     7,    8,     9,    10,   15,   20,   25,   30,  40,   50,  60};
  return buckets;
}

// Adds each distinct request once: adding a key twice could let a worker take it in between
// and reconcile it twice for one event.
void AddAll(WorkQueue& queue, std::vector<Request> requests) {
  std::sort(requests.begin(), requests.end());
  requests.erase(std::unique(requests.begin(), requests.end()), requests.end());
  for (const Request& r : requests) {
    queue.Add(r.String());
  }
}

}  // namespace

// The handlers' way into the queue. The informers keep a handler until the cache stops, which
// may be long after the controller (and its queue, and the metrics registry the queue reports
// to) is gone; the destructor clears `queue` under the exclusive lock, so after it no handler
// touches the queue, the predicates or the mappers.
struct Controller::Intake {
  std::shared_mutex mu;
  WorkQueue* queue = nullptr;  // Guarded by mu; nullptr once the controller is destroyed.

  // Runs `fn(queue)` unless the controller is gone; concurrent handlers share the lock.
  template <typename Fn>
  void With(Fn&& fn) {
    std::shared_lock lock(mu);
    if (queue != nullptr) {
      fn(*queue);
    }
  }
};

struct Controller::Watch {
  Resource resource;
  Informer* informer = nullptr;
  MapFunc map;
  std::vector<Predicate> predicates;
};

struct Controller::Metrics {
  Metrics(metrics::Registry& registry, const std::string& name)
      : total(registry.Counters("controller_runtime_reconcile_total",
                                "Total number of reconciliations per controller.",
                                {"controller", "result"})),
        success(total.WithLabelValues({name, "success"})),
        error(total.WithLabelValues({name, "error"})),
        requeue(total.WithLabelValues({name, "requeue"})),
        requeue_after(total.WithLabelValues({name, "requeue_after"})),
        errors(registry
                   .Counters("controller_runtime_reconcile_errors_total",
                             "Total number of reconciliation errors per controller.",
                             {"controller"})
                   .WithLabelValues({name})),
        time(registry
                 .Histograms("controller_runtime_reconcile_time_seconds",
                             "Length of time per reconciliation per controller.", {"controller"},
                             ReconcileTimeBuckets())
                 .WithLabelValues({name})),
        active_workers(registry
                           .Gauges("controller_runtime_active_workers",
                                   "Number of currently used workers per controller.",
                                   {"controller"})
                           .WithLabelValues({name})),
        max_concurrent(registry
                           .Gauges("controller_runtime_max_concurrent_reconciles",
                                   "Maximum number of concurrent reconciles per controller.",
                                   {"controller"})
                           .WithLabelValues({name})) {}

  metrics::CounterVec& total;
  metrics::Counter& success;
  metrics::Counter& error;
  metrics::Counter& requeue;
  metrics::Counter& requeue_after;
  metrics::Counter& errors;
  metrics::Histogram& time;
  metrics::Gauge& active_workers;
  metrics::Gauge& max_concurrent;
};

namespace {

Clock& ClockOf(const ControllerOptions& options) {
  return options.clock != nullptr ? *options.clock : RealClock::Instance();
}

metrics::Registry& RegistryOf(const ControllerOptions& options) {
  return options.registry != nullptr ? *options.registry : metrics::Registry::Default();
}

const std::string& CheckedName(const std::string& name, int workers) {
  if (name.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "controller name must not be empty");
  }
  if (workers < 1) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("controller {}: max_concurrent_reconciles must be at least 1, got {}",
                            name, workers));
  }
  return name;
}

}  // namespace

Controller::Controller(std::string name, Cache& cache, Reconciler& reconciler,
                       ControllerOptions options)
    : name_(CheckedName(name, options.max_concurrent_reconciles)),
      cache_(cache),
      reconciler_(reconciler),
      workers_(options.max_concurrent_reconciles),
      cache_sync_timeout_(options.cache_sync_timeout),
      clock_(ClockOf(options)),
      log_(options.log.WithName("controller").WithValues({{"controller", name_}})),
      queue_(std::make_unique<WorkQueue>(
          WorkQueueOptions{.name = name_,
                           .clock = &clock_,
                           .rate_limiter = std::move(options.rate_limiter),
                           .registry = &RegistryOf(options)})),
      intake_(std::make_shared<Intake>()),
      metrics_(std::make_unique<Metrics>(RegistryOf(options), name_)) {
  intake_->queue = queue_.get();
  metrics_->max_concurrent.Set(workers_);
}

Controller::~Controller() {
  {
    // Waits for handler calls in flight; later ones find no queue.
    std::unique_lock lock(intake_->mu);
    intake_->queue = nullptr;
  }
  queue_->ShutDown();
}

Controller& Controller::For(const Resource& resource, std::vector<Predicate> predicates,
                            const InformerOptions& informer) {
  return Watches(resource, EnqueueRequestForObject(), std::move(predicates), informer);
}

Controller& Controller::Watches(const Resource& resource, MapFunc map,
                                std::vector<Predicate> predicates,
                                const InformerOptions& informer) {
  if (started_) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("controller {}: Watches({}) after Start", name_, resource.String()));
  }
  watches_.push_back(
      std::make_shared<const Watch>(Watch{.resource = resource,
                                          .informer = &cache_.GetInformer(resource, informer),
                                          .map = std::move(map),
                                          .predicates = std::move(predicates)}));
  return *this;
}

void Controller::Generic(const Resource& resource, const json& obj) {
  for (const auto& watch : watches_) {
    if (watch->resource == resource && AllowGeneric(watch->predicates, obj)) {
      AddAll(*queue_, watch->map(obj));
    }
  }
}

void Controller::Enqueue(const Request& request) { queue_->Add(request.String()); }

void Controller::Start(std::stop_token stop) {
  if (started_.exchange(true)) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("controller {} started twice", name_));
  }
  // The handlers hold the intake and the watch by shared_ptr: the informers may call them
  // until the cache stops, which can be after this controller is gone.
  for (const auto& watch : watches_) {
    watch->informer->AddEventHandler(ResourceEventHandler{
        .on_add =
            [intake = intake_, watch](const ObjectPtr& obj, bool /*is_initial_list*/) {
              intake->With([&](WorkQueue& queue) {
                if (AllowCreate(watch->predicates, *obj)) {
                  AddAll(queue, watch->map(*obj));
                }
              });
            },
        .on_update =
            [intake = intake_, watch](const ObjectPtr& old_obj, const ObjectPtr& new_obj) {
              intake->With([&](WorkQueue& queue) {
                if (!AllowUpdate(watch->predicates, *old_obj, *new_obj)) {
                  return;
                }
                std::vector<Request> requests = watch->map(*new_obj);
                if (old_obj != new_obj) {
                  // A changed owner or label must reach the previous target too.
                  std::vector<Request> old_requests = watch->map(*old_obj);
                  requests.insert(requests.end(), std::make_move_iterator(old_requests.begin()),
                                  std::make_move_iterator(old_requests.end()));
                }
                AddAll(queue, std::move(requests));
              });
            },
        .on_delete =
            [intake = intake_, watch](const ObjectPtr& obj) {
              intake->With([&](WorkQueue& queue) {
                if (AllowDelete(watch->predicates, *obj)) {
                  AddAll(queue, watch->map(*obj));
                }
              });
            },
    });
  }
  for (const auto& watch : watches_) {
    if (!watch->informer->WaitForSync(stop, cache_sync_timeout_)) {
      if (stop.stop_requested()) {
        stopping_ = true;
        queue_->ShutDown();
        return;
      }
      throw Error(ErrorCode::kTimeout,
                  fmt::format("controller {}: timed out waiting for the {} cache to sync", name_,
                              watch->resource.String()));
    }
  }

  log_.Info("Starting workers", {{"workerCount", workers_}});
  {
    std::vector<std::jthread> workers;
    workers.reserve(static_cast<std::size_t>(workers_));
    for (int i = 0; i < workers_; ++i) {
      workers.emplace_back([this] { Worker(); });
    }
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, stop, [] { return false; });
    lock.unlock();

    // Intake stops: keys still queued are handed out once more and dropped by the workers;
    // reconciles in flight run to their end.
    log_.Info("Shutdown signal received, waiting for all workers to finish");
    stopping_ = true;
    queue_->ShutDown();
  }  // joins the workers
  log_.Info("All workers finished");
}

void Controller::Abort() { abort_.request_stop(); }

void Controller::Worker() {
  while (auto key = queue_->Get()) {
    if (!stopping_) {
      ReconcileKey(*key);
    }
    queue_->Done(*key);
  }
}

void Controller::ReconcileKey(const std::string& key) {
  const Request request = Request::FromKey(key);
  const std::string reconcile_id = NewReconcileId();
  const ReconcileContext ctx{
      .stop = abort_.get_token(),
      .log = log_.WithValues(
          {{"namespace", request.ns}, {"name", request.name}, {"reconcileID", reconcile_id}}),
      .clock = clock_,
      .reconcile_id = reconcile_id,
  };

  metrics_->active_workers.Inc();
  const auto start = clock_.SteadyNow();
  const auto observe = [&] {
    metrics_->time.Observe(std::chrono::duration<double>(clock_.SteadyNow() - start).count());
    metrics_->active_workers.Dec();
  };
  const auto failed = [&] {
    observe();
    metrics_->error.Inc();
    metrics_->errors.Inc();
    queue_->AddRateLimited(key);
  };

  Result result;
  // Boundary: everything a reconciler throws ends here (controller-runtime recovers panics the
  // same way); it is logged once, with the reconcile ID, and the key retried with backoff.
  try {
    result = reconciler_.Reconcile(ctx, request);
  } catch (const std::exception& e) {
    ctx.log.Error(e, "Reconciler error");
    failed();
    return;
  } catch (...) {
    ctx.log.Error("Reconciler error", {{"error", "unknown exception (not a std::exception)"}});
    failed();
    return;
  }
  observe();

  if (result.requeue_after > std::chrono::nanoseconds::zero()) {
    queue_->Forget(key);
    queue_->AddAfter(key, result.requeue_after);
    metrics_->requeue_after.Inc();
  } else if (result.requeue) {
    queue_->AddRateLimited(key);
    metrics_->requeue.Inc();
  } else {
    queue_->Forget(key);
    metrics_->success.Inc();
  }
  if (ctx.log.DebugEnabled()) {
    ctx.log.Debug("Reconcile done");
  }
}

}  // namespace gpuext::kube
