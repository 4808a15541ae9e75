// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Leader election against the in-process kube-emulator over TLS (real HttpClient, real Lease
// objects with resourceVersion preconditions). Candidates share a FakeClock; the harness moves
// time in small steps and only once every running candidate sleeps on the clock, so each step
// is fully processed before the next. One test runs on real time with short durations.
#include "gpuext/kube/leader_election.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/emulator/server.h"
#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/time_format.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::ThrowsMessage;
using SteadyDuration = std::chrono::steady_clock::duration;

constexpr char kNamespace[] = "kube-system";
constexpr char kLeaseName[] = "gpu-extension-leader";

// Forwards to a real client until partitioned; then every call fails like a dead network.
class PartitionableClient final : public Client {
 public:
  explicit PartitionableClient(Client& inner) : inner_(inner) {}

  void set_partitioned(bool partitioned) { partitioned_ = partitioned; }

  std::optional<json> Get(const Resource& r, const ObjectKey& k) override {
    Check();
    return inner_.Get(r, k);
  }
  json List(const Resource& r, const ListOptions& o) override {
    Check();
    return inner_.List(r, o);
  }
  json Create(const Resource& r, const json& obj, const WriteOptions& o) override {
    Check();
    return inner_.Create(r, obj, o);
  }
  json Update(const Resource& r, const json& obj, Subresource s, const WriteOptions& o) override {
    Check();
    return inner_.Update(r, obj, s, o);
  }
  json Patch(const Resource& r, const ObjectKey& k, PatchType t, const json& p, Subresource s,
             const WriteOptions& o) override {
    Check();
    return inner_.Patch(r, k, t, p, s, o);
  }
  void Delete(const Resource& r, const ObjectKey& k, const DeleteOptions& o) override {
    Check();
    inner_.Delete(r, k, o);
  }
  void DeleteCollection(const Resource& r, const ListOptions& o, const DeleteOptions& d) override {
    Check();
    inner_.DeleteCollection(r, o, d);
  }
  std::unique_ptr<WatchStream> Watch(const Resource& r, const ListOptions& o,
                                     std::stop_token stop) override {
    Check();
    return inner_.Watch(r, o, std::move(stop));
  }

 private:
  void Check() const {
    if (partitioned_) {
      throw Error(ErrorCode::kTimeout, "simulated network partition");
    }
  }

  Client& inner_;
  std::atomic<bool> partitioned_{false};
};

// The fake clock as candidates see it, counting the sleeps that still wait for a future
// deadline. FakeClock::Sleepers() also counts a sleeper that Advance() already woke but that has
// not run yet, which would let the harness move time on before a candidate did its work.
class ObservedClock final : public Clock {
 public:
  explicit ObservedClock(gpuext::testing::FakeClock& inner) : inner_(inner) {}

  std::chrono::system_clock::time_point Now() const override { return inner_.Now(); }
  std::chrono::steady_clock::time_point SteadyNow() const override { return inner_.SteadyNow(); }
  bool SleepUntil(std::chrono::steady_clock::time_point deadline, std::stop_token stop) override {
    std::multiset<std::chrono::steady_clock::time_point>::iterator it;
    {
      std::lock_guard lock(mu_);
      it = deadlines_.insert(deadline);
    }
    const bool reached = inner_.SleepUntil(deadline, std::move(stop));
    std::lock_guard lock(mu_);
    deadlines_.erase(it);
    return reached;
  }

  // Sleepers whose deadline is still ahead: they will not act before time moves on.
  std::size_t PendingSleepers() const {
    const auto now = inner_.SteadyNow();
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(
        std::count_if(deadlines_.begin(), deadlines_.end(), [&](auto d) { return d > now; }));
  }

 private:
  gpuext::testing::FakeClock& inner_;
  mutable std::mutex mu_;  // Guards deadlines_.
  std::multiset<std::chrono::steady_clock::time_point> deadlines_;
};

// Counts leaders across all candidates from inside the callbacks.
struct LeaderTally {
  std::atomic<int> leaders{0};
  std::atomic<int> most_leaders{0};

  void Started() {
    const int now = ++leaders;
    int seen = most_leaders.load();
    while (now > seen && !most_leaders.compare_exchange_weak(seen, now)) {
    }
  }
  void Stopped() { --leaders; }
};

// One replica: an elector running on its own thread, with callbacks that record what happened.
class Candidate {
 public:
  Candidate(std::string id, Client& api, Clock& clock, LeaderTally& tally,
            metrics::Registry& registry, bool release_on_cancel = true,
            LeaderElectionOptions timing = {})
      : client_(api), clock_(clock), tally_(tally) {
    timing.lease_namespace = kNamespace;
    timing.lease_name = kLeaseName;
    timing.identity = std::move(id);
    timing.release_on_cancel = release_on_cancel;
    timing.registry = &registry;
    timing.callbacks = {
        .on_started_leading =
            [this](std::stop_token stop) {
              tally_.Started();
              Set(started_at_, clock_.SteadyNow());
              // Hold "the work" until leadership ends.
              std::mutex mu;
              std::condition_variable_any cv;
              std::unique_lock lock(mu);
              cv.wait(lock, stop, [] { return false; });
              tally_.Stopped();
            },
        .on_stopped_leading = [this] { Set(stopped_at_, clock_.SteadyNow()); },
        .on_new_leader =
            [this](const std::string& leader) {
              std::lock_guard lock(mu_);
              new_leaders_.push_back(leader);
            },
    };
    elector_ = std::make_unique<LeaderElector>(client_, clock, std::move(timing));
  }

  ~Candidate() { Stop(); }

  void Start() {
    running_ = true;
    thread_ = std::jthread([this](std::stop_token stop) {
      Set(result_, elector_->Run(stop));
      running_ = false;
    });
  }
  // Stops the elector (as SIGTERM would) and waits for Run to return.
  void Stop() {
    thread_.request_stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  LeaderElector& elector() { return *elector_; }
  PartitionableClient& client() { return client_; }
  bool running() const { return running_; }
  std::optional<LeaderElectionResult> result() const { return Read(result_); }
  std::optional<std::chrono::steady_clock::time_point> started_at() const {
    return Read(started_at_);
  }
  std::optional<std::chrono::steady_clock::time_point> stopped_at() const {
    return Read(stopped_at_);
  }
  std::vector<std::string> new_leaders() const {
    std::lock_guard lock(mu_);
    return new_leaders_;
  }

 private:
  PartitionableClient client_;
  Clock& clock_;
  LeaderTally& tally_;
  std::unique_ptr<LeaderElector> elector_;
  std::atomic<bool> running_{false};
  template <typename T>
  void Set(std::optional<T>& field, T value) {
    std::lock_guard lock(mu_);
    field = value;
  }
  template <typename T>
  std::optional<T> Read(const std::optional<T>& field) const {
    std::lock_guard lock(mu_);
    return field;
  }

  mutable std::mutex mu_;  // Guards the fields below.
  std::optional<LeaderElectionResult> result_;
  std::optional<std::chrono::steady_clock::time_point> started_at_;
  std::optional<std::chrono::steady_clock::time_point> stopped_at_;
  std::vector<std::string> new_leaders_;
  std::jthread thread_;  // Last: stopped before the state it writes goes away.
};

class LeaderElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<emulator::Server>(emulator::ServerOptions{.listen = "127.0.0.1:0"},
                                                 Logger::Root().WithName("emulator"));
    server_->Start();
    api_ = std::make_unique<HttpClient>(RestConfig{.server = server_->url(),
                                                   .ca_pem = server_->ca_pem(),
                                                   .bearer_token = server_->admin_token()},
                                        HttpClientOptions{.qps = 0, .max_attempts = 1});
  }

  void TearDown() override {
    candidates_.clear();
    api_.reset();  // closes the keep-alive connections, so Stop() need not wait for them
    server_->Stop();
  }

  Candidate& Add(const std::string& id, bool release_on_cancel = true,
                 LeaderElectionOptions timing = {}) {
    candidates_.push_back(std::make_unique<Candidate>(id, *api_, observed_, tally_, registry_,
                                                      release_on_cancel, std::move(timing)));
    return *candidates_.back();
  }

  // Blocks (for real, bounded) until every running candidate sleeps on the fake clock.
  void WaitUntilAllAsleep() {
    const auto limit = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < limit) {
      std::size_t running = 0;
      for (const auto& c : candidates_) {
        running += c->running() ? 1 : 0;
      }
      if (observed_.PendingSleepers() >= running) {
        return;
      }
      std::this_thread::sleep_for(1ms);  // synchronisation only: nothing here is timed
    }
    ADD_FAILURE() << "candidates did not go back to sleep";
  }

  // Moves fake time in `step`s until `done()` holds (checked between steps, with all
  // candidates asleep) or `limit` fake time has passed. Returns the fake time it took.
  std::optional<SteadyDuration> AdvanceUntil(const std::function<bool()>& done,
                                             SteadyDuration limit, SteadyDuration step = 250ms) {
    const auto start = clock_.SteadyNow();
    while (true) {
      WaitUntilAllAsleep();
      if (done()) {
        return clock_.SteadyNow() - start;
      }
      if (clock_.SteadyNow() - start >= limit) {
        return std::nullopt;
      }
      clock_.Advance(step);
    }
  }

  void Advance(SteadyDuration total) {
    (void)AdvanceUntil([] { return false; }, total);
  }

  json Lease() { return api_->Get(kLeases, {kNamespace, kLeaseName}).value(); }

  std::unique_ptr<emulator::Server> server_;
  std::unique_ptr<HttpClient> api_;
  gpuext::testing::FakeClock clock_;
  ObservedClock observed_{clock_};
  metrics::Registry registry_;
  LeaderTally tally_;
  std::vector<std::unique_ptr<Candidate>> candidates_;
};

TEST_F(LeaderElectionTest, OneCandidateLeadsAndTheOtherFollows) {
  Candidate& a = Add("a");
  Candidate& b = Add("b");
  a.Start();
  b.Start();
  ASSERT_TRUE(AdvanceUntil([&] { return a.elector().IsLeader() || b.elector().IsLeader(); }, 10s));
  Advance(60s);
  Candidate& leader = a.elector().IsLeader() ? a : b;
  Candidate& follower = &leader == &a ? b : a;
  EXPECT_FALSE(follower.elector().IsLeader());
  EXPECT_EQ(follower.elector().leader(), leader.elector().identity());
  EXPECT_EQ(follower.new_leaders(), std::vector<std::string>{leader.elector().identity()});
  EXPECT_EQ(tally_.most_leaders, 1);

  const json spec = Lease().at("spec");
  EXPECT_EQ(spec.at("holderIdentity"), leader.elector().identity());
  EXPECT_EQ(spec.at("leaseDurationSeconds"), 15);
  EXPECT_EQ(spec.at("leaseTransitions"), 0);
  // Renewed every retry period: the last renewal is at most 2 s (plus one step) old.
  const auto renewed = ParseRfc3339(spec.at("renewTime").get<std::string>()).value();
  EXPECT_LE(clock_.Now() - renewed, 2250ms);
  EXPECT_THAT(registry_.Expose(),
              HasSubstr("leader_election_master_status{name=\"gpu-extension-leader\"} 1\n"));
}

TEST_F(LeaderElectionTest, TakesOverWithinTheLeaseDurationAfterTheLeaderIsKilled) {
  Candidate& a = Add("a", /*release_on_cancel=*/false);
  a.Start();
  ASSERT_TRUE(AdvanceUntil([&] { return a.elector().IsLeader(); }, 10s));
  Candidate& b = Add("b");
  b.Start();
  Advance(30s);
  ASSERT_FALSE(b.elector().IsLeader());

  const auto last_renewal = ParseRfc3339(Lease().at("spec").at("renewTime").get<std::string>());
  a.Stop();  // killed: no release
  const auto took = AdvanceUntil([&] { return b.elector().IsLeader(); }, 60s);
  ASSERT_TRUE(took.has_value()) << "b never took over";
  // b waits until the lease expired by its own observation (15 s after the last renewal it
  // saw), and retries at most every 2 s · (1 + 1.2) after that.
  const auto since_renewal = clock_.Now() - *last_renewal;
  EXPECT_GE(since_renewal, 15s);
  // It saw the last renewal at most one jittered retry (4.4 s) after it was written, and
  // tries again at most 4.4 s after the lease expired by that observation.
  EXPECT_LE(since_renewal, 15s + 2 * 4400ms + 250ms);
  EXPECT_EQ(tally_.most_leaders, 1);
  const json spec = Lease().at("spec");
  EXPECT_EQ(spec.at("holderIdentity"), "b");
  EXPECT_EQ(spec.at("leaseTransitions"), 1);
  EXPECT_EQ(b.new_leaders(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(LeaderElectionTest, PartitionedLeaderStopsLeadingBeforeAnyoneTakesOver) {
  Candidate& a = Add("a");
  a.Start();
  ASSERT_TRUE(AdvanceUntil([&] { return a.elector().IsLeader(); }, 10s));
  Candidate& b = Add("b");
  b.Start();
  Advance(10s);

  a.client().set_partitioned(true);
  ASSERT_TRUE(AdvanceUntil([&] { return b.elector().IsLeader(); }, 60s));
  // b's leading thread starts right after the acquire; wait for it without moving time.
  const auto limit = std::chrono::steady_clock::now() + 10s;
  while (!b.started_at().has_value() && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(1ms);  // synchronisation only: nothing here is timed
  }
  ASSERT_TRUE(b.started_at().has_value());
  EXPECT_EQ(a.result(), LeaderElectionResult::kLost);
  ASSERT_TRUE(a.stopped_at().has_value());
  // The renew deadline (10 s) is shorter than the lease (15 s): a gives up well before b
  // may take over, so there are never two leaders.
  EXPECT_LE(*a.stopped_at() + 2s, *b.started_at());
  EXPECT_EQ(tally_.most_leaders, 1);
}

TEST_F(LeaderElectionTest, ReleaseOnCancelHandsOverAtOnce) {
  Candidate& a = Add("a");
  a.Start();
  ASSERT_TRUE(AdvanceUntil([&] { return a.elector().IsLeader(); }, 10s));
  Candidate& b = Add("b");
  b.Start();
  Advance(20s);
  a.Stop();
  EXPECT_EQ(a.result(), LeaderElectionResult::kStopped);
  EXPECT_EQ(Lease().at("spec").at("holderIdentity"), "");
  EXPECT_EQ(Lease().at("spec").at("leaseDurationSeconds"), 1);

  const auto took = AdvanceUntil([&] { return b.elector().IsLeader(); }, 60s);
  ASSERT_TRUE(took.has_value());
  // Within one jittered retry period instead of the 15 s lease.
  EXPECT_LE(*took, 4400ms + 250ms);
  EXPECT_EQ(tally_.most_leaders, 1);
  EXPECT_EQ(Lease().at("spec").at("leaseTransitions"), 1);
  EXPECT_THAT(registry_.Expose(),
              HasSubstr("leader_election_master_status{name=\"gpu-extension-leader\"} 1\n"));
}

TEST_F(LeaderElectionTest, JudgesExpiryByLocalObservationNotRemoteRenewTime) {
  // Another holder whose clock is far behind ours: by its renewTime the lease expired years
  // ago, but it keeps renewing. Only our own observation of changes counts.
  const auto write_foreign_renewal = [&](std::int64_t n) {
    json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", kLeaseName}, {"namespace", kNamespace}}},
                  {"spec",
                   {{"holderIdentity", "other"},
                    {"leaseDurationSeconds", 15},
                    {"renewTime", fmt::format("2020-01-01T00:00:{:02}.000000Z", n % 60)},
                    {"leaseTransitions", 0}}}};
    if (auto current = api_->Get(kLeases, {kNamespace, kLeaseName})) {
      lease["metadata"] = current->at("metadata");
      api_->Update(kLeases, lease);
    } else {
      api_->Create(kLeases, lease);
    }
  };
  write_foreign_renewal(0);
  Candidate& b = Add("b");
  b.Start();
  for (int i = 1; i <= 12; ++i) {
    Advance(5s);
    write_foreign_renewal(i);
  }
  EXPECT_FALSE(b.elector().IsLeader()) << "took a lease that was renewed every 5 s";
  EXPECT_EQ(b.elector().leader(), "other");

  const auto took = AdvanceUntil([&] { return b.elector().IsLeader(); }, 60s);
  ASSERT_TRUE(took.has_value());
  EXPECT_GE(*took, 15s);  // 15 s from when b saw the last change, which is not before it
  EXPECT_LE(*took, 15s + 2 * 4400ms + 250ms);
  EXPECT_EQ(Lease().at("spec").at("leaseTransitions"), 1);
}

TEST_F(LeaderElectionTest, StoppingAFollowerNeverCallsOnStoppedLeading) {
  Candidate& a = Add("a");
  a.Start();
  ASSERT_TRUE(AdvanceUntil([&] { return a.elector().IsLeader(); }, 10s));
  Candidate& b = Add("b");
  b.Start();
  Advance(5s);
  b.Stop();
  EXPECT_EQ(b.result(), LeaderElectionResult::kStopped);
  EXPECT_FALSE(b.stopped_at().has_value());
  EXPECT_EQ(Lease().at("spec").at("holderIdentity"), "a");  // a follower releases nothing
}

TEST_F(LeaderElectionTest, TwoCandidatesOnRealTimeNeverLeadTogether) {
  RealClock& real = RealClock::Instance();
  const LeaderElectionOptions fast = {
      .lease_duration = 2s, .renew_deadline = 1500ms, .retry_period = 250ms};
  LeaderTally tally;
  std::vector<std::unique_ptr<Candidate>> pair;
  pair.push_back(std::make_unique<Candidate>("a", *api_, real, tally, registry_, false, fast));
  pair.push_back(std::make_unique<Candidate>("b", *api_, real, tally, registry_, false, fast));
  pair[0]->Start();
  pair[1]->Start();
  const auto wait_for = [](const std::function<bool()>& done) {
    const auto limit = std::chrono::steady_clock::now() + 15s;
    while (!done() && std::chrono::steady_clock::now() < limit) {
      std::this_thread::sleep_for(10ms);  // polling real state, not timing it
    }
    return done();
  };
  ASSERT_TRUE(wait_for([&] { return pair[0]->started_at() || pair[1]->started_at(); }));
  Candidate& leader = pair[0]->started_at() ? *pair[0] : *pair[1];
  Candidate& follower = &leader == pair[0].get() ? *pair[1] : *pair[0];
  const auto killed = std::chrono::steady_clock::now();
  leader.Stop();  // killed without release
  ASSERT_TRUE(wait_for([&] { return follower.started_at().has_value(); }));
  const auto took = std::chrono::steady_clock::now() - killed;
  // Lease (2 s) after the follower's last observation, which lags the last renewal by at most
  // one jittered retry (0.55 s), plus one more retry; generous slack for a loaded machine.
  EXPECT_LE(took, 6s);
  EXPECT_EQ(tally.most_leaders, 1);
  EXPECT_EQ(Lease().at("spec").at("holderIdentity"), follower.elector().identity());
}

TEST(LeaderElectorOptionsTest, RejectsInconsistentTimings) {
  gpuext::testing::FakeClock clock;
  metrics::Registry registry;
  kube::testing::FakeClient client;
  struct Case {
    std::string name;
    LeaderElectionOptions options;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"no lease name", {.lease_namespace = "ns"}, "needs a lease name and namespace"},
      {"renew deadline not below the lease",
       {.lease_namespace = "ns", .lease_name = "l", .lease_duration = 10s, .renew_deadline = 10s},
       "lease duration (10s) > renew deadline (10000ms)"},
      {"retry with jitter not below the renew deadline",
       {.lease_namespace = "ns",
        .lease_name = "l",
        .renew_deadline = 2s,
        .retry_period = 2s,
        .jitter_factor = 1.2},
       "jitter factor (1.2) x retry period (2000ms)"},
      {"zero retry period",
       {.lease_namespace = "ns", .lease_name = "l", .retry_period = 0ms},
       "> 0"},
  };
  for (Case c : cases) {
    SCOPED_TRACE(c.name);
    c.options.registry = &registry;
    EXPECT_THAT([&] { static_cast<void>(LeaderElector(client, clock, c.options)); },
                ThrowsMessage<Error>(HasSubstr(c.message)));
  }
}

TEST(DefaultLeaderIdentityTest, IsPodNameUnderscoreUuid) {
  ::setenv("POD_NAME", "gardener-extension-gpu-5d9f-x2", 1);
  const std::string first = DefaultLeaderIdentity();
  const std::string second = DefaultLeaderIdentity();
  ::unsetenv("POD_NAME");
  EXPECT_THAT(first,
              MatchesRegex("gardener-extension-gpu-5d9f-x2_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                           "[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_NE(first, second) << "a restarted pod must be a new candidate";
  EXPECT_THAT(DefaultLeaderIdentity(), MatchesRegex(".+_[0-9a-f-]{36}"));
}

}  // namespace
}  // namespace gpuext::kube
