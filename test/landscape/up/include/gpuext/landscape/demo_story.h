// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The demo's story (issue "make demo"): what a user does and sees, phase by phase, told
// against a running landscape through its API servers only (the garden/seed and the shoot),
// with the real kubectl for the user's own commands. `make demo` prints it; the e2e test runs
// it and asserts the report.
//
//   DemoStory story({.garden_kubeconfig = ..., .shoot_kubeconfig = ..., .kubectl = ...},
//   std::cout); const StoryReport report = story.Run(); report.ok();   // every phase reached

#include <chrono>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gpuext::landscape {

struct StoryOptions {
  std::filesystem::path garden_kubeconfig;
  std::filesystem::path shoot_kubeconfig;
  std::filesystem::path kubectl;
  std::filesystem::path shoot_file;  // example/shoot.yaml
  // Limit per phase; a build on 2 cores takes about a minute.
  std::chrono::seconds phase_timeout = std::chrono::minutes(6);
  std::chrono::milliseconds poll_interval = std::chrono::milliseconds(500);
  bool colour = false;
  // Ends after the GPU pod phase, leaving GPU enabled (an interactive demo to explore).
  bool skip_cleanup = false;
  // Called after each phase that succeeded, with its name (tests look at the landscape
  // between phases, e.g. collect credentials before the clean-up removes them).
  std::function<void(const std::string& phase)> after_phase = {};
};

struct StoryPhase {
  std::string name;
  bool ok = false;
  double seconds = 0;
  std::string detail = {};  // what was seen, or why the phase failed
};

struct StoryReport {
  std::vector<StoryPhase> phases;
  // Builder Jobs the driver cache started, by artifact key (one per kernel expected).
  std::map<std::string, int> builds_per_key;
  int gpu_nodes = 0;
  int gpu_nodes_ready = 0;
  std::string seed_namespace = {};

  [[nodiscard]] bool ok() const;
};

class DemoStory {
 public:
  DemoStory(StoryOptions options, std::ostream& out);
  ~DemoStory();
  DemoStory(const DemoStory&) = delete;
  DemoStory& operator=(const DemoStory&) = delete;

  // Runs the phases in order and stops at the first failed one. Prints progress as it goes
  // and a summary table at the end.
  StoryReport Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpuext::landscape
