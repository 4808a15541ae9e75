// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// GET and PATCH of single objects with 8 concurrent keep-alive TLS clients. The baseline is a
// bare cpp-httplib SSLServer, set up like the emulator's (thread pool, TCP_NODELAY, keep-alive
// limit), answering a fixed JSON body of the same size: the ratio is what the emulator adds
// (routing, authentication, store lookup, merge patch, JSON serialisation).
#include <atomic>
#include <fstream>

#include <fmt/format.h>

#include "emulator_bench.h"
#include "gpuext/kube/tls.h"

namespace gpuext::bench {
namespace {

// A TLS server that answers every GET and PATCH with `body`.
class BaselineServer {
 public:
  BaselineServer(const std::filesystem::path& dir, std::string body) : body_(std::move(body)) {
    const auto ca = kube::CertificateAuthority::Generate("bench-ca", std::chrono::hours(24));
    const kube::KeyPair serving = ca.IssueServing({"127.0.0.1"}, std::chrono::hours(24));
    const auto write = [&](const char* name, const std::string& pem) {
      std::ofstream(dir / name) << pem;
      return (dir / name).string();
    };
    endpoint_.ca_file = write("baseline-ca.crt", ca.cert_pem());
    http_ = std::make_unique<httplib::SSLServer>(write("baseline.crt", serving.cert_pem).c_str(),
                                                 write("baseline.key", serving.key_pem).c_str());
    http_->new_task_queue = [] { return new httplib::ThreadPool(256); };
    http_->set_keep_alive_max_count(1000);
    http_->set_tcp_nodelay(true);
    const auto answer = [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(body_, "application/json");
    };
    http_->Get(".*", answer);
    http_->Patch(".*", answer);
    endpoint_.port = http_->bind_to_any_port("127.0.0.1");
    endpoint_.token = "baseline";
    listener_ = std::thread([this] { http_->listen_after_bind(); });
  }
  ~BaselineServer() {
    http_->stop();
    listener_.join();
  }
  BaselineServer(const BaselineServer&) = delete;
  BaselineServer& operator=(const BaselineServer&) = delete;

  [[nodiscard]] const Endpoint& endpoint() const { return endpoint_; }

 private:
  std::string body_;
  Endpoint endpoint_;
  std::unique_ptr<httplib::SSLServer> http_;
  std::thread listener_;
};

struct Load {
  std::string method;
  std::string content_type;
  size_t clients = 8;
  size_t ops_per_client = 0;
  size_t objects = 0;
};

std::string PatchBody(size_t client, size_t i) {
  return fmt::format(R"({{"data":{{"counter":"{}-{}"}}}})", client, i);
}

// `load` against `endpoint`: each client walks its own objects (t, t+clients, …).
Sample Drive(const Endpoint& endpoint, const Load& load) {
  std::vector<Sample> per_client(load.clients);
  std::atomic<size_t> failures = 0;
  std::atomic<size_t> ready = 0;
  std::atomic<bool> go = false;
  Clock::time_point start;
  Parallel(load.clients, [&](size_t t) {
    BenchClient client(endpoint);
    std::string body;
    client.Get(Bench::Path(t), &body);  // connect (TLS handshake) outside the timing
    if (++ready == load.clients) {
      start = Clock::now();
      go = true;
    }
    while (!go) {
      std::this_thread::yield();
    }
    Sample& s = per_client[t];
    s.latencies_us.reserve(load.ops_per_client);
    for (size_t n = 0; n < load.ops_per_client; ++n) {
      const size_t i = (t + n * load.clients) % load.objects;
      const auto begin = Clock::now();
      const int status = client.Do(load.method, Bench::Path(i),
                                   load.method == "PATCH" ? PatchBody(t, n) : std::string(),
                                   load.content_type, &body);
      s.latencies_us.push_back(Seconds(Clock::now() - begin) * 1e6);
      if (status != 200) {
        failures += 1;
      }
    }
  });
  Sample all;
  for (const Sample& s : per_client) {
    all.latencies_us.insert(all.latencies_us.end(), s.latencies_us.begin(), s.latencies_us.end());
  }
  all.ops = load.clients * load.ops_per_client;
  all.seconds = Seconds(Clock::now() - start);
  if (failures > 0) {
    throw std::runtime_error(fmt::format("{}: {} requests failed", load.method, failures.load()));
  }
  return all;
}

void Compare(Bench& b, const BaselineServer& baseline, const Load& load, const char* name) {
  // Two alternating rounds each, so drift on a busy machine hits both sides alike.
  Sample measured;
  Sample base;
  Load half = load;
  half.ops_per_client = std::max<size_t>(1, load.ops_per_client / 2);
  for (int round = 0; round < 2; ++round) {
    base.Append(Drive(baseline.endpoint(), half));
    measured.Append(Drive(b.endpoint, half));
  }
  const double p99 = measured.PercentileMs(0.99);
  Report({.bench = name,
          .ratio = CostRatio(measured, base),
          .ratio_means = "time per request: emulator / bare SSLServer",
          .headline = fmt::format("{:.0f} req/s, p50 {:.3f} ms, p99 {:.3f} ms (bare {:.0f} req/s,"
                                  " p99 {:.3f} ms)",
                                  measured.PerSecond(), measured.PercentileMs(0.5), p99,
                                  base.PerSecond(), base.PercentileMs(0.99)),
          .measured = measured.ToJson(),
          .baseline = base.ToJson(),
          .params = {{"clients", load.clients},
                     {"requests", measured.ops},
                     {"p99_ratio", Round(p99 / base.PercentileMs(0.99))}}});
}

}  // namespace

void BenchGetPatch(Bench& b) {
  std::string sample;
  BenchClient(b.endpoint).Get(Bench::Path(0), &sample);
  const BaselineServer baseline(b.dir, sample);
  const size_t ops = Scaled("GPUEXT_BENCH_REQUESTS", 2000);
  Compare(b, baseline,
          {.method = "GET",
           .content_type = {},
           .clients = b.clients,
           .ops_per_client = ops,
           .objects = b.objects},
          "get_8_clients");
  Compare(b, baseline,
          {.method = "PATCH",
           .content_type = "application/merge-patch+json",
           .clients = b.clients,
           .ops_per_client = ops,
           .objects = b.objects},
          "patch_8_clients");
}

}  // namespace gpuext::bench
