// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// kube-emulator benches (DESIGN.md §22): RSS per 10k stored objects, list with a label
// selector, GET/PATCH with 8 concurrent clients, watch fan-out. Every figure is a ratio
// against a baseline measured in this process. Sizes scale with GPUEXT_BENCH_SCALE; a
// comma-separated GPUEXT_BENCH_ONLY (rss, list, getpatch, watch) runs a subset.
//
//   build-bench/bin/emulator_bench            # JSON lines, then a table
#include "emulator_bench.h"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <stdlib.h>

namespace gpuext::bench {
namespace {

using nlohmann::json;

// Each list variant is timed this many times (interleaved), so p50/p99 are per request.
size_t ListRounds() { return Scaled("GPUEXT_BENCH_LIST_ROUNDS", 10); }

// Times `rounds` GETs of each of `paths` (interleaved); one Sample per path.
std::vector<Sample> TimeLists(BenchClient& client, const std::vector<std::string>& paths,
                              size_t rounds, std::string* full_body) {
  std::vector<Sample> samples(paths.size());
  for (size_t r = 0; r < rounds; ++r) {
    for (size_t p = 0; p < paths.size(); ++p) {
      std::string body;
      const auto start = Clock::now();
      const int status = client.Get(paths[p], &body);
      const double s = Seconds(Clock::now() - start);
      if (status != 200) {
        throw std::runtime_error(fmt::format("GET {}: HTTP {}", paths[p], status));
      }
      samples[p].ops += 1;
      samples[p].seconds += s;
      samples[p].latencies_us.push_back(s * 1e6);
      if (p == 0) {
        *full_body = std::move(body);
      }
    }
  }
  return samples;
}

size_t CountItems(const std::string& body) { return json::parse(body).at("items").size(); }

bool Selected(const char* name) {
  const char* only = std::getenv("GPUEXT_BENCH_ONLY");
  return only == nullptr || *only == '\0' ||
         ("," + std::string(only) + ",").find("," + std::string(name) + ",") != std::string::npos;
}

}  // namespace

BenchClient::BenchClient(const Endpoint& endpoint)
    : client_("127.0.0.1", endpoint.port), authorization_("Bearer " + endpoint.token) {
  client_.set_ca_cert_path(endpoint.ca_file);
  client_.enable_server_certificate_verification(true);
  client_.set_keep_alive(true);
  // Without it, a request with a body (headers, then body: two writes) waits ~40 ms for the
  // server's delayed ACK (Nagle).
  client_.set_tcp_nodelay(true);
  client_.set_url_encode(false);
  client_.set_connection_timeout(std::chrono::seconds(10));
  client_.set_read_timeout(std::chrono::seconds(120));
}

int BenchClient::Do(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& content_type, std::string* response_body) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.body = body;
  req.set_header("Authorization", authorization_);
  req.set_header("Accept", "application/json");
  if (!content_type.empty()) {
    req.set_header("Content-Type", content_type);
  }
  auto result = client_.send(req);
  if (!result) {
    return 0;
  }
  if (response_body != nullptr) {
    *response_body = std::move(result->body);
  }
  return result->status;
}

int BenchClient::Stream(const std::string& path, const std::function<void()>& on_connected,
                        const std::function<bool(const char*, size_t)>& on_data) {
  int status = 0;
  const httplib::Headers headers = {{"Authorization", authorization_}};
  client_.Get(
      path, headers,
      [&](const httplib::Response& res) {
        status = res.status;
        on_connected();
        return true;
      },
      on_data);
  return status;
}

std::string Bench::Name(size_t i) { return fmt::format("cm-{:05}", i); }

std::string ConfigMapJson(size_t i) {
  const json cm = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata",
       {{"name", Bench::Name(i)},
        {"namespace", "bench"},
        {"labels",
         {{"app", "bench"}, {"shard", fmt::format("s{}", i % 10)}, {"pool", "gpu-a100"}}}}},
      {"data",
       {{"driverVersion", "550.54.15"},
        {"kernelRelease", "6.6.63-cloud-amd64"},
        {"payload", std::string(300, static_cast<char>('a' + i % 26))}}}};
  return cm.dump();
}

void BenchRss(Bench& b) {
  BenchClient setup(b.endpoint);
  if (setup.Do("POST", "/api/v1/namespaces", R"({"metadata":{"name":"bench"}})", "application/json",
               nullptr) != 201) {
    throw std::runtime_error("cannot create namespace bench");
  }
  const size_t before = RssBytes();
  std::vector<Sample> per_client(b.clients);
  std::atomic<size_t> json_bytes = 0;
  std::atomic<size_t> failures = 0;
  const auto start = Clock::now();
  Parallel(b.clients, [&](size_t t) {
    BenchClient client(b.endpoint);
    for (size_t i = t; i < b.objects; i += b.clients) {
      std::string body;
      const auto s = Clock::now();
      if (client.Do("POST", "/api/v1/namespaces/bench/configmaps", ConfigMapJson(i),
                    "application/json", &body) != 201) {
        failures += 1;
      }
      per_client[t].latencies_us.push_back(Seconds(Clock::now() - s) * 1e6);
      json_bytes += body.size();
    }
  });
  Sample creates;
  for (const Sample& s : per_client) {
    creates.Append(s);
  }
  creates.ops = b.objects;
  creates.seconds = Seconds(Clock::now() - start);
  if (failures > 0) {
    throw std::runtime_error(fmt::format("{} creates failed", failures.load()));
  }
  const size_t after = RssBytes();
  const double per_object = static_cast<double>(after - before) / b.objects;
  const double json_per_object = static_cast<double>(json_bytes) / b.objects;
  const double mib_per_10k = per_object * 10000 / (1024.0 * 1024.0);
  Report({.bench = "rss_per_10k_objects",
          .ratio = per_object / json_per_object,
          .ratio_means = "RSS bytes per object / its JSON bytes",
          .headline = fmt::format("{:.1f} MiB per 10k ConfigMaps ({:.0f} B/object, JSON {:.0f} B);"
                                  " create {:.0f}/s p99 {:.2f} ms",
                                  mib_per_10k, per_object, json_per_object, creates.PerSecond(),
                                  creates.PercentileMs(0.99)),
          .measured = {{"rss_after_bytes", after},
                       {"bytes_per_object", Round(per_object)},
                       {"mib_per_10k_objects", Round(mib_per_10k)},
                       {"creates", creates.ToJson()}},
          .baseline = {{"rss_before_bytes", before},
                       {"json_bytes_per_object", Round(json_per_object)}},
          .params = {{"objects", b.objects}, {"clients", b.clients}}});
}

void BenchList(Bench& b) {
  BenchClient client(b.endpoint);
  const std::string base = "/api/v1/namespaces/bench/configmaps";
  std::string full;
  client.Get(base, &full);  // warm-up: connection and caches
  const std::vector<std::string> paths = {base, base + "?labelSelector=shard%3Ds3",
                                          base + "?labelSelector=app%3Dbench%2Cpool%3Dgpu-a100"};
  std::vector<Sample> s = TimeLists(client, paths, ListRounds(), &full);
  const size_t all = CountItems(full);
  Sample parse;
  for (size_t r = 0; r < ListRounds(); ++r) {
    const auto start = Clock::now();
    const json parsed = json::parse(full);
    const double sec = Seconds(Clock::now() - start);
    parse.ops += 1;
    parse.seconds += sec;
    parse.latencies_us.push_back(sec * 1e6);
  }
  const json params = {{"objects", all}, {"rounds", ListRounds()}, {"list_bytes", full.size()}};
  const auto report = [&](const char* name, Sample& m, Sample& base_sample, const char* means,
                          const std::string& what) {
    json p = params;
    p["what"] = what;
    Report({.bench = name,
            .ratio = m.PercentileMs(0.5) / base_sample.PercentileMs(0.5),
            .ratio_means = means,
            .headline = fmt::format("p50 {:.1f} ms, p99 {:.1f} ms (baseline p50 {:.1f} ms)",
                                    m.PercentileMs(0.5), m.PercentileMs(0.99),
                                    base_sample.PercentileMs(0.5)),
            .measured = m.ToJson(),
            .baseline = base_sample.ToJson(),
            .params = p});
  };
  report("list_selector_10pct", s[1], s[0], "p50 list shard=s3 (1/10) / full list",
         "labelSelector=shard=s3 over " + std::to_string(all) + " ConfigMaps");
  report("list_selector_all", s[2], s[0], "p50 list app=bench,pool=.. (all) / full list",
         "a selector every object matches: the cost of evaluating it");
  report("list_full_vs_parse", s[0], parse, "p50 full list over TLS / json::parse of it",
         "server list + transfer against parsing the same bytes in the client");
}

}  // namespace gpuext::bench

int main() {
  using namespace gpuext::bench;
  gpuext::Logger::Configure(gpuext::LogFormat::kText, gpuext::LogLevel::kError);
  Bench b;
  b.objects = Scaled("GPUEXT_BENCH_OBJECTS", 10000);
  char dir_template[] = "/tmp/emulator-bench-XXXXXX";
  b.dir = mkdtemp(dir_template);
  const size_t updates = Scaled("GPUEXT_BENCH_UPDATES", 10000);
  b.server = std::make_unique<gpuext::emulator::Server>(
      gpuext::emulator::ServerOptions{.listen = "127.0.0.1:0",
                                      .watch_history = std::max<size_t>(10000, 4 * updates)},
      gpuext::Logger::Root().WithName("emulator"));
  b.server->Start();
  b.endpoint = {.port = b.server->port(),
                .ca_file = (b.dir / "ca.crt").string(),
                .token = b.server->admin_token()};
  std::ofstream(b.endpoint.ca_file) << b.server->ca_pem();
  try {
    BenchRss(b);  // first: it also creates the objects the others use
    if (Selected("list")) {
      BenchList(b);
    }
    if (Selected("getpatch")) {
      BenchGetPatch(b);
    }
    if (Selected("watch")) {
      BenchWatch(b);
    }
  } catch (const std::exception& e) {
    std::cerr << "emulator_bench: " << e.what() << "\n";
    b.server->Stop();
    return 1;
  }
  b.server->Stop();
  std::filesystem::remove_all(b.dir);
  PrintTable();
  return 0;
}
