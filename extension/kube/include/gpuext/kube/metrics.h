// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A minimal Prometheus registry shared by every binary (DESIGN.md §6): counters, gauges and
// fixed-bucket histograms, each a family of series keyed by label values, exposed in the text
// format 0.0.4 that Prometheus scrapes from /metrics.
//
//   auto& adds = metrics::Registry::Default().Counters(
//       "workqueue_adds_total", "Total number of adds handled by the workqueue.", {"name"});
//   adds.WithLabelValues({"shoots"}).Inc();
//   std::string body = metrics::Registry::Default().Expose();   // served by the manager
//
// Families are sorted by name and series by label values on exposition, as client_golang's
// Gather does, so the output is stable and golden-testable. Registering the same name again
// with the same type, help and label names returns the existing family (several workqueues
// share the workqueue_* families); any other reuse of a name throws.
//
// Thread safety: everything here is safe for concurrent use. References returned by
// Counters()/WithLabelValues() stay valid as long as the registry lives.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gpuext::kube::metrics {

// Label values, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

// A monotonically increasing value.
class Counter {
 public:
  // Throws Error(kInvalidArgument) when `by` is negative: counters only go up.
  void Inc(double by = 1);
  [[nodiscard]] double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  [[nodiscard]] double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implicit).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double value);

  // A consistent-enough copy for exposition: cumulative counts per bound, then +Inf.
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per upper bound, plus +Inf last
    double sum = 0;
    std::uint64_t count = 0;
  };
  [[nodiscard]] Snapshot Read() const;
  [[nodiscard]] const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  const std::vector<double> upper_bounds_;
  // One non-cumulative count per bound plus +Inf; lock-free so hot paths never contend.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// `count` bounds starting at `start`, each `factor` times the last (client_golang's
// ExponentialBuckets, including its float rounding). Throws Error(kInvalidArgument) for
// count < 1, start <= 0 or factor <= 1.
[[nodiscard]] std::vector<double> ExponentialBuckets(double start, double factor, int count);

// Prometheus' default buckets: .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10.
[[nodiscard]] std::vector<double> DefaultBuckets();

namespace internal {

// The series of one family, created on first use of a label-value set.
template <typename Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  // Throws Error(kInvalidArgument) unless there is one value per label name.
  Metric& WithLabelValues(const LabelValues& values);

  // Calls fn(values, metric) for every series, in label-value order.
  void ForEach(const std::function<void(const LabelValues&, const Metric&)>& fn) const;

  [[nodiscard]] const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;  // Guards series_ (the map, not the metrics, which are atomic).
  std::map<LabelValues, std::unique_ptr<Metric>> series_;
};

}  // namespace internal

extern template class internal::Family<Counter>;
extern template class internal::Family<Gauge>;
extern template class internal::Family<Histogram>;

using CounterVec = internal::Family<Counter>;
using GaugeVec = internal::Family<Gauge>;
using HistogramVec = internal::Family<Histogram>;

class Registry;

// Removes its collect hook from the registry when destroyed. Move-only.
class [[nodiscard]] CollectHook {
 public:
  CollectHook() = default;
  CollectHook(CollectHook&& other) noexcept;
  CollectHook& operator=(CollectHook&& other) noexcept;
  CollectHook(const CollectHook&) = delete;
  CollectHook& operator=(const CollectHook&) = delete;
  ~CollectHook();

 private:
  friend class Registry;
  CollectHook(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  void Reset();

  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process-wide registry that /metrics serves.
  static Registry& Default();

  // Registers (or returns the identical existing) family. Names must match
  // [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* without a "__" prefix, and
  // histograms may not use the label "le". Throws Error(kInvalidArgument) on a bad name or a
  // conflicting re-registration.
  CounterVec& Counters(const std::string& name, const std::string& help,
                       const std::vector<std::string>& label_names = {});
  GaugeVec& Gauges(const std::string& name, const std::string& help,
                   const std::vector<std::string>& label_names = {});
  HistogramVec& Histograms(const std::string& name, const std::string& help,
                           const std::vector<std::string>& label_names,
                           const std::vector<double>& upper_bounds = DefaultBuckets());

  // Runs `hook` at the start of every Expose(), for values computed on demand (a workqueue's
  // unfinished work). The hook runs without registry locks held and may set metrics; it must
  // stay valid until the returned handle is destroyed.
  CollectHook OnCollect(std::function<void()> hook);

  // Every family in text format 0.0.4: "# HELP", "# TYPE", then one line per sample; families
  // without series are left out, as client_golang does.
  [[nodiscard]] std::string Expose() const;

 private:
  friend class CollectHook;
  struct Entry;
  Entry& Register(const std::string& name, const std::string& help, std::string_view type,
                  const std::vector<std::string>& label_names,
                  const std::vector<double>& upper_bounds);
  void RemoveHook(std::uint64_t id);

  mutable std::mutex mutex_;  // Guards families_, hooks_ and next_hook_id_.
  std::map<std::string, std::unique_ptr<Entry>> families_;
  std::map<std::uint64_t, std::function<void()>> hooks_;
  std::uint64_t next_hook_id_ = 1;
  // Serialises Expose() so concurrent scrapes do not run hooks at once.
  mutable std::mutex expose_mutex_;
};

namespace internal {

// Formats a sample value as client_golang does (Go's strconv 'g' with shortest precision):
// "1", "0.005", "1e-08", "1.5e+06", "+Inf", "-Inf", "NaN".
[[nodiscard]] std::string FormatValue(double value);

// Escapes a label value ('\\', '"' and newline) or help text ('\\' and newline).
[[nodiscard]] std::string EscapeLabelValue(std::string_view value);
[[nodiscard]] std::string EscapeHelp(std::string_view help);

}  // namespace internal

}  // namespace gpuext::kube::metrics
