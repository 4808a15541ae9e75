// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small harness for benches that report ratios against a baseline measured in the same run
// (STYLE.md §20, DESIGN.md §22): latency samples, percentiles, RSS, and one JSON line per
// bench on stdout followed by a readable table.
//
//   Sample s = ...;                       // ops, wall seconds, per-op latencies
//   Report({.bench = "get", .ratio = CostRatio(measured, baseline), ...});
//   PrintTable();                         // at the end of main

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpuext::bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Rounds to `digits` significant digits, so the JSON lines stay readable.
inline double Round(double x, int digits = 4) {
  if (x == 0 || !std::isfinite(x)) {
    return x;
  }
  const double scale =
      std::pow(10.0, digits - 1 - static_cast<int>(std::floor(std::log10(std::abs(x)))));
  return std::round(x * scale) / scale;
}

// GPUEXT_BENCH_SCALE multiplies every size (default 1); other knobs read their own variable.
inline double EnvDouble(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atof(v) : fallback;
}
inline size_t Scaled(const char* name, double base) {
  const double scaled = EnvDouble(name, base * EnvDouble("GPUEXT_BENCH_SCALE", 1.0));
  return std::max<size_t>(1, static_cast<size_t>(scaled));
}

// One side of a comparison: `ops` operations in `seconds` of wall time, with optional per-op
// latencies in microseconds.
struct Sample {
  size_t ops = 0;
  double seconds = 0;
  std::vector<double> latencies_us = {};

  [[nodiscard]] double PerSecond() const { return seconds > 0 ? ops / seconds : 0; }
  // The p-quantile (0 < p ≤ 1) of the latencies in milliseconds (nearest rank).
  [[nodiscard]] double PercentileMs(double p) {
    if (latencies_us.empty()) {
      return 0;
    }
    std::sort(latencies_us.begin(), latencies_us.end());
    const auto rank = static_cast<size_t>(std::ceil(p * latencies_us.size()));
    return latencies_us[std::clamp<size_t>(rank, 1, latencies_us.size()) - 1] / 1000.0;
  }
  void Append(const Sample& other) {
    ops += other.ops;
    seconds += other.seconds;
    latencies_us.insert(latencies_us.end(), other.latencies_us.begin(), other.latencies_us.end());
  }
  [[nodiscard]] nlohmann::json ToJson() {
    nlohmann::json j = {{"ops", ops}, {"seconds", Round(seconds)}, {"per_s", Round(PerSecond())}};
    if (!latencies_us.empty()) {
      j["p50_ms"] = Round(PercentileMs(0.50));
      j["p99_ms"] = Round(PercentileMs(0.99));
    }
    return j;
  }
};

// Time per operation of `measured` over that of `baseline`: 1.0 means "costs the same".
inline double CostRatio(const Sample& measured, const Sample& baseline) {
  const double m = measured.seconds / std::max<size_t>(measured.ops, 1);
  const double b = baseline.seconds / std::max<size_t>(baseline.ops, 1);
  return b > 0 ? m / b : 0;
}

struct Result {
  std::string bench;
  double ratio = 0;
  std::string ratio_means;  // what the ratio divides by what, in a few words
  std::string headline;     // the figure the table shows, e.g. "12345 req/s, p99 1.2 ms"
  nlohmann::json measured = nlohmann::json::object();
  nlohmann::json baseline = nlohmann::json::object();
  nlohmann::json params = nlohmann::json::object();
};

// Prints `r` as one JSON line on stdout at once and keeps it for PrintTable().
void Report(const Result& r);
// Prints every reported result as a table (lines that do not start with '{').
void PrintTable();

// The resident set size of this process in bytes (VmRSS), after returning freed heap pages
// to the kernel so that the figure reflects live memory.
size_t RssBytes();

}  // namespace gpuext::bench
