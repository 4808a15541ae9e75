// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Watch fan-out: N watchers on the ConfigMaps of namespace "bench" while 8 clients apply U
// merge patches, against 1 watcher with the same U patches. Both runs count every delivered
// event; the ratio is the time per delivered event with N watchers over that with one, and
// the lag of each event is measured from the moment its PATCH was sent.
#include <atomic>

#include <fmt/format.h>

#include "emulator_bench.h"

namespace gpuext::bench {
namespace {

using nlohmann::json;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct WatchRun {
  Sample delivered;  // watchers × updates events; seconds: first PATCH → last event received
  Sample writes;     // the PATCHes, timed by the writers
  size_t errors = 0;
};

// The update number in a line's data.counter ("w<run>-<n>"), or -1.
long UpdateNumber(std::string_view line) {
  const size_t at = line.find("\"counter\":\"w");
  const size_t dash = at == std::string_view::npos ? at : line.find('-', at);
  if (dash == std::string_view::npos) {
    return -1;
  }
  long n = 0;
  for (size_t i = dash + 1; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
    n = n * 10 + (line[i] - '0');
  }
  return n;
}

// One watcher: counts MODIFIED events of run `run` until it has `updates` of them.
class Watcher {
 public:
  Watcher(const std::vector<std::atomic<int64_t>>& sent, size_t updates)
      : sent_(sent), updates_(updates) {
    lag_us_.reserve(updates);
  }

  // Returns false once every update arrived (or on an ERROR event).
  bool OnData(const char* data, size_t n) {
    const int64_t now = NowNs();
    pending_.append(data, n);
    size_t begin = 0;
    for (size_t nl; (nl = pending_.find('\n', begin)) != std::string::npos; begin = nl + 1) {
      const std::string_view line(pending_.data() + begin, nl - begin);
      if (line.find("\"type\":\"MODIFIED\"") == std::string_view::npos) {
        error_ = error_ || line.find("\"type\":\"ERROR\"") != std::string_view::npos;
        continue;
      }
      const long u = UpdateNumber(line);
      if (u >= 0 && static_cast<size_t>(u) < updates_ && sent_[u] > 0) {
        lag_us_.push_back(static_cast<double>(now - sent_[u]) / 1000.0);
      }
      if (++received_ == updates_) {
        done_ns_ = now;
        return false;
      }
    }
    pending_.erase(0, begin);
    return !error_;
  }

  [[nodiscard]] bool complete() const { return received_ == updates_; }
  [[nodiscard]] int64_t done_ns() const { return done_ns_; }
  [[nodiscard]] const std::vector<double>& lag_us() const { return lag_us_; }

 private:
  const std::vector<std::atomic<int64_t>>& sent_;
  const size_t updates_;
  std::string pending_;
  size_t received_ = 0;
  bool error_ = false;
  int64_t done_ns_ = 0;
  std::vector<double> lag_us_;
};

std::string CurrentResourceVersion(const Bench& b) {
  std::string body;
  BenchClient(b.endpoint).Get("/api/v1/namespaces/bench/configmaps?limit=1", &body);
  return json::parse(body).at("metadata").at("resourceVersion").get<std::string>();
}

void WaitFor(const std::atomic<size_t>& counter, size_t n) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (counter < n) {
    if (Clock::now() > deadline) {
      throw std::runtime_error(fmt::format("only {} of {} watches connected", counter.load(), n));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

WatchRun RunWatch(const Bench& b, size_t watchers, size_t updates, int run) {
  std::vector<std::atomic<int64_t>> sent(updates);
  const std::string path =
      "/api/v1/namespaces/bench/configmaps?watch=true&timeoutSeconds=300"
      "&resourceVersion=" +
      CurrentResourceVersion(b);
  std::vector<std::unique_ptr<Watcher>> ws;
  std::atomic<size_t> connected = 0;
  std::vector<std::jthread> threads;
  for (size_t w = 0; w < watchers; ++w) {
    ws.push_back(std::make_unique<Watcher>(sent, updates));
    threads.emplace_back([&, w] {
      BenchClient(b.endpoint)
          .Stream(
              path, [&] { connected += 1; },
              [&, w](const char* d, size_t n) { return ws[w]->OnData(d, n); });
    });
  }
  WaitFor(connected, watchers);
  WatchRun out;
  std::vector<Sample> per_writer(b.clients);
  std::atomic<size_t> failures = 0;
  const int64_t start_ns = NowNs();
  Parallel(b.clients, [&](size_t t) {
    BenchClient client(b.endpoint);
    for (size_t u = t; u < updates; u += b.clients) {
      const std::string body = fmt::format(R"({{"data":{{"counter":"w{}-{}"}}}})", run, u);
      const int64_t begin = NowNs();
      sent[u] = begin;
      if (client.Do("PATCH", Bench::Path(u % b.objects), body, "application/merge-patch+json",
                    nullptr) != 200) {
        failures += 1;
      }
      per_writer[t].latencies_us.push_back(static_cast<double>(NowNs() - begin) / 1000.0);
    }
  });
  out.writes.seconds = static_cast<double>(NowNs() - start_ns) / 1e9;
  for (const Sample& s : per_writer) {
    out.writes.Append(s);
  }
  out.writes.ops = updates;
  threads.clear();  // joins: every watcher has all events, or its watch ended
  int64_t last_ns = start_ns;
  for (const auto& w : ws) {
    out.errors += w->complete() ? 0 : 1;
    last_ns = std::max(last_ns, w->done_ns());
    out.delivered.latencies_us.insert(out.delivered.latencies_us.end(), w->lag_us().begin(),
                                      w->lag_us().end());
  }
  out.delivered.ops = watchers * updates;
  out.delivered.seconds = static_cast<double>(last_ns - start_ns) / 1e9;
  if (failures > 0 || out.errors > 0) {
    throw std::runtime_error(fmt::format("watch run: {} PATCHes failed, {} watchers incomplete",
                                         failures.load(), out.errors));
  }
  return out;
}

json RunJson(WatchRun& r, size_t watchers) {
  json j = r.delivered.ToJson();
  j["watchers"] = watchers;
  j["events_per_s"] = j["per_s"];
  j["lag_p50_ms"] = j["p50_ms"];
  j["lag_p99_ms"] = j["p99_ms"];
  j.erase("p50_ms");
  j.erase("p99_ms");
  j["writes"] = r.writes.ToJson();
  return j;
}

}  // namespace

void BenchWatch(Bench& b) {
  const size_t watchers = Scaled("GPUEXT_BENCH_WATCHERS", 100);
  const size_t updates = Scaled("GPUEXT_BENCH_UPDATES", 10000);
  WatchRun one = RunWatch(b, 1, updates, 1);
  WatchRun many = RunWatch(b, watchers, updates, 2);
  Report(
      {.bench = "watch_fanout",
       .ratio = CostRatio(many.delivered, one.delivered),
       .ratio_means = fmt::format("time per delivered event: {} watchers / 1", watchers),
       .headline = fmt::format(
           "{:.0f} events/s delivered, lag p99 {:.1f} ms, PATCH {:.0f}/s (1 watcher: "
           "{:.0f} events/s, lag p99 {:.1f} ms, PATCH {:.0f}/s)",
           many.delivered.PerSecond(), many.delivered.PercentileMs(0.99), many.writes.PerSecond(),
           one.delivered.PerSecond(), one.delivered.PercentileMs(0.99), one.writes.PerSecond()),
       .measured = RunJson(many, watchers),
       .baseline = RunJson(one, 1),
       .params = {{"watchers", watchers}, {"updates", updates}, {"writers", b.clients}}});
}

}  // namespace gpuext::bench
