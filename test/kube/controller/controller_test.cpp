// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Controller against FakeClient (informers over its watches) with a FakeClock for every wait
// the controller makes: requeue delays and backoff are checked in fake time, exactly. Tests
// block (for real, bounded) only to let the controller's threads catch up with an event.
#include "gpuext/kube/controller.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/kube/cache.h"
#include "gpuext/kube/metrics.h"
#include "gpuext/kube/object.h"
#include "gpuext/kube/reconciler.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const Resource kConfigMaps{"", "v1", "configmaps"};
const Resource kPods{"", "v1", "pods"};
const Resource kDeployments{"apps", "v1", "deployments"};
const Resource kNodes{"", "v1", "nodes", false};

json Object(const std::string& ns, const std::string& name, json labels = json::object()) {
  json obj = {{"metadata", {{"name", name}, {"labels", std::move(labels)}}}};
  if (!ns.empty()) {
    obj["metadata"]["namespace"] = ns;
  }
  return obj;
}

// One Reconcile call as the reconciler saw it.
struct Call {
  Request request;
  std::string reconcile_id;
  std::chrono::steady_clock::time_point at;  // fake time
};

// Records calls and answers through `answer` (default: done). Waits are real time, bounded:
// they only let the controller's threads catch up.
class Recorder final : public Reconciler {
 public:
  using Answer = std::function<Result(const ReconcileContext&, const Request&, int call_index)>;

  explicit Recorder(Answer answer = {}) : answer_(std::move(answer)) {}

  Result Reconcile(const ReconcileContext& ctx, const Request& request) override {
    int index = 0;
    {
      std::lock_guard lock(mu_);
      index = static_cast<int>(calls_.size());
      calls_.push_back({request, ctx.reconcile_id, ctx.clock.SteadyNow()});
      cv_.notify_all();
    }
    return answer_ ? answer_(ctx, request, index) : Result{};
  }

  // Waits until `n` calls happened in total; returns all calls so far.
  std::vector<Call> WaitForCalls(std::size_t n) {
    std::unique_lock lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, 10s, [&] { return calls_.size() >= n; }))
        << "only " << calls_.size() << " of " << n << " reconciles happened";
    return calls_;
  }
  // Waits until `key` has been reconciled; returns all calls so far.
  std::vector<Call> WaitFor(const std::string& key) {
    std::unique_lock lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, 10s,
                             [&] {
                               return std::any_of(calls_.begin(), calls_.end(), [&](const Call& c) {
                                 return c.request.String() == key;
                               });
                             }))
        << key << " was not reconciled";
    return calls_;
  }
  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::vector<std::string> Keys() const {
    std::vector<std::string> out;
    for (const auto& c : calls()) {
      out.push_back(c.request.String());
    }
    return out;
  }

 private:
  const Answer answer_;
  mutable std::mutex mu_;  // Guards calls_.
  std::condition_variable cv_;
  std::vector<Call> calls_;
};

class ControllerTest : public ::testing::Test {
 protected:
  void TearDown() override { StopController(); }

  Controller& Make(Reconciler& reconciler, ControllerOptions options = {}) {
    options.clock = &clock_;
    options.registry = &registry_;
    controller_ = std::make_unique<Controller>("test", cache_, reconciler, std::move(options));
    return *controller_;
  }

  // Stops the controller when the test body ends, before the reconcilers and gates it uses
  // (locals of the body) go away; `before_stop` unblocks reconciles that wait on the test.
  class [[nodiscard]] StopGuard {
   public:
    StopGuard(ControllerTest& test, std::function<void()> before_stop)
        : test_(test), before_stop_(std::move(before_stop)) {}
    ~StopGuard() {
      if (before_stop_) {
        before_stop_();
      }
      test_.StopController();
    }
    StopGuard(const StopGuard&) = delete;
    StopGuard& operator=(const StopGuard&) = delete;

   private:
    ControllerTest& test_;
    std::function<void()> before_stop_;
  };

  StopGuard StartController(std::function<void()> before_stop = {}) {
    cache_.Start();
    runner_ = std::jthread([this](std::stop_token stop) { controller_->Start(stop); });
    return StopGuard(*this, std::move(before_stop));
  }

  void StopController() {
    if (runner_.joinable()) {
      runner_.request_stop();
      runner_.join();
    }
    cache_.Stop();
  }

  // Waits until the workqueue's delay thread sleeps on the fake clock for a requeue.
  void WaitForRequeueTimer() { ASSERT_TRUE(clock_.WaitForSleepers(1)); }

  std::string Metrics() const { return registry_.Expose(); }

  gpuext::testing::FakeClock clock_;
  testing::FakeClient client_{{.clock = &clock_}};
  Cache cache_{client_, {}, clock_};
  metrics::Registry registry_;
  std::unique_ptr<Controller> controller_;
  std::jthread runner_;  // Last: stopped first.
};

TEST_F(ControllerTest, ReconcilesTheObjectOfEveryCreateUpdateAndDelete) {
  client_.Seed(kConfigMaps, Object("ns", "seeded"));
  Recorder rec;
  Make(rec).For(kConfigMaps);
  const auto running = StartController();
  rec.WaitForCalls(1);  // the initial list counts as creates

  client_.Create(kConfigMaps, Object("ns", "new"));
  rec.WaitForCalls(2);
  client_.Patch(kConfigMaps, {"ns", "new"}, PatchType::kMerge, {{"data", {{"k", "v"}}}});
  rec.WaitForCalls(3);
  client_.Delete(kConfigMaps, {"ns", "seeded"});
  const auto calls = rec.WaitForCalls(4);

  std::vector<std::string> keys;
  std::set<std::string> ids;
  for (const auto& c : calls) {
    keys.push_back(c.request.String());
    ids.insert(c.reconcile_id);
  }
  EXPECT_THAT(keys, ElementsAre("ns/seeded", "ns/new", "ns/new", "ns/seeded"));
  EXPECT_EQ(ids.size(), 4u) << "every Reconcile call gets its own reconcile ID";
  for (const auto& id : ids) {
    EXPECT_THAT(id, ::testing::MatchesRegex(
                        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  }
}

TEST_F(ControllerTest, OwnerMappingEnqueuesOnlyTheControllingOwnerOfTheGivenKind) {
  Recorder rec;
  Make(rec)
      .For(kDeployments)
      .Watches(kPods, EnqueueRequestForOwner({.group = "apps", .kind = "Deployment"}));
  const auto running = StartController();

  json pod = Object("ns", "pod-1");
  pod["metadata"]["ownerReferences"] = json::array({
      {{"apiVersion", "apps/v1"},
       {"kind", "Deployment"},
       {"name", "web"},
       {"uid", "u1"},
       {"controller", true}},
      {{"apiVersion", "apps/v1"},
       {"kind", "Deployment"},
       {"name", "not-controller"},
       {"uid", "u2"}},
      {{"apiVersion", "apps/v1"},
       {"kind", "ReplicaSet"},
       {"name", "other-kind"},
       {"uid", "u3"},
       {"controller", true}},
      {{"apiVersion", "extensions/v1beta1"},
       {"kind", "Deployment"},
       {"name", "other-group"},
       {"uid", "u4"},
       {"controller", true}},
  });
  client_.Create(kPods, pod);
  rec.WaitFor("ns/web");
  // A sentinel through the same single worker: once it ran, everything queued before it did.
  client_.Create(kDeployments, Object("ns", "sentinel"));
  rec.WaitFor("ns/sentinel");
  EXPECT_THAT(rec.Keys(), ElementsAre("ns/web", "ns/sentinel"));
}

TEST_F(ControllerTest, LabelMappingReachesTheOldAndTheNewTargetWhenTheLabelChanges) {
  Recorder rec;
  Make(rec).Watches(kNodes, EnqueueRequestsFromLabel("pool", "garden"));
  const auto running = StartController();

  client_.Create(kNodes, Object("", "node-1", {{"pool", "a"}}));
  rec.WaitFor("garden/a");
  client_.Create(kNodes, Object("", "node-2"));  // no label: nothing to do
  client_.Patch(kNodes, {"", "node-1"}, PatchType::kMerge,
                {{"metadata", {{"labels", {{"pool", "b"}}}}}});
  const auto calls = rec.WaitForCalls(3);
  EXPECT_EQ(calls[0].request, (Request{"garden", "a"}));
  std::set<std::string> after_change = {calls[1].request.String(), calls[2].request.String()};
  EXPECT_EQ(after_change, (std::set<std::string>{"garden/a", "garden/b"}));
}

TEST_F(ControllerTest, CustomMapperFansOutAndAnUpdateReachesOldAndNewTargetsOnce) {
  // A routing ConfigMap names its targets in its data: one event, several requests.
  const MapFunc targets = [](const json& obj) {
    std::vector<Request> out;
    const json data = obj.value("data", json::object());  // items() must not see a temporary
    for (const auto& [key, value] : data.items()) {
      out.push_back({"targets", value.get<std::string>()});
    }
    return out;
  };
  Recorder rec;
  Make(rec).Watches(kConfigMaps, targets);
  const auto running = StartController();

  json routes = Object("ns", "routes");
  routes["data"] = {{"a", "x"}, {"b", "y"}};
  client_.Create(kConfigMaps, routes);
  rec.WaitForCalls(2);  // both started: neither is still waiting in the queue
  // y → z: x (old and new), y (old only) and z (new only) are each queued once.
  client_.Patch(kConfigMaps, {"ns", "routes"}, PatchType::kMerge, {{"data", {{"b", "z"}}}});
  json sentinel = Object("ns", "sentinel");
  sentinel["data"] = {{"s", "sentinel"}};
  client_.Create(kConfigMaps, sentinel);
  rec.WaitFor("targets/sentinel");  // one worker, FIFO: everything queued before it ran
  const auto keys = rec.Keys();
  const auto count = [&](const std::string& key) {
    return std::count(keys.begin(), keys.end(), key);
  };
  EXPECT_EQ(count("targets/x"), 2) << ::testing::PrintToString(keys);
  EXPECT_EQ(count("targets/y"), 2) << ::testing::PrintToString(keys);
  EXPECT_EQ(count("targets/z"), 1) << ::testing::PrintToString(keys);
  EXPECT_EQ(keys.size(), 6u) << ::testing::PrintToString(keys);
}

TEST_F(ControllerTest, PredicatesFilterEventsPerKind) {
  Recorder rec;
  Make(rec).For(
      kConfigMaps,
      {GenerationChangedPredicate(),
       Predicate{.on_create = [](const json& obj) { return !Labels(obj).contains("ignore"); },
                 .on_delete = [](const json&) { return false; }}});
  const auto running = StartController();

  client_.Create(kConfigMaps, Object("ns", "ignored", {{"ignore", "yes"}}));
  client_.Create(kConfigMaps, Object("ns", "a"));
  rec.WaitFor("ns/a");
  // Labels only: the generation stays, the update is filtered.
  client_.Patch(kConfigMaps, {"ns", "a"}, PatchType::kMerge,
                {{"metadata", {{"labels", {{"x", "y"}}}}}});
  // Data: a new generation passes.
  client_.Patch(kConfigMaps, {"ns", "a"}, PatchType::kMerge, {{"data", {{"k", "v"}}}});
  rec.WaitForCalls(2);
  client_.Delete(kConfigMaps, {"ns", "a"});  // filtered
  client_.Create(kConfigMaps, Object("ns", "sentinel"));
  rec.WaitFor("ns/sentinel");
  EXPECT_THAT(rec.Keys(), ElementsAre("ns/a", "ns/a", "ns/sentinel"));
}

TEST_F(ControllerTest, GenericEventsPassTheGenericPredicatesAndTheMapper) {
  Recorder rec;
  Make(rec).For(kConfigMaps,
                {Predicate{.on_generic = [](const json& obj) { return Name(obj) != "blocked"; }}});
  const auto running = StartController();
  controller_->Generic(kConfigMaps, Object("ns", "blocked"));
  controller_->Generic(kConfigMaps, Object("ns", "passed"));
  controller_->Generic(kPods, Object("ns", "not-watched"));
  controller_->Enqueue({"ns", "sentinel"});
  rec.WaitFor("ns/sentinel");
  EXPECT_THAT(rec.Keys(), ElementsAre("ns/passed", "ns/sentinel"));
}

TEST_F(ControllerTest, ExceptionsRequeueRateLimitedWithExponentialBackoff) {
  Recorder rec([](const ReconcileContext&, const Request&, int index) -> Result {
    if (index < 4) {
      throw std::runtime_error("boom " + std::to_string(index));
    }
    if (index == 4) {
      throw 42;  // not a std::exception: still caught at the worker boundary
    }
    return {};
  });
  Make(rec).For(kConfigMaps);
  ::testing::internal::CaptureStderr();
  const auto running = StartController();
  client_.Create(kConfigMaps, Object("ns", "a"));
  rec.WaitForCalls(1);

  // 5 ms, 10 ms, 20 ms, 40 ms, 80 ms: each retry comes exactly when its backoff has passed.
  std::chrono::milliseconds backoff = 5ms;
  for (std::size_t call = 2; call <= 6; ++call) {
    WaitForRequeueTimer();
    clock_.Advance(backoff - 1ms);
    WaitForRequeueTimer();  // still waiting: a millisecond early
    EXPECT_EQ(rec.calls().size(), call - 1);
    clock_.Advance(1ms);
    rec.WaitForCalls(call);
    backoff *= 2;
  }
  const auto calls = rec.calls();
  ASSERT_EQ(calls.size(), 6u);
  std::vector<std::chrono::milliseconds> gaps;
  for (std::size_t i = 1; i < calls.size(); ++i) {
    gaps.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(calls[i].at - calls[i - 1].at));
  }
  EXPECT_THAT(gaps, ElementsAre(5ms, 10ms, 20ms, 40ms, 80ms));

  // The success forgot the backoff; nothing is queued any more.
  StopController();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(controller_->queue().NumRequeues("ns/a"), 0);
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(log, HasSubstr(calls[static_cast<std::size_t>(i)].reconcile_id))
        << "the error of call " << i << " is logged with its reconcile ID";
  }
  EXPECT_THAT(log, HasSubstr("Reconciler error"));
  EXPECT_THAT(log, HasSubstr("boom 3"));
  EXPECT_THAT(log, HasSubstr("not a std::exception"));

  const std::string m = Metrics();
  EXPECT_THAT(
      m, HasSubstr("controller_runtime_reconcile_total{controller=\"test\",result=\"error\"} 5"));
  EXPECT_THAT(
      m, HasSubstr("controller_runtime_reconcile_total{controller=\"test\",result=\"success\"} 1"));
  EXPECT_THAT(m, HasSubstr("controller_runtime_reconcile_errors_total{controller=\"test\"} 5"));
  EXPECT_THAT(m,
              HasSubstr("controller_runtime_reconcile_time_seconds_count{controller=\"test\"} 6"));
  EXPECT_THAT(m, HasSubstr("workqueue_retries_total{name=\"test\"} 5"));
}

TEST_F(ControllerTest, RequeueAfterIsHonouredInFakeTimeAndRequeueUsesTheBackoff) {
  Recorder rec([](const ReconcileContext&, const Request&, int index) -> Result {
    if (index == 0) {
      return {.requeue_after = 30s};
    }
    if (index == 1) {
      return {.requeue = true};
    }
    return {};
  });
  Make(rec).For(kConfigMaps);
  const auto running = StartController();
  client_.Create(kConfigMaps, Object("ns", "a"));
  rec.WaitForCalls(1);

  WaitForRequeueTimer();
  clock_.Advance(29s);
  WaitForRequeueTimer();
  EXPECT_EQ(rec.calls().size(), 1u);
  clock_.Advance(1s);
  rec.WaitForCalls(2);
  // Result.requeue: rate-limited, the first backoff step (the requeue_after forgot the key).
  WaitForRequeueTimer();
  clock_.Advance(5ms);
  const auto calls = rec.WaitForCalls(3);
  EXPECT_EQ(calls[1].at - calls[0].at, 30s);
  EXPECT_EQ(calls[2].at - calls[1].at, 5ms);

  // The third reconcile's result is counted after it returns: stopping joins the workers.
  StopController();
  const std::string m = Metrics();
  EXPECT_THAT(m, HasSubstr("result=\"requeue_after\"} 1"));
  EXPECT_THAT(m, HasSubstr("result=\"requeue\"} 1"));
  EXPECT_THAT(m, HasSubstr("result=\"success\"} 1"));
  EXPECT_THAT(m, HasSubstr("result=\"error\"} 0"));
}

// Blocks reconciles until opened; counts what runs at once, overall and per key.
class Gate {
 public:
  void Enter(const std::string& key) {
    std::unique_lock lock(mu_);
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    if (++per_key_[key] > 1) {
      same_key_overlap_ = true;
    }
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    --per_key_[key];
    --in_flight_;
    cv_.notify_all();
  }
  bool WaitInFlight(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return in_flight_ >= n; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int max_in_flight() const {
    std::lock_guard lock(mu_);
    return max_in_flight_;
  }
  bool same_key_overlap() const {
    std::lock_guard lock(mu_);
    return same_key_overlap_;
  }

 private:
  mutable std::mutex mu_;  // Guards everything below.
  std::condition_variable cv_;
  bool open_ = false;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  bool same_key_overlap_ = false;
  std::map<std::string, int> per_key_;
};

TEST_F(ControllerTest, WorkersRunInParallelButNeverOnTheSameKey) {
  Gate gate;
  Recorder rec([&](const ReconcileContext&, const Request& r, int) {
    gate.Enter(r.String());
    return Result{};
  });
  Make(rec, {.max_concurrent_reconciles = 4}).For(kConfigMaps);
  const auto running = StartController([&] { gate.Open(); });
  for (int i = 0; i < 4; ++i) {
    client_.Create(kConfigMaps, Object("ns", "cm-" + std::to_string(i)));
  }
  ASSERT_TRUE(gate.WaitInFlight(4)) << "four workers reconcile four keys at once";
  EXPECT_THAT(Metrics(), HasSubstr("controller_runtime_active_workers{controller=\"test\"} 4"));
  EXPECT_THAT(Metrics(),
              HasSubstr("controller_runtime_max_concurrent_reconciles{controller=\"test\"} 4"));

  // Changes to a key in flight: it is marked dirty, not handed to a free worker.
  for (int i = 0; i < 5; ++i) {
    client_.Patch(kConfigMaps, {"ns", "cm-0"}, PatchType::kMerge,
                  {{"data", {{"v", std::to_string(i)}}}});
  }
  client_.Create(kConfigMaps, Object("ns", "sentinel"));
  // The sentinel cannot start either: all four workers are busy. Once the informer queued it,
  // it has delivered every patch before it too.
  for (int i = 0; i < 1000 && controller_->queue().Len() < 1; ++i) {
    std::this_thread::sleep_for(1ms);  // synchronisation only: nothing here is timed
  }
  ASSERT_EQ(controller_->queue().Len(), 1u) << "cm-0 is in flight, so only the sentinel waits";
  gate.Open();
  rec.WaitFor("ns/sentinel");
  const auto calls = rec.WaitForCalls(6);  // 4 + cm-0 once more + sentinel
  EXPECT_FALSE(gate.same_key_overlap());
  EXPECT_EQ(gate.max_in_flight(), 4);
  EXPECT_EQ(std::count_if(calls.begin(), calls.end(),
                          [](const Call& c) { return c.request.String() == "ns/cm-0"; }),
            2)
      << "five updates while in flight collapse into one more reconcile";
}

TEST_F(ControllerTest, StopWaitsForInFlightReconcilesAndDropsQueuedKeys) {
  Gate gate;
  std::atomic<bool> finished{false};
  Recorder rec([&](const ReconcileContext&, const Request& r, int) {
    gate.Enter(r.String());
    finished = true;
    return Result{};
  });
  Make(rec).For(kConfigMaps);
  const auto running = StartController([&] { gate.Open(); });
  client_.Create(kConfigMaps, Object("ns", "in-flight"));
  ASSERT_TRUE(gate.WaitInFlight(1));
  client_.Create(kConfigMaps, Object("ns", "queued"));
  // Wait until the informer delivered "queued" into the (single-worker, busy) queue.
  for (int i = 0; i < 1000 && controller_->queue().Len() < 1; ++i) {
    std::this_thread::sleep_for(1ms);  // synchronisation only: nothing here is timed
  }
  ASSERT_EQ(controller_->queue().Len(), 1u);

  runner_.request_stop();
  for (int i = 0; i < 1000 && !controller_->queue().ShuttingDown(); ++i) {
    std::this_thread::sleep_for(1ms);  // synchronisation only: nothing here is timed
  }
  ASSERT_TRUE(controller_->queue().ShuttingDown()) << "intake stopped";
  EXPECT_FALSE(finished);
  gate.Open();
  runner_.join();
  EXPECT_TRUE(finished) << "Start returned only after the in-flight reconcile finished";
  EXPECT_THAT(rec.Keys(), ElementsAre("ns/in-flight")) << "queued keys are dropped at stop";
}

TEST_F(ControllerTest, AbortTriggersTheReconcileStopToken) {
  std::atomic<bool> stopped{false};
  Recorder rec([&](const ReconcileContext& ctx, const Request&, int) {
    // A long wait on the fake clock that only Abort() can end.
    stopped = !ctx.clock.SleepFor(1h, ctx.stop);
    return Result{};
  });
  Make(rec).For(kConfigMaps);
  const auto running = StartController([this] { controller_->Abort(); });
  client_.Create(kConfigMaps, Object("ns", "a"));
  rec.WaitForCalls(1);
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  runner_.request_stop();
  controller_->Abort();
  runner_.join();
  EXPECT_TRUE(stopped);
}

TEST_F(ControllerTest, ADestroyedControllerIsDetachedFromTheInformersThatOutliveIt) {
  {
    // A controller, its reconciler and its metrics registry that all go away while the cache
    // (and the informer holding the controller's handler) keeps running.
    metrics::Registry registry;
    Recorder gone_rec;
    Controller gone("gone", cache_, gone_rec, {.clock = &clock_, .registry = &registry});
    gone.For(kConfigMaps);
    cache_.Start();
    std::jthread run([&](std::stop_token stop) { gone.Start(stop); });
    client_.Create(kConfigMaps, Object("ns", "before"));
    gone_rec.WaitFor("ns/before");
  }
  // Events now reach the dead controller's handler: it must not touch the destroyed queue,
  // reconciler or registry (ASan/abort before the fix), and a new controller on the same
  // informer works normally.
  Recorder rec;
  Make(rec).For(kConfigMaps);
  const auto running = StartController();
  client_.Create(kConfigMaps, Object("ns", "after"));
  rec.WaitForCalls(2);
  EXPECT_THAT(rec.Keys(), UnorderedElementsAre("ns/before", "ns/after"))
      << "the new controller's handler replays the store, then sees the new object";
}

TEST(ControllerOptionsTest, RejectsAnEmptyNameAndNoWorkers) {
  testing::FakeClient client;
  Cache cache(client);
  Recorder rec;
  metrics::Registry registry;
  EXPECT_THROW((void)Controller("", cache, rec, {.registry = &registry}), Error);
  EXPECT_THROW(
      (void)Controller("x", cache, rec, {.max_concurrent_reconciles = 0, .registry = &registry}),
      Error);
}

TEST(HandlerTest, OwnerMappingCanIncludeNonControllerOwnersAndClusterScopedOwners) {
  json obj = Object("ns", "child");
  obj["metadata"]["ownerReferences"] =
      json::array({{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", "n1"}, {"controller", false}},
                   {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", "n2"}}});
  const auto map = EnqueueRequestForOwner(
      {.group = "", .kind = "Node", .only_controller = false, .namespaced = false});
  EXPECT_THAT(map(obj), ElementsAre(Request{"", "n1"}, Request{"", "n2"}));
  EXPECT_TRUE(EnqueueRequestForOwner({.group = "", .kind = "Node"})(obj).empty());
  EXPECT_TRUE(map(Object("ns", "orphan")).empty());
}

TEST(HandlerTest, LabelMappingUsesTheObjectNamespaceUnlessGiven) {
  const json obj = Object("ns", "x", {{"target", "t"}});
  EXPECT_THAT(EnqueueRequestsFromLabel("target")(obj), ElementsAre(Request{"ns", "t"}));
  EXPECT_THAT(EnqueueRequestsFromLabel("target", "other")(obj), ElementsAre(Request{"other", "t"}));
  EXPECT_TRUE(EnqueueRequestsFromLabel("missing")(obj).empty());
  EXPECT_TRUE(EnqueueRequestsFromLabel("target")(Object("ns", "y", {{"target", ""}})).empty());
}

TEST(PredicateTest, TableOfUpdates) {
  json a = Object("ns", "a", {{"l", "1"}});
  a["metadata"]["generation"] = 1;
  a["metadata"]["resourceVersion"] = "10";
  json status_only = a;
  status_only["metadata"]["resourceVersion"] = "11";
  json relabelled = status_only;
  relabelled["metadata"]["labels"]["l"] = "2";
  json spec_changed = a;
  spec_changed["metadata"]["generation"] = 2;
  spec_changed["metadata"]["resourceVersion"] = "12";

  struct Case {
    const char* name;
    Predicate predicate;
    const json& new_obj;
    bool want;
  };
  const std::vector<Case> cases = {
      {"generation same", GenerationChangedPredicate(), status_only, false},
      {"generation changed", GenerationChangedPredicate(), spec_changed, true},
      {"resync", ResourceVersionChangedPredicate(), a, false},
      {"new resourceVersion", ResourceVersionChangedPredicate(), status_only, true},
      {"labels same", LabelChangedPredicate(), status_only, false},
      {"labels changed", LabelChangedPredicate(), relabelled, true},
  };
  for (const auto& c : cases) {
    const std::vector<Predicate> ps = {c.predicate};
    EXPECT_EQ(AllowUpdate(ps, a, c.new_obj), c.want) << c.name;
    EXPECT_TRUE(AllowCreate(ps, a)) << c.name << ": update predicates leave creates alone";
  }
  const std::vector<Predicate> filter = {
      PredicateFromFilter([](const json& o) { return Name(o) == "a"; })};
  EXPECT_TRUE(AllowCreate(filter, a));
  EXPECT_FALSE(AllowDelete(filter, Object("ns", "b")));
  EXPECT_FALSE(AllowGeneric(filter, Object("ns", "b")));
  EXPECT_FALSE(AllowUpdate(filter, a, Object("ns", "b")));
}

TEST(RequestTest, KeysRoundTrip) {
  EXPECT_EQ(Request::FromKey("ns/name"), (Request{"ns", "name"}));
  EXPECT_EQ(Request::FromKey("cluster-scoped"), (Request{"", "cluster-scoped"}));
  EXPECT_EQ((Request{"ns", "name"}).String(), "ns/name");
  EXPECT_EQ((Request{"", "n"}).Key(), (ObjectKey{"", "n"}));
}

}  // namespace
}  // namespace gpuext::kube
