// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The workqueue_* metrics of one named queue, with controller-runtime's names, help texts in
// our words, and buckets (10ns ... 1000s, exponential by 10).

#include <chrono>
#include <string>
#include <unordered_map>

#include "gpuext/clock.h"
#include "gpuext/kube/metrics.h"

namespace gpuext::kube::internal {

// Confined to the queue's mutex: every method is called with the queue's mutex held, except
// the constructor.
class WorkQueueMetrics {
 public:
  WorkQueueMetrics(metrics::Registry& registry, const std::string& name, const Clock& clock);

  void Added(const std::string& key);     // a key became dirty
  void Handed(const std::string& key);    // Get handed the key out
  void Finished(const std::string& key);  // Done
  void Retried();                         // AddAfter / AddRateLimited
  // Recomputes unfinished_work_seconds and longest_running_processor_seconds.
  void UpdateUnfinishedWork();

 private:
  const Clock& clock_;
  metrics::Gauge& depth_;
  metrics::Counter& adds_;
  metrics::Histogram& queue_duration_;
  metrics::Histogram& work_duration_;
  metrics::Gauge& unfinished_work_;
  metrics::Gauge& longest_running_;
  metrics::Counter& retries_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> added_at_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> started_at_;
};

}  // namespace gpuext::kube::internal
