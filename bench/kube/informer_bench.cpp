// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Informer initial list + watch of 10k objects from the kube-emulator over TLS (DESIGN.md
// §22): time to HasSynced and the RSS the cached objects add, then the watch throughput.
// Baselines measured in the same run: a plain paginated List of the same objects through the
// same HttpClient (sync ratio), and a raw watch stream reading the same changes (watch ratio).
//
//   build-bench/bin/informer_bench      # GPUEXT_BENCH_SCALE / GPUEXT_INFORMER_OBJECTS resize
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>

#include "bench_harness.h"
#include "gpuext/emulator/server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/informer.h"
#include "gpuext/kube/kubeconfig.h"

namespace gpuext::bench {
namespace {

using nlohmann::json;
const kube::Resource kConfigMaps{"", "v1", "configmaps"};
constexpr const char* kNs = "informer-bench";

json ConfigMap(size_t i) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"namespace", kNs},
            {"name", fmt::format("cm-{:06}", i)},
            {"labels", {{"app", "bench"}, {"shard", std::to_string(i % 16)}}}}},
          {"data", {{"payload", std::string(256, 'x')}}}};
}

// Writes the namespace and `n` ConfigMaps as one JSON List file for Server::Load (faster
// than n creates over HTTP).
std::filesystem::path WriteFixtures(size_t n) {
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("informer-bench-{}", static_cast<long>(::getpid()));
  std::filesystem::create_directories(dir);
  json items = json::array();
  items.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kNs}}}});
  for (size_t i = 0; i < n; ++i) {
    items.push_back(ConfigMap(i));
  }
  std::ofstream(dir / "objects.json")
      << json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}}.dump();
  return dir;
}

int Main() {
  const size_t objects = Scaled("GPUEXT_INFORMER_OBJECTS", 10000);
  const size_t changes = std::max<size_t>(1, objects / 10);
  const auto fixtures = WriteFixtures(objects);
  emulator::Server server({.listen = "127.0.0.1:0"}, Logger::Root().WithName("emulator"));
  server.Load(fixtures);
  std::filesystem::remove_all(fixtures);
  server.Start();
  kube::HttpClient http(kube::ParseKubeconfig(server.Kubeconfig(), "emulator"),
                        {.qps = 0, .component = "informer-bench"});

  // Baseline: the paginated List alone.
  const auto list_start = Clock::now();
  const json list = http.List(kConfigMaps, {.ns = kNs, .limit = 500});
  Sample list_sample{.ops = list["items"].size(), .seconds = Seconds(Clock::now() - list_start)};

  // Measured: an informer from nothing to HasSynced, and what its cache costs in memory.
  const size_t rss_before = RssBytes();
  std::mutex mu;
  std::condition_variable cv;
  size_t seen = 0;  // guarded by mu
  kube::Informer informer(http, kConfigMaps, {.ns = kNs});
  informer.AddEventHandler({.on_add = [&](const kube::ObjectPtr&, bool) {},
                            .on_update =
                                [&](const kube::ObjectPtr&, const kube::ObjectPtr&) {
                                  std::lock_guard lock(mu);
                                  ++seen;
                                  cv.notify_all();
                                },
                            .on_delete = {}});
  const auto sync_start = Clock::now();
  informer.Start();
  if (!informer.WaitForSync({}, std::chrono::minutes(5))) {
    fmt::print(stderr, "informer did not sync\n");
    return 1;
  }
  Sample sync_sample{.ops = informer.store().size(), .seconds = Seconds(Clock::now() - sync_start)};
  const size_t rss_after = RssBytes();
  Report({.bench = "informer_initial_list",
          .ratio = CostRatio(sync_sample, list_sample),
          .ratio_means = "informer time to HasSynced / plain paginated List time",
          .headline = fmt::format("{} objects synced in {:.3f} s, +{:.1f} MiB RSS", objects,
                                  sync_sample.seconds, (rss_after - rss_before) / 1048576.0),
          .measured = {{"sync", sync_sample.ToJson()},
                       {"rss_added_bytes", rss_after - rss_before},
                       {"rss_per_object_bytes",
                        (rss_after - rss_before) / std::max<size_t>(objects, 1)}},
          .baseline = {{"list", list_sample.ToJson()}},
          .params = {{"objects", objects}, {"payload_bytes", 256}}});

  // Watch: `changes` merge patches; the informer's time to hear them all against a raw watch
  // stream reading the same events, both started before the writes.
  std::stop_source raw_stop;
  auto raw =
      http.Watch(kConfigMaps, {.ns = kNs, .resource_version = informer.LastSyncResourceVersion()},
                 raw_stop.get_token());
  std::atomic<size_t> raw_seen{0};
  Clock::time_point raw_done;
  std::thread raw_reader([&] {
    while (auto event = raw->Next()) {
      if (event->type == kube::WatchEvent::Type::kModified && ++raw_seen == changes) {
        raw_done = Clock::now();
        return;
      }
    }
  });
  const auto watch_start = Clock::now();
  for (size_t i = 0; i < changes; ++i) {
    http.Patch(kConfigMaps, {kNs, fmt::format("cm-{:06}", i % objects)}, kube::PatchType::kMerge,
               {{"data", {{"n", std::to_string(i)}}}});
  }
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::minutes(5), [&] { return seen >= changes; });
  }
  Sample watch_sample{.ops = changes, .seconds = Seconds(Clock::now() - watch_start)};
  for (int i = 0; i < 600 && raw_seen < changes; ++i) {  // up to a minute for the raw reader
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  raw_stop.request_stop();
  raw_reader.join();
  Sample raw_sample{.ops = changes,
                    .seconds = raw_seen >= changes ? Seconds(raw_done - watch_start) : 0.0};
  Report({.bench = "informer_watch",
          .ratio = CostRatio(watch_sample, raw_sample),
          .ratio_means = "informer time to deliver N updates / raw watch stream time",
          .headline = fmt::format("{:.0f} updates/s delivered", watch_sample.PerSecond()),
          .measured = {{"informer", watch_sample.ToJson()}},
          .baseline = {{"raw_watch", raw_sample.ToJson()}},
          .params = {{"objects", objects}, {"changes", changes}}});
  informer.Stop();
  server.Stop();
  PrintTable();
  return 0;
}

}  // namespace
}  // namespace gpuext::bench

int main() { return gpuext::bench::Main(); }
