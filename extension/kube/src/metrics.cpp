// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The metric types and the text formatting of values; the registry and exposition live in
// metrics_registry.cpp.
#include "gpuext/kube/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <system_error>

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::kube::metrics {

void Counter::Inc(double by) {
  if (by < 0) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("counter cannot decrease (by {})", by));
  }
  value_.fetch_add(by, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {
  if (!std::is_sorted(upper_bounds_.begin(), upper_bounds_.end()) ||
      std::adjacent_find(upper_bounds_.begin(), upper_bounds_.end()) != upper_bounds_.end()) {
    throw Error(ErrorCode::kInvalidArgument, "histogram buckets must be strictly increasing");
  }
}

void Histogram::Observe(double value) {
  // The first bound >= value: Prometheus buckets are "less than or equal" (le).
  const auto it = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  counts_[static_cast<std::size_t>(it - upper_bounds_.begin())].fetch_add(
      1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.cumulative.reserve(upper_bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  if (count < 1 || start <= 0 || factor <= 1) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("exponential buckets need count >= 1, start > 0, factor > 1 (got "
                            "{}, {}, {})",
                            count, start, factor));
  }
  std::vector<double> buckets;
  buckets.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    buckets.push_back(start);
    start *= factor;  // repeated multiplication, so bounds match client_golang's bit for bit
  }
  return buckets;
}

std::vector<double> DefaultBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

namespace internal {

template <typename Metric>
Metric& Family<Metric>::WithLabelValues(const LabelValues& values) {
  if (values.size() != label_names_.size()) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("expected {} label values, got {}",
                                                         label_names_.size(), values.size()));
  }
  std::lock_guard lock(mutex_);
  auto& slot = series_[values];
  if (slot == nullptr) {
    slot = make_();
  }
  return *slot;
}

template <typename Metric>
void Family<Metric>::ForEach(
    const std::function<void(const LabelValues&, const Metric&)>& fn) const {
  std::lock_guard lock(mutex_);
  for (const auto& [values, metric] : series_) {
    fn(values, *metric);
  }
}

namespace {

// Shortest round-trip digits, like Go's strconv with precision -1.
std::string ToChars(double value, std::chars_format format) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, format);
  if (ec != std::errc()) {
    return fmt::format("{}", value);  // cannot happen with 64 bytes; keep a sane fallback
  }
  return std::string(buf, end);
}

}  // namespace

std::string FormatValue(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  if (value == 0) {
    return "0";  // also turns -0 into 0, as Go's writer does
  }
  // Go's 'g' with shortest precision switches to %e when the decimal exponent is < -4 or >= 6
  // (so 100000 stays "100000" but 1e6 becomes "1e+06"); mirror that rule exactly.
  const std::string scientific = ToChars(value, std::chars_format::scientific);
  const int exponent = std::atoi(scientific.c_str() + scientific.find('e') + 1);
  if (exponent < -4 || exponent >= 6) {
    return scientific;
  }
  return ToChars(value, std::chars_format::fixed);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

}  // namespace internal
}  // namespace gpuext::kube::metrics
