// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Admission bench (issue 5, DESIGN.md §22): the framework's WebhookServer answering mutating
// AdmissionReviews over real TLS to 8 concurrent clients (one keep-alive connection each), p50 /
// p99 latency and throughput. Baseline, same run, same reviews, same 8 threads: the handler
// without TLS and HTTP — HandleAdmissionReview on the parsed review, plus the JSON parse and
// dump the server does anyway. The ratio is therefore what TLS, HTTP and the server cost per
// review.
//
//   build-bench/bin/admission_bench   # GPUEXT_ADMISSION_BENCH_REQUESTS (2000 per client)
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench_harness.h"
#include "gpuext/gardener/admission.h"
#include "gpuext/gardener/webhook_server.h"
#include "gpuext/kube/tls.h"
#include "gpuext/logger.h"
#include "gpuext/testing/process.h"

namespace gpuext::bench {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr size_t kAdmissionClients = 8;
constexpr const char* kAdmissionPath = "/webhooks/bench";

// Adds a label: small, like the mutations our webhooks make, so the framework's cost shows.
class LabellingMutator final : public gardener::Mutator {
 public:
  void Mutate(const gardener::AdmissionRequest& /*request*/, json& object) override {
    object["metadata"]["labels"]["bench.gpu.extensions.gardener.cloud/seen"] = "true";
  }
};

// A Shoot-sized AdmissionReview (a few KiB), as kube-apiserver sends one.
std::string AdmissionReviewText(size_t i) {
  json shoot = {{"apiVersion", "core.gardener.cloud/v1beta1"},
                {"kind", "Shoot"},
                {"metadata", {{"name", fmt::format("s{}", i)}, {"namespace", "garden-dev"}}},
                {"spec", {{"provider", {{"type", "aws"}, {"workers", json::array()}}}}}};
  for (int w = 0; w < 8; ++w) {
    shoot["spec"]["provider"]["workers"].push_back(
        {{"name", fmt::format("pool-{}", w)},
         {"machine",
          {{"type", "p4d.24xlarge"},
           {"image", {{"name", "gardenlinux"}, {"version", "1877.5.0"}}}}},
         {"cri", {{"name", "containerd"}, {"containerRuntimes", {{{"type", "nvidia"}}}}}},
         {"minimum", 1},
         {"maximum", 10}});
  }
  return json{
      {"apiVersion", "admission.k8s.io/v1"},
      {"kind", "AdmissionReview"},
      {"request",
       {{"uid", fmt::format("00000000-0000-4000-8000-{:012}", i)},
        {"kind", {{"group", "core.gardener.cloud"}, {"version", "v1beta1"}, {"kind", "Shoot"}}},
        {"resource",
         {{"group", "core.gardener.cloud"}, {"version", "v1beta1"}, {"resource", "shoots"}}},
        {"operation", "CREATE"},
        {"namespace", "garden-dev"},
        {"name", shoot["metadata"]["name"]},
        {"object", shoot}}}}
      .dump();
}

// Runs `one(client, i)` `per_client` times on each of 8 threads; latencies in microseconds.
template <typename Setup, typename One>
Sample RunClients(size_t per_client, Setup setup, One one) {
  std::vector<Sample> samples(kAdmissionClients);
  std::vector<std::jthread> threads;
  const auto start = Clock::now();
  for (size_t c = 0; c < kAdmissionClients; ++c) {
    threads.emplace_back([&, c] {
      auto state = setup();
      for (size_t i = 0; i < per_client; ++i) {
        const auto t0 = Clock::now();
        one(state, c * per_client + i);
        samples[c].latencies_us.push_back(Seconds(Clock::now() - t0) * 1e6);
      }
    });
  }
  threads.clear();
  Sample all{.ops = 0, .seconds = Seconds(Clock::now() - start)};
  for (Sample& s : samples) {
    all.latencies_us.insert(all.latencies_us.end(), s.latencies_us.begin(), s.latencies_us.end());
  }
  all.ops = all.latencies_us.size();
  return all;
}

int Admission() {
  const size_t per_client = Scaled("GPUEXT_ADMISSION_BENCH_REQUESTS", 2000);
  std::vector<std::string> reviews;
  for (size_t i = 0; i < kAdmissionClients * per_client; ++i) {
    reviews.push_back(AdmissionReviewText(i));
  }
  LabellingMutator mutator;

  // Baseline: the handler on the same reviews, no TLS, no HTTP.
  Sample handler = RunClients(
      per_client, [] { return 0; },
      [&](int&, size_t i) {
        const json answer = gardener::HandleAdmissionReview(json::parse(reviews[i]), mutator);
        if (answer.dump().empty()) {
          std::abort();
        }
      });

  testing::TempDir dir;
  const kube::CertificateAuthority ca =
      kube::CertificateAuthority::Generate("admission-bench-ca", 24h);
  const kube::KeyPair serving = ca.IssueServing({"127.0.0.1"}, 24h);
  std::ofstream(dir.path() / "tls.crt") << serving.cert_pem;
  std::ofstream(dir.path() / "tls.key") << serving.key_pem;
  std::ofstream(dir.path() / "ca.crt") << ca.cert_pem();
  gardener::WebhookServer server({.host = "127.0.0.1", .port = 0, .cert_dir = dir.path()},
                                 Logger::Root().WithName("webhook"));
  server.AddMutator(kAdmissionPath, mutator);
  server.Start();
  const int port = server.port();
  const std::string ca_file = (dir.path() / "ca.crt").string();
  size_t failures = 0;
  std::mutex failures_mu;
  Sample tls = RunClients(
      per_client,
      [&] {
        auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
        client->set_ca_cert_path(ca_file.c_str());
        client->enable_server_certificate_verification(true);
        client->set_keep_alive(true);
        client->set_tcp_nodelay(true);  // as kube-apiserver's Go client does
        return client;
      },
      [&](std::unique_ptr<httplib::SSLClient>& client, size_t i) {
        const auto answer = client->Post(kAdmissionPath, reviews[i], "application/json");
        if (!answer || answer->status != 200 ||
            answer->body.find("\"allowed\":true") == std::string::npos) {
          std::lock_guard lock(failures_mu);
          ++failures;
        }
      });
  server.Stop();
  if (failures > 0) {
    fmt::print(stderr, "admission_bench: {} of {} reviews failed over TLS\n", failures, tls.ops);
    return 1;
  }
  const double p50 = tls.PercentileMs(0.50);
  const double p99 = tls.PercentileMs(0.99);
  Report({.bench = "admission_tls",
          .ratio = CostRatio(tls, handler),
          .ratio_means = "wall time per review over TLS / the handler alone, 8 clients",
          .headline = fmt::format("{:.0f} reviews/s over TLS, p50 {:.2f} ms, p99 {:.2f} ms "
                                  "(handler alone: {:.0f}/s, p99 {:.3f} ms)",
                                  tls.PerSecond(), p50, p99, handler.PerSecond(),
                                  handler.PercentileMs(0.99)),
          .measured = tls.ToJson(),
          .baseline = handler.ToJson(),
          .params = {{"clients", kAdmissionClients},
                     {"requests_per_client", per_client},
                     {"review_bytes", reviews.front().size()}}});
  return 0;
}

}  // namespace
}  // namespace gpuext::bench

int main() {
  gpuext::Logger::Configure(gpuext::LogFormat::kText, gpuext::LogLevel::kError);
  const int status = gpuext::bench::Admission();
  gpuext::bench::PrintTable();
  return status;
}
