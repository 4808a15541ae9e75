// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <future>
#include <string>

#include <gtest/gtest.h>

#include "gpuext/kube/api_error.h"
#include "gpuext/kube/events.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::kube::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const json kNode = {
    {"apiVersion", "v1"},
    {"kind", "Node"},
    {"metadata", {{"name", "worker-1"}, {"uid", "node-uid"}, {"resourceVersion", "7"}}}};
const json kPod = {{"apiVersion", "v1"},
                   {"kind", "Pod"},
                   {"metadata", {{"namespace", "gpu"}, {"name", "agent"}, {"uid", "pod-uid"}}}};

class EventRecorderTest : public ::testing::Test {
 protected:
  json Events(const std::string& ns = "") {
    return client_.List(EventRecorder::kEvents, {.ns = ns})["items"];
  }

  gpuext::testing::FakeClock clock_;
  FakeClient client_{{.clock = &clock_}};
};

TEST_F(EventRecorderTest, RepeatsAggregateIntoOneEventWithACount) {
  EventRecorder recorder(client_, {.component = "gpu-extension", .host = "seed-1"}, clock_);
  recorder.Event(kNode, EventType::kWarning, "DriverBuildFailed", "kernel 6.1 not supported");
  ASSERT_TRUE(recorder.Flush(20s));
  clock_.Advance(30s);
  recorder.Event(kNode, EventType::kWarning, "DriverBuildFailed", "kernel 6.1 not supported");
  clock_.Advance(30s);
  recorder.Event(kNode, EventType::kWarning, "DriverBuildFailed", "kernel 6.1 not supported");
  ASSERT_TRUE(recorder.Flush(20s));

  const json events = Events();
  ASSERT_EQ(events.size(), 1U) << events.dump(2);
  const json& e = events[0];
  EXPECT_EQ(e["count"], 3);
  EXPECT_EQ(e["firstTimestamp"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(e["lastTimestamp"], "2026-01-01T00:01:00Z");
  EXPECT_EQ(e["type"], "Warning");
  EXPECT_EQ(e["reason"], "DriverBuildFailed");
  EXPECT_EQ(e["message"], "kernel 6.1 not supported");
  EXPECT_EQ(e["source"], (json{{"component", "gpu-extension"}, {"host", "seed-1"}}));
  EXPECT_EQ(e["reportingComponent"], "gpu-extension");
  EXPECT_EQ(e["involvedObject"], (json{{"apiVersion", "v1"},
                                       {"kind", "Node"},
                                       {"name", "worker-1"},
                                       {"uid", "node-uid"},
                                       {"resourceVersion", "7"}}));
  EXPECT_EQ(e["metadata"]["namespace"], "default") << "cluster-scoped objects: default";
  EXPECT_TRUE(e["metadata"]["name"].get<std::string>().starts_with("worker-1."));
}

TEST_F(EventRecorderTest, DistinctReasonsMessagesAndObjectsCreateDistinctEvents) {
  EventRecorder recorder(client_, {.component = "c"}, clock_);
  recorder.Event(kPod, EventType::kNormal, "Installed", "driver 550");
  clock_.Advance(1s);
  recorder.Event(kPod, EventType::kNormal, "Installing", "driver 550");
  clock_.Advance(1s);
  recorder.Event(kPod, EventType::kNormal, "Installed", "driver 560");
  clock_.Advance(1s);
  recorder.Event(kNode, EventType::kNormal, "Installed", "driver 550");
  recorder.Event(kPod, EventType::kNormal, "Installed", "driver 550");
  ASSERT_TRUE(recorder.Flush(20s));

  const json in_gpu = Events("gpu");
  ASSERT_EQ(in_gpu.size(), 3U) << in_gpu.dump(2);
  int counted = 0;
  for (const auto& e : in_gpu) {
    EXPECT_EQ(e["involvedObject"]["namespace"], "gpu");
    if (e["reason"] == "Installed" && e["message"] == "driver 550") {
      EXPECT_EQ(e["count"], 2);
      ++counted;
    } else {
      EXPECT_EQ(e["count"], 1);
    }
  }
  EXPECT_EQ(counted, 1);
  EXPECT_EQ(Events("default").size(), 1U);
}

TEST_F(EventRecorderTest, AnAggregatedEventThatVanishedIsCreatedAgainWithTheTotal) {
  EventRecorder recorder(client_, {.component = "c"}, clock_);
  recorder.Event(kPod, EventType::kNormal, "R", "m");
  recorder.Event(kPod, EventType::kNormal, "R", "m");
  ASSERT_TRUE(recorder.Flush(20s));
  const json first = Events("gpu");
  ASSERT_EQ(first.size(), 1U);
  client_.Delete(EventRecorder::kEvents, {"gpu", first[0]["metadata"]["name"].get<std::string>()});
  recorder.Event(kPod, EventType::kNormal, "R", "m");
  ASSERT_TRUE(recorder.Flush(20s));
  const json again = Events("gpu");
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0]["count"], 3);
  EXPECT_EQ(again[0]["metadata"]["name"], first[0]["metadata"]["name"]);
}

TEST_F(EventRecorderTest, FailedWritesAreRetriedAfterTheRetryInterval) {
  std::atomic<int> creates{0};
  client_.SetHook(FakeClient::Verb::kCreate, [&](const FakeClient::Call&) {
    if (++creates == 1) {
      throw ApiError(503, "ServiceUnavailable", "injected");
    }
  });
  EventRecorder recorder(client_, {.component = "c", .retry_interval = 10s}, clock_);
  recorder.Event(kPod, EventType::kWarning, "R", "m");
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_TRUE(Events("gpu").empty());
  clock_.Advance(10s);
  ASSERT_TRUE(recorder.Flush(20s));
  EXPECT_EQ(Events("gpu").size(), 1U);
  EXPECT_EQ(creates.load(), 2);
}

TEST_F(EventRecorderTest, AFullQueueDropsEventsInsteadOfBlocking) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  client_.SetHook(FakeClient::Verb::kCreate, [&](const FakeClient::Call&) {
    if (first.exchange(false)) {
      entered.set_value();
      released.wait();
    }
  });
  EventRecorder recorder(client_, {.component = "c", .queue_capacity = 2}, clock_);
  recorder.Event(kPod, EventType::kNormal, "R0", "m");
  entered.get_future().wait();  // the worker holds R0
  recorder.Event(kPod, EventType::kNormal, "R1", "m");
  recorder.Event(kPod, EventType::kNormal, "R2", "m");
  recorder.Event(kPod, EventType::kNormal, "R3", "m");  // queue full: dropped
  EXPECT_EQ(recorder.dropped(), 1U);
  release.set_value();
  ASSERT_TRUE(recorder.Flush(20s));
  EXPECT_EQ(Events("gpu").size(), 3U);
}

TEST_F(EventRecorderTest, ManySimilarEventsWithDifferentMessagesAreCombined) {
  EventRecorder recorder(client_, {.component = "c"}, clock_);
  for (int i = 0; i < 12; ++i) {
    recorder.Event(kPod, EventType::kWarning, "Retrying", "attempt " + std::to_string(i));
    clock_.Advance(1s);
  }
  ASSERT_TRUE(recorder.Flush(20s));
  const json events = Events("gpu");
  ASSERT_EQ(events.size(), 10U) << "9 distinct events, then one combined";
  int combined = 0;
  for (const auto& e : events) {
    if (e["message"].get<std::string>().starts_with("(combined from similar events): ")) {
      ++combined;
      EXPECT_EQ(e["count"], 3);
      EXPECT_EQ(e["message"], "(combined from similar events): attempt 11");
    }
  }
  EXPECT_EQ(combined, 1);

  // After a quiet window, a new message is an Event of its own again.
  clock_.Advance(11min);
  recorder.Event(kPod, EventType::kWarning, "Retrying", "attempt 99");
  ASSERT_TRUE(recorder.Flush(20s));
  bool found = false;
  for (const auto& e : Events("gpu")) {
    found = found || e["message"] == "attempt 99";
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace gpuext::kube::testing
