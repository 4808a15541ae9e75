// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/informer.h"

#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "gpuext/kube/api_error.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"
#include "informer_test_util.h"

namespace gpuext::kube::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Lines = std::vector<std::string>;

const Resource kConfigMaps{"", "v1", "configmaps"};

json ConfigMap(const std::string& ns, const std::string& name, json labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"namespace", ns}, {"name", name}, {"labels", labels}}},
          {"data", json::object()}};
}

std::string Rv(const json& obj) { return obj["metadata"]["resourceVersion"].get<std::string>(); }

// Waits (real time, for the informer thread's progress) until the informer's watch is open.
bool WaitForWatch(const FakeClient& client) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (client.OpenWatches(kConfigMaps) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::yield();
  }
  return true;
}

class InformerTest : public ::testing::Test {
 protected:
  // Counts List calls through the client's hook.
  void CountLists() {
    client_.SetHook(FakeClient::Verb::kList, [this](const FakeClient::Call&) { ++lists_; });
  }

  gpuext::testing::FakeClock clock_;
  FakeClient client_{{.clock = &clock_}};
  RecordingHandler recorder_;
  std::atomic<int> lists_{0};
};

TEST_F(InformerTest, DeliversInitialListThenChangesInOrder) {
  client_.Seed(kConfigMaps, ConfigMap("ns", "a"));
  client_.Seed(kConfigMaps, ConfigMap("ns", "b"));
  Informer informer(client_, kConfigMaps, {}, clock_);
  informer.AddEventHandler(recorder_.Handler());
  EXPECT_FALSE(informer.HasSynced());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));
  EXPECT_EQ(recorder_.WaitFor(2), (Lines{"add ns/a initial", "add ns/b initial"}));

  json a = *client_.Get(kConfigMaps, {"ns", "a"});
  const std::string a_rv = Rv(a);
  client_.Create(kConfigMaps, ConfigMap("ns", "c"));
  a["data"]["k"] = "v";
  a = client_.Update(kConfigMaps, a);
  client_.Delete(kConfigMaps, {"ns", "b"});
  EXPECT_EQ(recorder_.WaitFor(5), (Lines{"add ns/a initial", "add ns/b initial", "add ns/c",
                                         "update ns/a " + a_rv + "->" + Rv(a), "delete ns/b"}));
  ExpectStoreEqualsList(informer, client_.List(kConfigMaps, {}));
  EXPECT_EQ(informer.LastSyncResourceVersion(), client_.CurrentResourceVersion());
}

TEST_F(InformerTest, HasSyncedOnlyOnceHandlersReceivedTheInitialList) {
  client_.Seed(kConfigMaps, ConfigMap("ns", "a"));
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  Informer informer(client_, kConfigMaps, {}, clock_);
  informer.AddEventHandler({.on_add = [&](const ObjectPtr&, bool) {
    entered.set_value();
    released.wait();
  }});
  informer.Start();
  entered.get_future().wait();
  EXPECT_FALSE(informer.HasSynced()) << "the handler is still busy with the initial list";
  EXPECT_EQ(informer.List().size(), 1U) << "the store is filled before handlers run";
  release.set_value();
  EXPECT_TRUE(informer.WaitForSync({}, 20s));
}

TEST_F(InformerTest, NamespaceAndLabelSelectorsLimitWhatIsCached) {
  client_.Seed(kConfigMaps, ConfigMap("ns", "a", {{"app", "gpu"}}));
  client_.Seed(kConfigMaps, ConfigMap("ns", "b", {{"app", "other"}}));
  client_.Seed(kConfigMaps, ConfigMap("other", "c", {{"app", "gpu"}}));
  Informer informer(client_, kConfigMaps, {.ns = "ns", .label_selector = "app=gpu"}, clock_);
  informer.AddEventHandler(recorder_.Handler());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));
  json b = *client_.Get(kConfigMaps, {"ns", "b"});
  b["metadata"]["labels"]["app"] = "gpu";
  client_.Update(kConfigMaps, b);
  json a = *client_.Get(kConfigMaps, {"ns", "a"});
  a["metadata"]["labels"]["app"] = "none";
  client_.Update(kConfigMaps, a);
  EXPECT_EQ(recorder_.WaitFor(3), (Lines{"add ns/a initial", "add ns/b", "delete ns/a"}));
  ExpectStoreEqualsList(informer,
                        client_.List(kConfigMaps, {.ns = "ns", .label_selector = "app=gpu"}));
}

TEST_F(InformerTest, ResyncRedeliversEveryObjectAsAnUpdateOfItself) {
  client_.Seed(kConfigMaps, ConfigMap("ns", "a"));
  client_.Seed(kConfigMaps, ConfigMap("ns", "b"));
  Informer informer(client_, kConfigMaps, {.resync_period = 10min}, clock_);
  informer.AddEventHandler(recorder_.Handler());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));
  ASSERT_TRUE(clock_.WaitForSleepers(1));  // the resync timer
  recorder_.Clear();
  clock_.Advance(9min);
  clock_.Advance(1min);
  const std::string a = Rv(*client_.Get(kConfigMaps, {"ns", "a"}));
  const std::string b = Rv(*client_.Get(kConfigMaps, {"ns", "b"}));
  EXPECT_EQ(recorder_.WaitFor(2), (Lines{"update ns/a " + a + "->" + a + " resync",
                                         "update ns/b " + b + "->" + b + " resync"}));
}

TEST_F(InformerTest, BookmarksAdvanceTheResourceVersionWithoutHandlerCalls) {
  Informer informer(client_, kConfigMaps, {.ns = "watched"}, clock_);
  informer.AddEventHandler(recorder_.Handler());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));
  client_.Create(kConfigMaps, ConfigMap("elsewhere", "x"));  // moves the RV, unseen here
  const std::string current = client_.CurrentResourceVersion();
  ASSERT_NE(informer.LastSyncResourceVersion(), current);
  client_.SendBookmarks();
  // Then a visible event, so we know the bookmark was processed before it.
  client_.Create(kConfigMaps, ConfigMap("watched", "y"));
  EXPECT_EQ(recorder_.WaitFor(1), (Lines{"add watched/y"}));
  EXPECT_EQ(informer.LastSyncResourceVersion(), client_.CurrentResourceVersion());

  // A watch that only got a bookmark resumes from the bookmark's version: nothing replayed.
  client_.Create(kConfigMaps, ConfigMap("elsewhere", "z"));
  client_.SendBookmarks();
  client_.CloseWatches(kConfigMaps);
  client_.Create(kConfigMaps, ConfigMap("watched", "w"));
  EXPECT_EQ(recorder_.WaitFor(2), (Lines{"add watched/y", "add watched/w"}));
}

TEST_F(InformerTest, EndedWatchResumesFromTheLastResourceVersionWithoutRelisting) {
  CountLists();
  Informer informer(client_, kConfigMaps, {}, clock_);
  informer.AddEventHandler(recorder_.Handler());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));
  client_.Create(kConfigMaps, ConfigMap("ns", "a"));
  ASSERT_EQ(recorder_.WaitFor(1), (Lines{"add ns/a"}));
  client_.CloseWatches(kConfigMaps);
  // Written while no watch may be open: the resumed watch replays them from history.
  client_.Create(kConfigMaps, ConfigMap("ns", "b"));
  client_.Delete(kConfigMaps, {"ns", "a"});
  EXPECT_EQ(recorder_.WaitFor(3), (Lines{"add ns/a", "add ns/b", "delete ns/a"}));
  EXPECT_EQ(lists_.load(), 1);
  ExpectStoreEqualsList(informer, client_.List(kConfigMaps, {}));
}

// A 410 after missed changes: the relist must emit exactly the events that make the store
// equal to the server, for both ways a server says "Gone".
class InformerRelistTest : public ::testing::TestWithParam<bool> {};

TEST_P(InformerRelistTest, RelistOnGoneEmitsExactlyTheSyntheticEvents) {
  gpuext::testing::FakeClock clock;
  FakeClient client({.clock = &clock, .gone_as_exception = GetParam()});
  std::atomic<int> lists{0};
  client.SetHook(FakeClient::Verb::kList, [&](const FakeClient::Call&) { ++lists; });
  for (const char* name : {"a", "b", "c"}) {
    client.Seed(kConfigMaps, ConfigMap("ns", name));
  }
  RecordingHandler recorder;
  Informer informer(client, kConfigMaps, {}, clock);
  informer.AddEventHandler(recorder.Handler());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));
  ASSERT_EQ(recorder.WaitFor(3).size(), 3U);

  // End the watch; an empty watch backs off, so the informer now sleeps on the fake clock
  // while the server changes and compacts its history.
  ASSERT_TRUE(WaitForWatch(client));
  client.CloseWatches(kConfigMaps);
  ASSERT_TRUE(clock.WaitForSleepers(1));
  client.Delete(kConfigMaps, {"ns", "a"});
  json b = *client.Get(kConfigMaps, {"ns", "b"});
  const std::string b_old = Rv(b);
  b["data"]["k"] = "v";
  b = client.Update(kConfigMaps, b);
  client.Create(kConfigMaps, ConfigMap("ns", "d"));
  client.CompactWatchHistory();
  clock.Advance(800ms);

  EXPECT_EQ(recorder.WaitFor(6),
            (Lines{"add ns/a initial", "add ns/b initial", "add ns/c initial", "delete ns/a",
                   "update ns/b " + b_old + "->" + Rv(b), "add ns/d"}));
  // Later changes flow through the new watch; nothing is repeated.
  client.Delete(kConfigMaps, {"ns", "c"});
  EXPECT_EQ(recorder.WaitFor(7).back(), "delete ns/c");
  EXPECT_EQ(recorder.Lines().size(), 7U);
  EXPECT_EQ(lists.load(), 2);
  ExpectStoreEqualsList(informer, client.List(kConfigMaps, {}));
}

INSTANTIATE_TEST_SUITE_P(GoneAs, InformerRelistTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Exception" : "ErrorEvent"; });

TEST_F(InformerTest, InjectedGoneOnALiveWatchRelistsWithoutDuplicates) {
  CountLists();
  client_.Seed(kConfigMaps, ConfigMap("ns", "a"));
  Informer informer(client_, kConfigMaps, {}, clock_);
  informer.AddEventHandler(recorder_.Handler());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));
  ASSERT_EQ(recorder_.WaitFor(1).size(), 1U);
  ASSERT_TRUE(WaitForWatch(client_));
  client_.InjectWatchError(kConfigMaps, 410);
  client_.Create(kConfigMaps, ConfigMap("ns", "b"));  // seen by the relist or the new watch
  EXPECT_EQ(recorder_.WaitFor(2), (Lines{"add ns/a initial", "add ns/b"}));
  client_.Create(kConfigMaps, ConfigMap("ns", "c"));
  EXPECT_EQ(recorder_.WaitFor(3), (Lines{"add ns/a initial", "add ns/b", "add ns/c"}));
  EXPECT_EQ(lists_.load(), 2);
}

TEST_F(InformerTest, FailedListsBackOffThroughTheClock) {
  std::atomic<int> attempts{0};
  client_.SetHook(FakeClient::Verb::kList, [&](const FakeClient::Call&) {
    if (++attempts <= 2) {
      throw ApiError(503, "ServiceUnavailable", "injected");
    }
  });
  Informer informer(client_, kConfigMaps, {}, clock_);
  informer.Start();
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(attempts.load(), 1);
  clock_.Advance(799ms);
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(attempts.load(), 1) << "still inside the first 800 ms backoff";
  clock_.Advance(1ms);
  // Second failure: the next backoff is 1.6 s.
  while (attempts.load() < 2) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  clock_.Advance(1599ms);
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(attempts.load(), 2);
  EXPECT_FALSE(informer.HasSynced());
  clock_.Advance(1ms);
  EXPECT_TRUE(informer.WaitForSync({}, 20s));
  EXPECT_EQ(attempts.load(), 3);
}

TEST_F(InformerTest, IndexersFollowChanges) {
  json owned = ConfigMap("ns", "owned", {{"pool", "gpu"}});
  owned["metadata"]["ownerReferences"] = {{{"uid", "owner-1"}, {"kind", "Thing"}, {"name", "t"}}};
  client_.Seed(kConfigMaps, owned);
  client_.Seed(kConfigMaps, ConfigMap("other", "free", {{"pool", "cpu"}}));
  Informer informer(client_, kConfigMaps, {}, clock_);
  informer.AddIndex("owner", OwnerUidIndexFunc);
  informer.AddIndex("pool", LabelIndexFunc("pool"));
  informer.AddIndex("name-length", [](const json& obj) {
    return std::vector<std::string>{
        std::to_string(obj["metadata"]["name"].get<std::string>().size())};
  });
  informer.AddEventHandler(recorder_.Handler());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));

  auto keys = [](const std::vector<ObjectPtr>& objs) {
    Lines out;
    for (const auto& o : objs) {
      out.push_back(CacheKey(*o));
    }
    return out;
  };
  EXPECT_EQ(keys(informer.ByIndex(kNamespaceIndex, "ns")), (Lines{"ns/owned"}));
  EXPECT_EQ(keys(informer.ByIndex("owner", "owner-1")), (Lines{"ns/owned"}));
  EXPECT_EQ(keys(informer.ByIndex("pool", "cpu")), (Lines{"other/free"}));
  EXPECT_EQ(keys(informer.ByIndex("name-length", "4")), (Lines{"other/free"}));
  EXPECT_THROW((void)informer.ByIndex("missing", "x"), gpuext::Error);

  json free = *client_.Get(kConfigMaps, {"other", "free"});
  free["metadata"]["labels"]["pool"] = "gpu";
  client_.Update(kConfigMaps, free);
  ASSERT_EQ(recorder_.WaitFor(3).size(), 3U);
  EXPECT_EQ(keys(informer.ByIndex("pool", "gpu")), (Lines{"ns/owned", "other/free"}));
  EXPECT_TRUE(informer.ByIndex("pool", "cpu").empty());

  // Snapshots are immutable and outlive later changes.
  const ObjectPtr before = informer.Get({"ns", "owned"});
  client_.Delete(kConfigMaps, {"ns", "owned"});
  ASSERT_EQ(recorder_.WaitFor(4).back(), "delete ns/owned");
  EXPECT_EQ(informer.Get({"ns", "owned"}), nullptr);
  EXPECT_EQ((*before)["metadata"]["name"], "owned");
  EXPECT_TRUE(informer.ByIndex("owner", "owner-1").empty());
}

TEST_F(InformerTest, LateHandlerFirstHearsOfExistingObjects) {
  client_.Seed(kConfigMaps, ConfigMap("ns", "a"));
  Informer informer(client_, kConfigMaps, {}, clock_);
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));
  informer.AddEventHandler(recorder_.Handler());
  client_.Create(kConfigMaps, ConfigMap("ns", "b"));
  EXPECT_EQ(recorder_.WaitFor(2), (Lines{"add ns/a initial", "add ns/b"}));
}

TEST_F(InformerTest, AThrowingHandlerDoesNotStopTheOthers) {
  Informer informer(client_, kConfigMaps, {}, clock_);
  informer.AddEventHandler(
      {.on_add = [](const ObjectPtr&, bool) { throw std::runtime_error("handler bug"); }});
  informer.AddEventHandler(recorder_.Handler());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 20s));
  client_.Create(kConfigMaps, ConfigMap("ns", "a"));
  client_.Create(kConfigMaps, ConfigMap("ns", "b"));
  EXPECT_EQ(recorder_.WaitFor(2), (Lines{"add ns/a", "add ns/b"}));
}

}  // namespace
}  // namespace gpuext::kube::testing
