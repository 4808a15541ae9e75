// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Helm renderer bench (issue 6, DESIGN.md §22): one generated chart (50 templates, about 2000
// lines of output) rendered by the real `helm template` (baseline) and by us, in the same
// run on the same input: through the gpuext-helm CLI (process spawn included, as for helm)
// and in-process (LoadChart + Render + FormatManifests, no spawn). The outputs must be
// byte-identical; the bench fails otherwise.
//
//   build-bench/bin/helm_bench   # GPUEXT_HELM_BENCH_RUNS (10 spawns each), _RENDERS (200),
//                                # _DIR (keep the chart in <dir>/bench)
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_chart.h"
#include "bench_harness.h"
#include "gpuext/helm/renderer.h"

namespace gpuext::bench {
namespace {

extern "C" char** environ;

struct Run {
  int exit_code = -1;
  std::string stdout_text;
};

// Runs argv (no shell) with stdout captured and stderr passed through.
Run RunProcess(const std::vector<std::string>& argv) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    return {};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  Run r;
  char buf[65536];
  for (ssize_t n; (n = read(pipefd[0], buf, sizeof(buf))) > 0;) {
    r.stdout_text.append(buf, static_cast<size_t>(n));
  }
  close(pipefd[0]);
  int status = 0;
  if (rc == 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  }
  return r;
}

constexpr int kServices = 10;  // 5 templates each

std::vector<std::string> Argv(const std::string& bin, const std::string& chart) {
  return {bin, "template", "bench", chart, "-n", "bench", "--kube-version", "1.35.0"};
}

// Runs argv `runs` times; returns the timing and the last stdout.
Sample Spawn(const std::vector<std::string>& argv, size_t runs, std::string* out) {
  Sample s;
  for (size_t i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    const auto r = RunProcess(argv);
    const double us = Seconds(Clock::now() - start) * 1e6;
    if (r.exit_code != 0) {
      fmt::print(stderr, "{} failed\n", argv[0]);
      std::exit(1);
    }
    s.latencies_us.push_back(us);
    s.seconds += us / 1e6;
    ++s.ops;
    *out = r.stdout_text;
  }
  return s;
}

int Main() {
  // GPUEXT_HELM_BENCH_DIR keeps the chart there (<dir>/bench) for running helm by hand.
  const char* keep = std::getenv("GPUEXT_HELM_BENCH_DIR");
  std::string tmp = keep != nullptr && *keep != '\0'
                        ? std::string(keep)
                        : (std::filesystem::temp_directory_path() / "helm-bench-XXXXXX").string();
  if (keep == nullptr && mkdtemp(tmp.data()) == nullptr) {
    return 1;
  }
  const std::string chart = tmp + "/bench";
  WriteBenchChart(chart, kServices);
  const size_t runs = Scaled("GPUEXT_HELM_BENCH_RUNS", 10);
  const size_t renders = Scaled("GPUEXT_HELM_BENCH_RENDERS", 200);

  std::string helm_out;
  std::string cli_out;
  Spawn(Argv(GPUEXT_HELM_BIN, chart), 1, &helm_out);  // warm the page cache for both
  Spawn(Argv(GPUEXT_HELM_CLI, chart), 1, &cli_out);
  Sample helm = Spawn(Argv(GPUEXT_HELM_BIN, chart), runs, &helm_out);
  Sample cli = Spawn(Argv(GPUEXT_HELM_CLI, chart), runs, &cli_out);

  Sample inproc;
  std::string lib_out;
  const helm::ReleaseOptions options{.name = "bench", .ns = "bench", .kube_version = "1.35.0"};
  for (size_t i = 0; i < renders; ++i) {
    const auto start = Clock::now();
    lib_out = helm::FormatManifests(
        helm::Render(helm::ChartFS::FromDirectory(chart), nlohmann::json::object(), options));
    const double us = Seconds(Clock::now() - start) * 1e6;
    inproc.latencies_us.push_back(us);
    inproc.seconds += us / 1e6;
    ++inproc.ops;
  }

  const bool identical = helm_out == cli_out && helm_out == lib_out;
  const size_t lines = static_cast<size_t>(std::count(helm_out.begin(), helm_out.end(), '\n'));
  const nlohmann::json params = {
      {"templates", kServices * 5}, {"output_lines", lines}, {"identical_output", identical}};
  const double spawn_ratio = CostRatio(cli, helm);
  const double lib_ratio = CostRatio(inproc, helm);
  Report({.bench = "helm_template_spawn",
          .ratio = Round(spawn_ratio),
          .ratio_means = "gpuext-helm process time / helm template process time",
          .headline =
              fmt::format("{:.1f}x faster ({:.2f} ms vs {:.1f} ms), identical={}", 1 / spawn_ratio,
                          cli.PercentileMs(0.5), helm.PercentileMs(0.5), identical),
          .measured = cli.ToJson(),
          .baseline = helm.ToJson(),
          .params = params});
  Report({.bench = "helm_render_inprocess",
          .ratio = Round(lib_ratio),
          .ratio_means = "in-process Render time / helm template process time",
          .headline =
              fmt::format("{:.1f}x faster ({:.2f} ms vs {:.1f} ms), identical={}", 1 / lib_ratio,
                          inproc.PercentileMs(0.5), helm.PercentileMs(0.5), identical),
          .measured = inproc.ToJson(),
          .baseline = helm.ToJson(),
          .params = params});
  PrintTable();
  if (keep == nullptr) {
    std::filesystem::remove_all(tmp);
  }
  if (!identical) {
    fmt::print(stderr, "output differs from helm template\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace gpuext::bench

int main() { return gpuext::bench::Main(); }
