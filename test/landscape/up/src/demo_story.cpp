// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "gpuext/landscape/demo_story.h"

#include <thread>

#include <fmt/format.h>

#include "demo_story_impl.h"
#include "gpuext/error.h"
#include "gpuext/kube/kubeconfig.h"

namespace gpuext::landscape {

bool StoryReport::ok() const {
  if (phases.empty()) {
    return false;
  }
  for (const StoryPhase& p : phases) {
    if (!p.ok) {
      return false;
    }
  }
  return true;
}

DemoStory::Impl::Impl(StoryOptions o, std::ostream& o_out) : options(std::move(o)), out(o_out) {
  const kube::HttpClientOptions client{.qps = 0, .component = "demo-story"};
  garden =
      std::make_unique<kube::HttpClient>(kube::LoadKubeconfig({options.garden_kubeconfig}), client);
  shoot =
      std::make_unique<kube::HttpClient>(kube::LoadKubeconfig({options.shoot_kubeconfig}), client);
}

std::string DemoStory::Impl::Bold(const std::string& text) const {
  return options.colour ? "\033[1m" + text + "\033[0m" : text;
}

void DemoStory::Impl::Say(const std::string& line) const {
  out << "\n" << Bold("==> " + line) << "\n" << std::flush;
}

void DemoStory::Impl::Detail(const std::string& line) const {
  out << "    " << line << "\n" << std::flush;
}

bool DemoStory::Impl::Phase(const std::string& name, const StoryStep& step) {
  Say(name);
  const auto start = std::chrono::steady_clock::now();
  StoryPhase phase{.name = name};
  try {
    phase.detail = step();
    phase.ok = true;
  } catch (const std::exception& e) {
    phase.detail = e.what();
    out << (options.colour ? "\033[31m" : "") << "    FAILED: " << e.what()
        << (options.colour ? "\033[0m" : "") << "\n";
  }
  phase.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.phases.push_back(phase);
  return phase.ok;
}

std::string DemoStory::Impl::WaitUntil(
    const std::function<std::optional<std::string>(std::string& progress)>& check) {
  const auto deadline = std::chrono::steady_clock::now() + options.phase_timeout;
  std::string last_printed;
  std::string progress;
  while (true) {
    std::optional<std::string> done;
    try {
      done = check(progress);
    } catch (const std::exception& e) {
      progress = std::string("(") + e.what() + ")";
    }
    if (!progress.empty() && progress != last_printed) {
      Detail(progress);
      last_printed = progress;
    }
    if (done.has_value()) {
      return *done;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error(ErrorCode::kTimeout, fmt::format("not reached within {} s; last seen: {}",
                                                   options.phase_timeout.count(),
                                                   progress.empty() ? "nothing" : progress));
    }
    std::this_thread::sleep_for(options.poll_interval);
  }
}

void DemoStory::Impl::PrintSummary() const {
  Say("Summary");
  out << fmt::format("    {:<44} {:>8}  {}\n", "PHASE", "SECONDS", "RESULT");
  for (const StoryPhase& p : report.phases) {
    out << fmt::format("    {:<44} {:>8.1f}  {}\n", p.name, p.seconds, p.ok ? "ok" : "FAILED");
  }
  out << "\n";
  out << fmt::format("    GPU nodes ready: {}/{}\n", report.gpu_nodes_ready, report.gpu_nodes);
  out << "    builds (builder Jobs) per artifact key:\n";
  if (report.builds_per_key.empty()) {
    out << "      none\n";
  }
  for (const auto& [key, count] : report.builds_per_key) {
    out << fmt::format("      {:<56} {}\n", key, count);
  }
  out << std::flush;
}

DemoStory::DemoStory(StoryOptions options, std::ostream& out)
    : impl_(std::make_unique<Impl>(std::move(options), out)) {}

DemoStory::~DemoStory() = default;

StoryReport DemoStory::Run() {
  Impl& d = *impl_;
  const std::vector<std::pair<std::string, std::string (Impl::*)()>> phases = {
      {"Apply the Shoot with the GPU checkbox (garden admission webhook)", &Impl::ApplyShoot},
      {"gardenlet: Extension and ContainerRuntime reach Succeeded", &Impl::WaitShootReconciled},
      {"ManagedResources applied into the shoot", &Impl::WaitManagedResources},
      {"First build: one builder Job per kernel", &Impl::WaitFirstBuild},
      {"Driver ready on every GPU node", &Impl::WaitDriversReady},
      {"A pod requesting nvidia.com/gpu: 1 is scheduled", &Impl::ScheduleGpuPod},
      {"Disable GPU on the pool: clean-up", &Impl::DisableGpu},
  };
  for (const auto& [name, step] : phases) {
    if (d.options.skip_cleanup && step == &Impl::DisableGpu) {
      break;
    }
    if (!d.Phase(name, [&d, step = step] { return (d.*step)(); })) {
      break;
    }
    if (d.options.after_phase) {
      d.options.after_phase(name);
    }
  }
  d.PrintSummary();
  return d.report;
}

}  // namespace gpuext::landscape
