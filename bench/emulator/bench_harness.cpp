// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "bench_harness.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include <malloc.h>

namespace gpuext::bench {
namespace {

std::mutex results_mu;
std::vector<Result>& Results() {
  static std::vector<Result> results;
  return results;
}

}  // namespace

void Report(const Result& r) {
  const nlohmann::json line = {
      {"bench", r.bench},       {"ratio", Round(r.ratio)}, {"ratio_means", r.ratio_means},
      {"measured", r.measured}, {"baseline", r.baseline},  {"params", r.params}};
  std::lock_guard lock(results_mu);
  std::cout << line.dump() << std::endl;
  Results().push_back(r);
}

void PrintTable() {
  std::lock_guard lock(results_mu);
  std::printf("\n%-26s %9s  %-44s %s\n", "bench", "ratio", "ratio = measured / baseline",
              "headline");
  for (const Result& r : Results()) {
    std::printf("%-26s %9.3f  %-44s %s\n", r.bench.c_str(), r.ratio, r.ratio_means.c_str(),
                r.headline.c_str());
  }
  std::fflush(stdout);
}

size_t RssBytes() {
  malloc_trim(0);
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      size_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

}  // namespace gpuext::bench
