// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Manager against the in-process kube-emulator over TLS (real HttpClient, informers, Leases):
// cache sync before controllers, the /healthz /readyz /metrics endpoints over plain HTTP,
// leader election between two managers (fake time where it can be, real time once), graceful
// shutdown. One test uses FakeClient to lose leadership on cue.
#include "gpuext/kube/manager.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include "gpuext/emulator/server.h"
#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/client_metrics.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/leader_election.h"
#include "gpuext/kube/signals.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const Resource kConfigMaps{"", "v1", "configmaps"};
const Resource kNamespaces{"", "v1", "namespaces", false};
constexpr char kNs[] = "manager-test";
constexpr char kLease[] = "manager-test-leader";

json ConfigMap(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"namespace", kNs}, {"name", name}}},
          {"data", {{"k", "v"}}}};
}

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string content_type;
};

HttpAnswer HttpGet(int port, const std::string& path) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(10, 0);
  auto res = cli.Get(path.c_str());
  if (!res) {
    ADD_FAILURE() << "GET " << path << " failed: " << httplib::to_string(res.error());
    return {};
  }
  return {res->status, res->body, res->get_header_value("Content-Type")};
}

// Blocks (real time, bounded) until `done` holds; only to let background threads catch up.
bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) {
      return false;
    }
    std::this_thread::sleep_for(2ms);  // synchronisation only: nothing here is timed
  }
  return true;
}

// Counts how many processes run their leader-only work at once.
struct Tally {
  std::atomic<int> leaders{0};
  std::atomic<int> most{0};
  void Enter() {
    const int now = ++leaders;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
  }
  void Leave() { --leaders; }
};

// A leader-only runnable that holds "the work" until stopped.
std::unique_ptr<Runnable> LeaderWork(Tally& tally, std::atomic<bool>& running) {
  return std::make_unique<RunnableFunc>([&tally, &running](std::stop_token stop) {
    tally.Enter();
    running = true;
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, stop, [] { return false; });
    running = false;
    tally.Leave();
  });
}

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<emulator::Server>(emulator::ServerOptions{.listen = "127.0.0.1:0"},
                                                 Logger::Root().WithName("emulator"));
    server_->Start();
    api_ = MakeClient(registry_);
    try {
      api_->Create(kNamespaces,
                   {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kNs}}}});
    } catch (const ApiError& e) {
      ASSERT_TRUE(IsAlreadyExists(e)) << e.what();
    }
  }

  void TearDown() override {
    api_.reset();
    server_->Stop();
  }

  std::unique_ptr<HttpClient> MakeClient(metrics::Registry& registry) {
    return std::make_unique<HttpClient>(
        RestConfig{.server = server_->url(),
                   .ca_pem = server_->ca_pem(),
                   .bearer_token = server_->admin_token()},
        HttpClientOptions{.qps = 0,
                          .max_attempts = 1,
                          .observer = RestClientMetricsObserver(registry, server_->url())});
  }

  std::unique_ptr<emulator::Server> server_;
  metrics::Registry registry_;
  std::unique_ptr<HttpClient> api_;
};

// Runs Manager::Run on a thread of its own.
class Running {
 public:
  explicit Running(Manager& manager)
      : thread_([this, &manager](std::stop_token stop) {
          const ManagerResult r = manager.Run(stop);
          std::lock_guard lock(mu_);
          result_ = r;
        }) {}
  ~Running() { Stop(); }
  void Stop() {
    thread_.request_stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  std::optional<ManagerResult> result() const {
    std::lock_guard lock(mu_);
    return result_;
  }

 private:
  mutable std::mutex mu_;  // Guards result_.
  std::optional<ManagerResult> result_;
  std::jthread thread_;  // Last.
};

TEST_F(ManagerTest, SyncsCachesBeforeControllersAndServesProbesAndMetrics) {
  for (int i = 0; i < 3; ++i) {
    api_->Create(kConfigMaps, ConfigMap("cm-" + std::to_string(i)));
  }
  Manager manager(*api_, {.bind_address = "127.0.0.1:0", .registry = &registry_});
  ASSERT_GT(manager.port(), 0);

  std::atomic<bool> synced_at_first_reconcile{false};
  std::atomic<int> reconciles{0};
  std::atomic<bool> failed_once{false};
  Informer& informer = manager.cache().GetInformer(kConfigMaps, {.ns = kNs});
  ReconcilerFunc reconciler([&](const ReconcileContext&, const Request& req) -> Result {
    if (reconciles++ == 0) {
      synced_at_first_reconcile = informer.HasSynced() && informer.List().size() == 3;
    }
    if (req.name == "cm-1" && !failed_once.exchange(true)) {
      throw std::runtime_error("first attempt fails");
    }
    return {};
  });
  manager.AddController("configmaps", reconciler, {.max_concurrent_reconciles = 2})
      .For(kConfigMaps, {}, {.ns = kNs});
  std::atomic<bool> other_saw_sync{false};
  manager.Add(std::make_unique<RunnableFunc>(
      [&](std::stop_token) { other_saw_sync = manager.cache().HasSynced(); },
      /*need_leader_election=*/false));
  std::atomic<bool> extra_ready{false};
  manager.AddReadyzCheck("extra", [&] {
    if (!extra_ready) {
      throw std::runtime_error("not yet");
    }
  });

  // Before Run: alive, not ready.
  EXPECT_EQ(HttpGet(manager.port(), "/healthz").status, 200);
  EXPECT_EQ(HttpGet(manager.port(), "/healthz").body, "ok");
  const HttpAnswer not_ready = HttpGet(manager.port(), "/readyz");
  EXPECT_EQ(not_ready.status, 500);
  EXPECT_THAT(not_ready.body, HasSubstr("[-]informer-sync failed"));
  EXPECT_THAT(not_ready.body, HasSubstr("[-]extra failed: not yet"));
  EXPECT_FALSE(manager.Ready());

  Running run(manager);
  // 3 successes plus one failed attempt of cm-1 (retried after 5 ms of real time).
  ASSERT_TRUE(Eventually([&] { return reconciles >= 4; }));
  EXPECT_TRUE(synced_at_first_reconcile) << "controllers start only once the caches synced";
  EXPECT_TRUE(other_saw_sync);
  EXPECT_TRUE(manager.IsLeader()) << "without leader election the manager always leads";

  HttpAnswer ready = HttpGet(manager.port(), "/readyz?verbose");
  EXPECT_EQ(ready.status, 500);
  EXPECT_THAT(ready.body, HasSubstr("[+]informer-sync ok"));
  extra_ready = true;
  ready = HttpGet(manager.port(), "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ok");
  EXPECT_TRUE(manager.Ready());

  api_->Create(kConfigMaps, ConfigMap("cm-late"));
  ASSERT_TRUE(Eventually([&] { return reconciles >= 5; }));

  const HttpAnswer m = HttpGet(manager.port(), "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(m.body, HasSubstr("# TYPE controller_runtime_reconcile_total counter"));
  EXPECT_THAT(m.body, HasSubstr("controller_runtime_reconcile_total{controller=\"configmaps\","
                                "result=\"success\"} 4"));
  EXPECT_THAT(m.body, HasSubstr("controller_runtime_reconcile_total{controller=\"configmaps\","
                                "result=\"error\"} 1"));
  EXPECT_THAT(m.body,
              HasSubstr("controller_runtime_reconcile_errors_total{controller=\"configmaps\"} 1"));
  EXPECT_THAT(m.body, HasSubstr("# TYPE controller_runtime_reconcile_time_seconds histogram"));
  EXPECT_THAT(m.body, HasSubstr("controller_runtime_reconcile_time_seconds_count{controller="
                                "\"configmaps\"} 5"));
  EXPECT_THAT(m.body, HasSubstr("workqueue_adds_total{name=\"configmaps\"} 5"));
  EXPECT_THAT(m.body, HasSubstr("workqueue_retries_total{name=\"configmaps\"} 1"));
  EXPECT_THAT(m.body, HasSubstr("workqueue_depth{name=\"configmaps\"} 0"));
  EXPECT_THAT(m.body, HasSubstr("workqueue_queue_duration_seconds_count{name=\"configmaps\"}"));
  const std::string host = server_->url().substr(std::string("https://").size());
  EXPECT_THAT(m.body, HasSubstr("rest_client_requests_total{code=\"200\",host=\"" + host +
                                "\",method=\"GET\"}"));
  EXPECT_THAT(m.body, HasSubstr("rest_client_requests_total{code=\"201\",host=\"" + host +
                                "\",method=\"POST\"} 5"));  // the namespace + 4 ConfigMaps
  EXPECT_THAT(m.body, HasSubstr("rest_client_request_duration_seconds_bucket{host=\"" + host +
                                "\",verb=\"GET\",le=\"+Inf\"}"));

  manager.Stop();
  run.Stop();
  EXPECT_EQ(run.result(), ManagerResult::kStopped);
  EXPECT_EQ(ExitCode(*run.result()), 0);
  EXPECT_EQ(HttpGet(manager.port(), "/readyz").status, 500) << "not ready once stopped";
}

TEST_F(ManagerTest, StopLetsInFlightReconcilesFinishWithinTheDeadline) {
  api_->Create(kConfigMaps, ConfigMap("slow"));
  Manager manager(*api_, {.bind_address = "", .graceful_shutdown_timeout = 20s});
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool release = false;
  ReconcilerFunc reconciler([&](const ReconcileContext&, const Request& req) -> Result {
    {
      std::unique_lock lock(mu);
      entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    }
    // The reconcile's own write still goes through after the stop request.
    api_->Create(kConfigMaps, ConfigMap(req.name + "-done"));
    return {};
  });
  manager.AddController("slow", reconciler).For(kConfigMaps, {}, {.ns = kNs});
  Running run(manager);
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return entered; }));
  }
  manager.Stop();  // what the SIGTERM handler does
  EXPECT_FALSE(Eventually([&] { return run.result().has_value(); }, 200ms))
      << "Run waits for the reconcile in flight";
  {
    std::lock_guard lock(mu);
    release = true;
    cv.notify_all();
  }
  ASSERT_TRUE(Eventually([&] { return run.result().has_value(); }));
  EXPECT_EQ(run.result(), ManagerResult::kStopped);
  EXPECT_TRUE(api_->Get(kConfigMaps, {kNs, "slow-done"}).has_value());
}

TEST_F(ManagerTest, ReconcilesStillRunningAtTheDeadlineAreAbortedAndReported) {
  api_->Create(kConfigMaps, ConfigMap("stuck"));
  Manager manager(*api_, {.bind_address = "", .graceful_shutdown_timeout = 300ms});
  std::atomic<bool> entered{false};
  std::atomic<bool> aborted{false};
  ReconcilerFunc reconciler([&](const ReconcileContext& ctx, const Request&) -> Result {
    entered = true;
    // Ignores the shutdown until its stop token fires at the deadline.
    aborted = !ctx.clock.SleepFor(1h, ctx.stop);
    return {};
  });
  manager.AddController("stuck", reconciler).For(kConfigMaps, {}, {.ns = kNs});
  Running run(manager);
  ASSERT_TRUE(Eventually([&] { return entered.load(); }));
  const auto stop_at = std::chrono::steady_clock::now();
  manager.Stop();
  ASSERT_TRUE(Eventually([&] { return run.result().has_value(); }));
  const auto took = std::chrono::steady_clock::now() - stop_at;
  EXPECT_EQ(run.result(), ManagerResult::kShutdownTimedOut);
  EXPECT_NE(ExitCode(*run.result()), 0);
  EXPECT_TRUE(aborted);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5s);
}

TEST_F(ManagerTest, CacheSyncTimeoutFailsTheRun) {
  // A resource the emulator does not serve: its informer never syncs.
  Manager manager(*api_, {.bind_address = "", .cache_sync_timeout = 300ms});
  ReconcilerFunc reconciler([](const ReconcileContext&, const Request&) { return Result{}; });
  manager.AddController("missing", reconciler).For(Resource{"example.com", "v1", "nothings"});
  EXPECT_EQ(manager.Run(std::stop_token()), ManagerResult::kFailed);
}

TEST_F(ManagerTest, RunnableThatThrowsStopsTheManager) {
  Manager manager(*api_, {.bind_address = ""});
  manager.Add(std::make_unique<RunnableFunc>(
      [](std::stop_token) { throw std::runtime_error("runnable broke"); }, false));
  EXPECT_EQ(manager.Run(std::stop_token()), ManagerResult::kFailed);
}

ManagerOptions ElectionOptions(const std::string& identity, metrics::Registry* registry,
                               Clock* clock, bool release) {
  return {.bind_address = "127.0.0.1:0",
          .leader_election = true,
          .leader_election_namespace = kNs,
          .leader_election_id = kLease,
          .leader_election_identity = identity,
          .lease_duration = 2s,
          .renew_deadline = 1500ms,
          .retry_period = 200ms,
          .leader_election_jitter = 0,
          .leader_election_release_on_cancel = release,
          .clock = clock,
          .registry = registry};
}

// Two managers on one fake clock: time moves in retry-period steps, and only once every
// elector sleeps again, so the "never two leaders" check sees every state in between.
TEST_F(ManagerTest, FakeTimeOnlyOneManagerLeadsAndASuccessorTakesOverAfterAKill) {
  gpuext::testing::FakeClock clock;
  metrics::Registry reg_a;
  metrics::Registry reg_b;
  Tally tally;
  std::atomic<bool> a_work{false};
  std::atomic<bool> b_work{false};
  auto a = std::make_unique<Manager>(*api_, ElectionOptions("a", &reg_a, &clock, false));
  Manager b(*api_, ElectionOptions("b", &reg_b, &clock, true));
  a->Add(LeaderWork(tally, a_work));
  b.Add(LeaderWork(tally, b_work));

  auto run_a = std::make_unique<Running>(*a);
  ASSERT_TRUE(Eventually([&] { return a->IsLeader() && a_work; }));
  Running run_b(b);
  std::size_t electors = 2;
  // Moves fake time until `done` or `limit`; returns the fake time it took.
  const auto advance_until = [&](const std::function<bool()>& done,
                                 std::chrono::milliseconds limit) {
    const auto start = clock.SteadyNow();
    while (true) {
      EXPECT_TRUE(clock.WaitForSleepers(electors));
      EXPECT_LE(tally.leaders, 1);
      if (done() || clock.SteadyNow() - start >= limit) {
        return clock.SteadyNow() - start;
      }
      clock.Advance(100ms);
    }
  };
  advance_until([] { return false; }, 10s);
  EXPECT_TRUE(a->IsLeader());
  EXPECT_FALSE(b.IsLeader());
  EXPECT_FALSE(b_work);
  EXPECT_THAT(HttpGet(a->port(), "/metrics").body,
              HasSubstr("leader_election_master_status{name=\"" + std::string(kLease) + "\"} 1"));
  EXPECT_THAT(HttpGet(b.port(), "/metrics").body,
              HasSubstr("leader_election_master_status{name=\"" + std::string(kLease) + "\"} 0"));

  // "Kill" a: it stops without releasing the Lease, so b must wait for it to expire.
  run_a->Stop();
  EXPECT_EQ(run_a->result(), ManagerResult::kStopped);
  run_a.reset();
  a.reset();
  electors = 1;
  // The Lease itself says when b took over: b writes it before it sleeps again, while the
  // manager starts b's leader-only work on another thread (waited for below in real time, so
  // fake time does not run on meanwhile).
  const auto holder = [&] {
    return api_->Get(kLeases, {kNs, kLease}).value()["spec"].value("holderIdentity", "");
  };
  const auto took = advance_until([&] { return holder() == "b"; }, 10s);
  ASSERT_TRUE(Eventually([&] { return b.IsLeader() && b_work; }));
  EXPECT_GE(took, 2s - 200ms) << "not before the lease expired";
  EXPECT_LE(took, 2s + 200ms) << "within the lease duration plus one retry period";
  EXPECT_EQ(tally.most, 1);
  EXPECT_EQ(api_->Get(kLeases, {kNs, kLease}).value()["spec"]["holderIdentity"], "b");

  run_b.Stop();
  // b released on shutdown.
  EXPECT_EQ(api_->Get(kLeases, {kNs, kLease}).value()["spec"].value("holderIdentity", ""), "");
}

TEST_F(ManagerTest, RealTimeASuccessorTakesOverAtOnceAfterARelease) {
  metrics::Registry reg_a;
  metrics::Registry reg_b;
  Tally tally;
  std::atomic<bool> a_work{false};
  std::atomic<bool> b_work{false};
  auto a = std::make_unique<Manager>(*api_, ElectionOptions("a", &reg_a, nullptr, true));
  Manager b(*api_, ElectionOptions("b", &reg_b, nullptr, true));
  a->Add(LeaderWork(tally, a_work));
  b.Add(LeaderWork(tally, b_work));
  auto run_a = std::make_unique<Running>(*a);
  ASSERT_TRUE(Eventually([&] { return a_work.load(); }));
  Running run_b(b);
  // Long enough for b to have tried several times (retry 200 ms).
  EXPECT_FALSE(Eventually([&] { return b_work.load(); }, 1s));
  EXPECT_EQ(tally.most, 1);

  const auto stopped_at = std::chrono::steady_clock::now();
  run_a->Stop();
  EXPECT_EQ(run_a->result(), ManagerResult::kStopped);
  ASSERT_TRUE(Eventually([&] { return b_work.load(); }, 5s));
  const auto took = std::chrono::steady_clock::now() - stopped_at;
  EXPECT_LT(took, 2s) << "a released the Lease, so b need not wait for it to expire";
  EXPECT_EQ(tally.most, 1);
  EXPECT_TRUE(b.IsLeader());
}

TEST(ManagerLeadershipTest, LosingTheLeaseEndsRunWithADistinctResult) {
  gpuext::testing::FakeClock clock;
  testing::FakeClient client({.clock = &clock});
  client.Create(kNamespaces, {{"metadata", {{"name", kNs}}}});
  metrics::Registry registry;
  std::atomic<bool> partitioned{false};
  const auto fail = [&](const testing::FakeClient::Call& call) {
    if (partitioned && call.resource == kLeases) {
      throw Error(ErrorCode::kTimeout, "simulated network partition");
    }
  };
  client.SetHook(testing::FakeClient::Verb::kGet, fail);
  client.SetHook(testing::FakeClient::Verb::kUpdate, fail);
  Tally tally;
  std::atomic<bool> work{false};
  Manager manager(client, ElectionOptions("only", &registry, &clock, true));
  manager.Add(LeaderWork(tally, work));
  Running run(manager);
  ASSERT_TRUE(Eventually([&] { return work.load(); }));
  partitioned = true;
  for (int i = 0; i < 100 && !run.result(); ++i) {
    if (clock.WaitForSleepers(1, 100ms)) {
      clock.Advance(100ms);
    }
  }
  ASSERT_TRUE(Eventually([&] { return run.result().has_value(); }));
  EXPECT_EQ(run.result(), ManagerResult::kLeaderElectionLost);
  EXPECT_EQ(ExitCode(*run.result()), 1);
  EXPECT_FALSE(work) << "leader-only work stopped when leadership was lost";
}

TEST(ManagerOptionsTest, RejectsBadBindAddressesAndLeaderElectionSettings) {
  testing::FakeClient client;
  metrics::Registry registry;
  EXPECT_THROW((void)Manager(client, {.bind_address = "nonsense", .registry = &registry}), Error);
  EXPECT_THROW((void)Manager(client, {.bind_address = "127.0.0.1:99999", .registry = &registry}),
               Error);
  EXPECT_THROW(
      (void)Manager(client, {.bind_address = "", .leader_election = true, .registry = &registry}),
      Error);  // no Lease name
}

TEST(ManagerOptionsTest, HealthCheckNamesAreUniquePerEndpointAndNotReserved) {
  testing::FakeClient client;
  metrics::Registry registry;
  Manager manager(client, {.bind_address = "", .registry = &registry});
  manager.AddReadyzCheck("db", [] {});
  manager.AddHealthzCheck("db", [] {});  // another endpoint: fine
  EXPECT_THROW(manager.AddReadyzCheck("db", [] {}), Error);
  EXPECT_THROW(manager.AddReadyzCheck("informer-sync", [] {}), Error);
  EXPECT_THROW(manager.AddHealthzCheck("ping", [] {}), Error);
  EXPECT_THROW(manager.AddHealthzCheck("", [] {}), Error);
  manager.AddHealthzCheck("informer-sync", [] {});  // reserved on /readyz only
}

TEST(ShutdownSignalsDeathTest, SigtermRequestsStopAndASecondSignalExitsAtOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ShutdownSignals signals;
        kill(getpid(), SIGTERM);
        const bool stopped = Eventually([&] { return signals.token().stop_requested(); }, 5s);
        std::exit(stopped ? 0 : 2);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      {
        ShutdownSignals signals;
        kill(getpid(), SIGTERM);
        Eventually([&] { return signals.token().stop_requested(); }, 5s);
        kill(getpid(), SIGINT);
        std::this_thread::sleep_for(5s);  // the handler exits the process before this ends
        std::exit(0);
      },
      ::testing::ExitedWithCode(1), "");
}

}  // namespace
}  // namespace gpuext::kube
