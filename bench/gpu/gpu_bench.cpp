// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// GPU controller bench (issue 8, DESIGN.md §22): N shoots with two GPU pools each on one seed
// (the in-process kube-emulator with Gardener's CRDs), reconciled from a cold start by the real
// gardener-extension-gpu binary as a child process.
//
//   cold_start   time from starting the binary until every Extension and ContainerRuntime is
//                Succeeded, and the binary's peak RSS. Baseline, same run, same objects: a
//                floor controller in this process that only writes each object's Succeeded
//                status (2 threads, one client each) — what any controller must at least do.
//   render       the charts one Extension plus its two ContainerRuntimes render per reconcile,
//                in-process. Baseline: parsing the rendered YAML back (what resource-manager
//                does with it anyway).
//
//   build-bench/bin/gpu_bench   # GPUEXT_GPU_BENCH_SHOOTS (1000), GPUEXT_GPU_BENCH_RENDERS (50),
//                               # GPUEXT_GPU_BENCH_TIMEOUT_S (300), GPUEXT_GPU_BENCH_QPS (20, the
//                               # binary's default --kube-api-qps; 0 = no client-side limit)
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>

#include "../../test/gpu/plan/plan_test_util.h"
#include "bench_harness.h"
#include "gpuext/emulator/server.h"
#include "gpuext/gardener/extension_reconciler.h"
#include "gpuext/gpu/chart_values.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpu/node_config.h"
#include "gpuext/gpu/shoot_charts.h"
#include "gpuext/gpu/shoot_plan.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/testing/process.h"
#include "gpuext/yaml_json.h"

namespace gpuext::bench {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const kube::Resource kBenchNamespaces{"", "v1", "namespaces", false};
constexpr const char* kBenchExtensionNs = "garden-gpu";
const std::vector<std::string> kBenchGpuPools = {"gpu-a", "gpu-b"};

std::string ShootNamespace(size_t i) { return fmt::format("shoot--bench--s{}", i); }

// What gardenlet writes for one shoot: its namespace, Cluster, Extension and one
// ContainerRuntime per GPU pool, each Extension object asking for a reconcile.
size_t CreateShoot(kube::Client& client, size_t i) {
  const std::string ns = ShootNamespace(i);
  const json reconcile = {{"gardener.cloud/operation", "reconcile"}};
  client.Create(
      kBenchNamespaces,
      {{"apiVersion", "v1"},
       {"kind", "Namespace"},
       {"metadata",
        {{"name", ns},
         {"labels",
          {{"extensions.gardener.cloud/nvidia-gpu", "true"}, {"gardener.cloud/role", "shoot"}}}}}});
  json shoot = gpu::testing::GpuShoot();
  shoot["metadata"]["name"] = fmt::format("s{}", i);
  client.Create(gardener::kClusters, {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
                                      {"kind", "Cluster"},
                                      {"metadata", {{"name", ns}}},
                                      {"spec",
                                       {{"shoot", shoot},
                                        {"cloudProfile",
                                         {{"apiVersion", "core.gardener.cloud/v1beta1"},
                                          {"kind", "CloudProfile"},
                                          {"metadata", {{"name", "aws"}}}}},
                                        {"seed",
                                         {{"apiVersion", "core.gardener.cloud/v1beta1"},
                                          {"kind", "Seed"},
                                          {"metadata", {{"name", "seed-1"}}}}}}}});
  client.Create(
      gardener::kExtensions,
      {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
       {"kind", "Extension"},
       {"metadata", {{"name", "nvidia-gpu"}, {"namespace", ns}, {"annotations", reconcile}}},
       {"spec", {{"type", "nvidia-gpu"}}}});
  for (const std::string& pool : kBenchGpuPools) {
    client.Create(
        gardener::kContainerRuntimes,
        {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
         {"kind", "ContainerRuntime"},
         {"metadata", {{"name", "nvidia-" + pool}, {"namespace", ns}, {"annotations", reconcile}}},
         {"spec",
          {{"type", "nvidia"},
           {"binaryPath", "/var/bin/containerruntimes"},
           {"workerPool",
            {{"name", pool},
             {"selector", {{"matchLabels", {{"worker.gardener.cloud/pool", pool}}}}}}}}}});
  }
  return 1 + kBenchGpuPools.size();
}

// Every (resource, namespace, name) the controllers must bring to Succeeded.
struct Target {
  const kube::Resource* resource;
  std::string ns;
  std::string name;
};

std::vector<Target> Targets(size_t shoots) {
  std::vector<Target> out;
  for (size_t i = 0; i < shoots; ++i) {
    out.push_back({&gardener::kExtensions, ShootNamespace(i), "nvidia-gpu"});
    for (const std::string& pool : kBenchGpuPools) {
      out.push_back({&gardener::kContainerRuntimes, ShootNamespace(i), "nvidia-" + pool});
    }
  }
  return out;
}

void PatchLastOperation(kube::Client& client, const Target& t, const json& last_operation) {
  client.Patch(*t.resource, {t.ns, t.name}, kube::PatchType::kMerge,
               {{"status", {{"lastOperation", last_operation}}}}, kube::Subresource::kStatus);
}

// The floor: 2 threads writing each object's Succeeded status, nothing else.
Sample FloorController(const std::vector<Target>& targets, const kube::RestConfig& kubeconfig) {
  const auto start = Clock::now();
  std::vector<std::jthread> workers;
  for (size_t w = 0; w < 2; ++w) {
    workers.emplace_back([&, w] {
      kube::HttpClient client(kubeconfig);
      for (size_t i = w; i < targets.size(); i += 2) {
        PatchLastOperation(client, targets[i],
                           {{"type", "Create"},
                            {"state", "Succeeded"},
                            {"progress", 100},
                            {"description", "written by the floor controller"},
                            {"lastUpdateTime", "2026-01-01T00:00:00Z"}});
      }
    });
  }
  workers.clear();
  return {.ops = targets.size(), .seconds = Seconds(Clock::now() - start)};
}

size_t CountSucceeded(kube::Client& client, size_t* errors) {
  size_t succeeded = 0;
  for (const kube::Resource* resource : {&gardener::kExtensions, &gardener::kContainerRuntimes}) {
    const json list = client.List(*resource, {});
    for (const json& item : list["items"]) {
      const std::string state =
          item.value("/status/lastOperation/state"_json_pointer, std::string());
      succeeded += state == "Succeeded" ? 1 : 0;
      *errors += state == "Error" || state == "Failed" ? 1 : 0;
    }
  }
  return succeeded;
}

// VmHWM (peak) and VmRSS of a process, in bytes.
std::pair<size_t, size_t> ProcessMemory(int pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  size_t peak = 0;
  size_t rss = 0;
  while (std::getline(status, line)) {
    size_t kib = 0;
    if (std::sscanf(line.c_str(), "VmHWM: %zu kB", &kib) == 1) {
      peak = kib * 1024;
    } else if (std::sscanf(line.c_str(), "VmRSS: %zu kB", &kib) == 1) {
      rss = kib * 1024;
    }
  }
  return {peak, rss};
}

// The controller's requests to the seed so far: the sum of its rest_client_requests_total.
double SeedRequests(int metrics_port) {
  httplib::Client metrics("127.0.0.1", metrics_port);
  const auto answer = metrics.Get("/metrics");
  double total = 0;
  if (!answer || answer->status != 200) {
    return total;
  }
  std::istringstream lines(answer->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("rest_client_requests_total{", 0) == 0) {
      total += std::atof(line.substr(line.rfind(' ') + 1).c_str());
    }
  }
  return total;
}

std::string ReadFileText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int ColdStart() {
  const size_t shoots = Scaled("GPUEXT_GPU_BENCH_SHOOTS", 1000);
  const auto timeout = std::chrono::seconds(Scaled("GPUEXT_GPU_BENCH_TIMEOUT_S", 300));
  const std::filesystem::path binary =
      std::filesystem::path(GPUEXT_BINARY_DIR) / "bin/gardener-extension-gpu";
  testing::TempDir dir;

  emulator::Server seed(emulator::ServerOptions{.listen = "127.0.0.1:0"},
                        Logger::Root().WithName("emulator"));
  seed.Load(std::filesystem::path(GPUEXT_SOURCE_DIR) / ".." / "shared" / "fixtures" /
            "gardener-crds");
  seed.Start();
  const std::filesystem::path kubeconfig_path = dir.path() / "kubeconfig";
  seed.WriteKubeconfig(kubeconfig_path);
  const kube::RestConfig kubeconfig = kube::ParseKubeconfig(seed.Kubeconfig(), kubeconfig_path);
  kube::HttpClient client(kubeconfig);
  client.Create(
      kBenchNamespaces,
      {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kBenchExtensionNs}}}});

  const auto setup_start = Clock::now();
  size_t created = 0;
  for (size_t i = 0; i < shoots; ++i) {
    created += CreateShoot(client, i);
  }
  const double setup_seconds = Seconds(Clock::now() - setup_start);
  const std::vector<Target> targets = Targets(shoots);

  Sample floor = FloorController(targets, kubeconfig);
  for (const Target& t : targets) {  // back to "never reconciled" for the real run
    PatchLastOperation(client, t, nullptr);
  }

  json component = gpuruntime::api::ToJson(gpu::testing::Component());
  component["driver"]["requirePinnedSources"] = false;
  const std::filesystem::path config = dir.path() / "config.yaml";
  std::ofstream(config) << component.dump(2);

  // GPUEXT_GPU_BENCH_LOG keeps the controller's log (info level) for a closer look.
  const char* keep_log = std::getenv("GPUEXT_GPU_BENCH_LOG");
  const std::filesystem::path log_file =
      keep_log != nullptr ? std::filesystem::path(keep_log) : dir.path() / "controller.log";
  const std::string log_level = keep_log != nullptr ? "info" : "error";
  const int metrics_port = testing::FreeLoopbackPort();
  const auto start = Clock::now();
  testing::BackgroundProcess controller(
      {binary.string(), "--config=" + config.string(), "--kubeconfig=" + kubeconfig_path.string(),
       "--leader-election=false", fmt::format("--heartbeat-namespace={}", kBenchExtensionNs),
       "--metrics-bind-address=127.0.0.1:" + std::to_string(metrics_port),
       "--health-bind-address=127.0.0.1:" + std::to_string(testing::FreeLoopbackPort()),
       "--disable-controllers=healthcheck", "--disable-webhooks=osc", "--log-format=text",
       "--kube-api-qps=" + std::to_string(static_cast<int>(EnvDouble("GPUEXT_GPU_BENCH_QPS", 20))),
       "--log-level=" + log_level},
      {}, log_file);
  size_t succeeded = 0;
  size_t errors = 0;
  while (succeeded < targets.size() && Clock::now() - start < timeout && controller.Running()) {
    std::this_thread::sleep_for(250ms);
    errors = 0;
    succeeded = CountSucceeded(client, &errors);
  }
  const double seconds = Seconds(Clock::now() - start);
  const auto [peak_rss, rss] = ProcessMemory(controller.pid());
  const double requests = SeedRequests(metrics_port);
  const bool running = controller.Running();
  controller.Stop(SIGTERM, 15s);
  seed.Stop();
  if (succeeded < targets.size()) {
    fmt::print(stderr, "gpu_bench: {} of {} objects Succeeded ({} in error) after {:.1f} s{}\n{}\n",
               succeeded, targets.size(), errors, seconds, running ? "" : "; the binary exited",
               ReadFileText(log_file));
    return 1;
  }

  const Sample measured{.ops = targets.size(), .seconds = seconds};
  const double peak_mb = static_cast<double>(peak_rss) / (1 << 20);
  Report({.bench = "gpu_controller_cold_start",
          .ratio = CostRatio(measured, floor),
          .ratio_means = "controller time / status-only floor, same objects",
          .headline = fmt::format("{} shoots: all {} objects Succeeded in {:.1f} s (goal < 30 s), "
                                  "peak RSS {:.0f} MB (goal < 150 MB)",
                                  shoots, targets.size(), seconds, peak_mb),
          .measured = {{"seconds", Round(seconds)},
                       {"objects", targets.size()},
                       {"peak_rss_mb", Round(peak_mb)},
                       {"seed_requests", requests},
                       {"seed_requests_per_object", Round(requests / targets.size())},
                       {"rss_mb", Round(static_cast<double>(rss) / (1 << 20))}},
          .baseline = floor.ToJson(),
          .params = {{"shoots", shoots},
                     {"gpu_pools_per_shoot", kBenchGpuPools.size()},
                     {"setup_objects", created},
                     {"setup_seconds", Round(setup_seconds)}}});
  return 0;
}

// The charts one reconcile of an Extension and its ContainerRuntimes renders.
std::vector<std::string> RenderReconcile(
    const gpu::ShootCharts& charts, const gpu::ShootPlan& plan,
    const gpuruntime::api::ControllerConfiguration& component) {
  const std::string& kube = plan.kubernetes_version;
  const std::string ops_ns(gpu::kOperatorNamespace);
  const std::string agent_ns(gpu::kAgentNamespace);
  std::vector<std::string> out;
  out.push_back(charts.Render(gpu::kNfdChart, gpu::NfdChartValues(plan), ops_ns, kube).objects);
  out.push_back(
      charts.Render(gpu::kOperatorChart, gpu::OperatorChartValues(plan), ops_ns, kube).objects);
  out.push_back(
      charts.Render(gpu::kSharedChart, gpu::SharedChartValues(plan), agent_ns, kube).objects);
  out.push_back(charts
                    .Render(gpu::kDriverCacheChart,
                            gpu::DriverCacheChartValues(plan, component, "shoot--bench--s0"),
                            std::string(gpu::kCacheNamespace), kube)
                    .objects);
  for (const gpuruntime::api::ResolvedPool& pool : plan.pools) {
    const auto agent = gpu::BuildAgentConfiguration(pool, plan, {});
    out.push_back(charts
                      .Render(gpu::kNodeAgentChart,
                              gpu::AgentPoolChartValues(component.images.node_agent, pool.name,
                                                        {{"worker.gardener.cloud/pool", pool.name}},
                                                        agent, plan.cache),
                              agent_ns, kube)
                      .objects);
  }
  return out;
}

int Render() {
  const size_t renders = Scaled("GPUEXT_GPU_BENCH_RENDERS", 50);
  const gpuruntime::api::ControllerConfiguration component = gpu::testing::Component();
  const gpu::ShootPlan plan =
      gpu::PlanShoot(gpu::testing::ClusterFor(gpu::testing::GpuShoot()), component);
  const gpu::ShootCharts& charts = gpu::ShootCharts::Embedded();

  Sample render;
  std::vector<std::string> output;
  for (size_t i = 0; i < renders; ++i) {
    const auto t0 = Clock::now();
    output = RenderReconcile(charts, plan, component);
    const auto elapsed = Clock::now() - t0;
    render.ops += 1;
    render.seconds += Seconds(elapsed);
    render.latencies_us.push_back(Seconds(elapsed) * 1e6);
  }
  size_t bytes = 0;
  size_t documents = 0;
  Sample parse;
  for (size_t i = 0; i < renders; ++i) {
    const auto t0 = Clock::now();
    documents = 0;
    for (const std::string& text : output) {
      documents += ParseYamlDocuments(text).size();
    }
    parse.ops += 1;
    parse.seconds += Seconds(Clock::now() - t0);
  }
  for (const std::string& text : output) {
    bytes += text.size();
  }
  Report({.bench = "gpu_reconcile_render",
          .ratio = CostRatio(render, parse),
          .ratio_means = "rendering the charts / parsing their output",
          .headline = fmt::format("{:.1f} ms per reconcile (p99 {:.1f} ms) for {} objects, {} KiB",
                                  render.seconds / render.ops * 1000, render.PercentileMs(0.99),
                                  documents, bytes / 1024),
          .measured = render.ToJson(),
          .baseline = parse.ToJson(),
          .params = {{"charts", output.size()}, {"objects", documents}, {"bytes", bytes}}});
  return 0;
}

}  // namespace
}  // namespace gpuext::bench

int main() {
  gpuext::Logger::Configure(gpuext::LogFormat::kText, gpuext::LogLevel::kError);
  int status = gpuext::bench::Render();
  status |= gpuext::bench::ColdStart();
  gpuext::bench::PrintTable();
  return status;
}
