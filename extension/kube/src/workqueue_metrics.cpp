// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "workqueue_metrics.h"

#include <algorithm>

namespace gpuext::kube::internal {

namespace {

using Seconds = std::chrono::duration<double>;

const std::vector<double>& DurationBuckets() {
  static const std::vector<double> buckets = metrics::ExponentialBuckets(10e-9, 10, 12);
  return buckets;
}

}  // namespace

WorkQueueMetrics::WorkQueueMetrics(metrics::Registry& registry, const std::string& name,
                                   const Clock& clock)
    : clock_(clock),
      depth_(registry.Gauges("workqueue_depth", "Current depth of the workqueue.", {"name"})
                 .WithLabelValues({name})),
      adds_(registry
                .Counters("workqueue_adds_total", "Total number of adds handled by the workqueue.",
                          {"name"})
                .WithLabelValues({name})),
      queue_duration_(registry
                          .Histograms("workqueue_queue_duration_seconds",
                                      "How long in seconds a key waits in the workqueue before "
                                      "a worker takes it.",
                                      {"name"}, DurationBuckets())
                          .WithLabelValues({name})),
      work_duration_(registry
                         .Histograms("workqueue_work_duration_seconds",
                                     "How long in seconds processing a key from the workqueue "
                                     "takes.",
                                     {"name"}, DurationBuckets())
                         .WithLabelValues({name})),
      unfinished_work_(registry
                           .Gauges("workqueue_unfinished_work_seconds",
                                   "Seconds of work in progress that work_duration has not "
                                   "observed yet; a steady rise means stuck workers.",
                                   {"name"})
                           .WithLabelValues({name})),
      longest_running_(registry
                           .Gauges("workqueue_longest_running_processor_seconds",
                                   "Seconds the longest-running worker of the workqueue has "
                                   "been processing its key.",
                                   {"name"})
                           .WithLabelValues({name})),
      retries_(registry
                   .Counters("workqueue_retries_total",
                             "Total number of retries handled by the workqueue.", {"name"})
                   .WithLabelValues({name})) {}

void WorkQueueMetrics::Added(const std::string& key) {
  adds_.Inc();
  depth_.Inc();
  // The first add counts: a key re-added while queued keeps its original waiting time.
  added_at_.try_emplace(key, clock_.SteadyNow());
}

void WorkQueueMetrics::Handed(const std::string& key) {
  const auto now = clock_.SteadyNow();
  depth_.Dec();
  if (const auto it = added_at_.find(key); it != added_at_.end()) {
    queue_duration_.Observe(Seconds(now - it->second).count());
    added_at_.erase(it);
  }
  started_at_[key] = now;
}

void WorkQueueMetrics::Finished(const std::string& key) {
  if (const auto it = started_at_.find(key); it != started_at_.end()) {
    work_duration_.Observe(Seconds(clock_.SteadyNow() - it->second).count());
    started_at_.erase(it);
  }
}

void WorkQueueMetrics::Retried() { retries_.Inc(); }

void WorkQueueMetrics::UpdateUnfinishedWork() {
  const auto now = clock_.SteadyNow();
  double total = 0;
  double longest = 0;
  for (const auto& [key, started] : started_at_) {
    const double running = Seconds(now - started).count();
    total += running;
    longest = std::max(longest, running);
  }
  unfinished_work_.Set(total);
  longest_running_.Set(longest);
}

}  // namespace gpuext::kube::internal
