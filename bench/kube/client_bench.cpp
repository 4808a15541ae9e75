// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// kube::HttpClient throughput against an in-process kube-emulator over TLS (DESIGN.md §22):
// sequential GETs and merge PATCHes of one ConfigMap. The baseline, measured in the same run,
// is a raw libcurl loop (one reused easy handle, keep-alive, same TLS and token) doing the same
// requests, so the ratio is the client's own overhead (throttle, credentials, handle pool,
// JSON encode/parse). Sizes scale with GPUEXT_BENCH_SCALE.
//
//   build-bench/bin/kube_client_bench          # JSON lines, then a table
#include <filesystem>
#include <string>

#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../emulator/bench_harness.h"
#include "gpuext/emulator/server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/logger.h"

namespace gpuext::bench {
namespace {

using nlohmann::json;

const kube::Resource kConfigMaps{"", "v1", "configmaps", true};

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// The baseline: what a bare libcurl loop costs for `ops` requests of one kind.
Sample RawCurl(const kube::RestConfig& config, const std::string& method, const std::string& path,
               const std::string& body, size_t ops) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Authorization: Bearer " + config.bearer_token).c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Content-Type: application/merge-patch+json");
  const std::string url = config.server + path;
  curl_blob ca{const_cast<char*>(config.ca_pem.data()), config.ca_pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  }
  std::string response;
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  Sample sample;
  for (size_t i = 0; i < ops; ++i) {
    response.clear();
    const auto start = Clock::now();
    if (curl_easy_perform(curl) != CURLE_OK) {
      throw std::runtime_error("raw curl request failed");
    }
    const double s = Seconds(Clock::now() - start);
    sample.ops += 1;
    sample.seconds += s;
    sample.latencies_us.push_back(s * 1e6);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return sample;
}

template <typename Fn>
Sample Timed(size_t ops, Fn&& fn) {
  Sample sample;
  for (size_t i = 0; i < ops; ++i) {
    const auto start = Clock::now();
    fn(i);
    const double s = Seconds(Clock::now() - start);
    sample.ops += 1;
    sample.seconds += s;
    sample.latencies_us.push_back(s * 1e6);
  }
  return sample;
}

void Run() {
  emulator::Server server({.listen = "127.0.0.1:0"}, Logger::Root().WithName("emulator"));
  server.Start();
  const kube::RestConfig config =
      kube::ParseKubeconfig(server.Kubeconfig(), std::filesystem::path("/bench/kubeconfig"));
  kube::HttpClient client(config, {.qps = 0, .component = "bench"});
  client.Create(kConfigMaps, {{"apiVersion", "v1"},
                              {"kind", "ConfigMap"},
                              {"metadata", {{"name", "bench"}, {"namespace", "default"}}},
                              {"data", {{"k", "v"}}}});
  const size_t ops = Scaled("GPUEXT_BENCH_CLIENT_OPS", 2000);
  const std::string path = "/api/v1/namespaces/default/configmaps/bench";

  // Warm both sides (TLS handshake, allocator) before timing.
  (void)RawCurl(config, "GET", path, "", 20);
  (void)client.Get(kConfigMaps, {"default", "bench"});

  Sample raw_get = RawCurl(config, "GET", path, "", ops);
  Sample get = Timed(ops, [&](size_t) { (void)client.Get(kConfigMaps, {"default", "bench"}); });
  Report({.bench = "kube_client_get",
          .ratio = CostRatio(get, raw_get),
          .ratio_means = "HttpClient GET time / raw libcurl GET time",
          .headline =
              fmt::format("{:.0f} GET/s, p99 {:.2f} ms", get.PerSecond(), get.PercentileMs(0.99)),
          .measured = get.ToJson(),
          .baseline = raw_get.ToJson(),
          .params = {{"ops", ops}}});

  Sample raw_patch = RawCurl(config, "PATCH", path, R"({"data":{"k":"raw"}})", ops);
  Sample patch = Timed(ops, [&](size_t i) {
    (void)client.Patch(kConfigMaps, {"default", "bench"}, kube::PatchType::kMerge,
                       {{"data", {{"k", std::to_string(i)}}}});
  });
  Report({.bench = "kube_client_patch",
          .ratio = CostRatio(patch, raw_patch),
          .ratio_means = "HttpClient merge PATCH time / raw libcurl PATCH time",
          .headline = fmt::format("{:.0f} PATCH/s, p99 {:.2f} ms", patch.PerSecond(),
                                  patch.PercentileMs(0.99)),
          .measured = patch.ToJson(),
          .baseline = raw_patch.ToJson(),
          .params = {{"ops", ops}}});
  server.Stop();
}

}  // namespace
}  // namespace gpuext::bench

int main() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  gpuext::bench::Run();
  gpuext::bench::PrintTable();
  return 0;
}
