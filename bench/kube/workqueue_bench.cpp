// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Workqueue throughput with 8 workers (DESIGN.md §22), measured with Google Benchmark against
// a baseline in the same run: a plain mutex + deque + condition variable queue, which does no
// dedup, no per-key exclusion, no delay thread and no metrics. Two workloads:
//   unique: every add is a distinct key (the cost of the bookkeeping);
//   hot:    adds cycle over 64 keys (dedup and dirty re-adds at work).
// Each benchmark iteration pushes all adds through the queue and waits until the workers
// have drained it. The ratio is WorkQueue time per add over baseline time per add.
//
//   build-bench/bin/workqueue_bench     # Google Benchmark table, then one JSON line per
//                                       # workload and a ratio table
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench_harness.h"
#include "gpuext/kube/workqueue.h"

namespace gpuext::bench {
namespace {

constexpr int kWorkers = 8;
constexpr int kHotKeys = 64;

// The baseline: what a hand-rolled queue costs. Safe for concurrent use.
class MutexDequeQueue {
 public:
  void Add(const std::string& key) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(key);
    }
    cv_.notify_one();
  }
  std::optional<std::string> Get() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !queue_.empty() || shut_down_; });
    if (queue_.empty()) {
      return std::nullopt;
    }
    std::string key = std::move(queue_.front());
    queue_.pop_front();
    return key;
  }
  void Done(const std::string& /*key*/) {}
  void ShutDown() {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;  // Guards queue_ and shut_down_.
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool shut_down_ = false;
};

std::vector<std::string> Keys(std::size_t adds, bool hot) {
  std::vector<std::string> keys;
  keys.reserve(adds);
  for (std::size_t i = 0; i < adds; ++i) {
    keys.push_back(fmt::format("garden-dev/shoot-{}", hot ? i % kHotKeys : i));
  }
  return keys;
}

std::size_t Adds() { return Scaled("GPUEXT_BENCH_WORKQUEUE_ADDS", 100000); }

// Adds every key from one producer while 8 workers Get/Done, then shuts down and joins.
template <typename Queue>
void Drive(Queue& queue, const std::vector<std::string>& keys) {
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.Get()) {
        benchmark::DoNotOptimize(key->data());
        queue.Done(*key);
      }
    });
  }
  for (const auto& key : keys) {
    queue.Add(key);
  }
  queue.ShutDown();  // workers drain what is queued (or dirty), then return
}

void BM_WorkQueue(benchmark::State& state) {
  const auto keys = Keys(Adds(), state.range(0) != 0);
  for (auto _ : state) {
    kube::WorkQueue queue({.name = "bench"});
    Drive(queue, keys);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * keys.size()));
}

void BM_MutexDeque(benchmark::State& state) {
  const auto keys = Keys(Adds(), state.range(0) != 0);
  for (auto _ : state) {
    MutexDequeQueue queue;
    Drive(queue, keys);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * keys.size()));
}

BENCHMARK(BM_WorkQueue)
    ->ArgName("hot")
    ->Arg(0)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MutexDeque)
    ->ArgName("hot")
    ->Arg(0)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Prints Google Benchmark's table and keeps each run's real time per iteration.
class CapturingReporter final : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && !run.error_occurred) {
        Sample& s = samples_[run.benchmark_name()];
        s.ops += static_cast<std::size_t>(run.iterations) * Adds();
        s.seconds += run.real_accumulated_time;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  [[nodiscard]] const std::map<std::string, Sample>& samples() const { return samples_; }

 private:
  std::map<std::string, Sample> samples_;
};

void ReportRatios(const std::map<std::string, Sample>& samples) {
  for (const char* workload : {"0", "1"}) {
    const auto measured = samples.find(fmt::format("BM_WorkQueue/hot:{}/real_time", workload));
    const auto baseline = samples.find(fmt::format("BM_MutexDeque/hot:{}/real_time", workload));
    if (measured == samples.end() || baseline == samples.end()) {
      continue;  // filtered out with --benchmark_filter
    }
    Sample m = measured->second;
    Sample b = baseline->second;
    const std::string name =
        std::string("workqueue_8_workers_") + (workload[0] == '1' ? "hot" : "unique");
    Report({.bench = name,
            .ratio = CostRatio(m, b),
            .ratio_means = "WorkQueue / mutex+deque, time per add",
            .headline = fmt::format("{:.0f} adds/s vs {:.0f} adds/s baseline", m.PerSecond(),
                                    b.PerSecond()),
            .measured = m.ToJson(),
            .baseline = b.ToJson(),
            .params = {{"workers", kWorkers},
                       {"adds", Adds()},
                       {"distinct_keys", workload[0] == '1' ? kHotKeys : Adds()}}});
  }
}

}  // namespace
}  // namespace gpuext::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  gpuext::bench::CapturingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  gpuext::bench::ReportRatios(reporter.samples());
  gpuext::bench::PrintTable();
  return 0;
}
