// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/workqueue.h"

#include <array>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/testing/fake_clock.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// A queue on a fake clock with only the per-item backoff, so delays are exact.
class WorkQueueTest : public ::testing::Test {
 protected:
  WorkQueue& queue() { return queue_; }

  // Get() guarded by a real-time limit: a bug that loses a key would otherwise hang the test.
  // The limit is a failure guard only, never part of what is measured.
  std::optional<std::string> GetOrFail() {
    auto result = std::async(std::launch::async, [&] { return queue_.Get(); });
    if (result.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "Get() did not return within 10s";
      queue_.ShutDown();
    }
    return result.get();
  }

  gpuext::testing::FakeClock clock_;
  metrics::Registry registry_;
  WorkQueue queue_{{.name = "test",
                    .clock = &clock_,
                    .rate_limiter = std::make_unique<ItemExponentialFailureRateLimiter>(5ms, 1000s),
                    .registry = &registry_}};
};

TEST_F(WorkQueueTest, DeduplicatesQueuedKeysAndKeepsFifoOrder) {
  queue_.Add("ns/a");
  queue_.Add("ns/b");
  queue_.Add("ns/a");
  queue_.Add("ns/c");
  queue_.Add("ns/b");
  EXPECT_EQ(queue_.Len(), 3u);
  EXPECT_EQ(queue_.Get(), "ns/a");
  EXPECT_EQ(queue_.Get(), "ns/b");
  EXPECT_EQ(queue_.Get(), "ns/c");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, KeyAddedWhileProcessingIsQueuedAgainOnlyWhenDone) {
  queue_.Add("ns/a");
  ASSERT_EQ(queue_.Get(), "ns/a");
  queue_.Add("ns/a");
  queue_.Add("ns/a");
  EXPECT_EQ(queue_.Len(), 0u) << "a key in process must not be handed to a second worker";
  queue_.Done("ns/a");
  EXPECT_EQ(queue_.Len(), 1u) << "the dirty key comes back once, however often it was added";
  EXPECT_EQ(queue_.Get(), "ns/a");
  queue_.Done("ns/a");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, DoneWithoutReAddForgetsTheKey) {
  queue_.Add("ns/a");
  ASSERT_EQ(queue_.Get(), "ns/a");
  queue_.Done("ns/a");
  EXPECT_EQ(queue_.Len(), 0u);
  queue_.Add("ns/a");
  EXPECT_EQ(queue_.Len(), 1u);
}

TEST(WorkQueueConcurrencyTest, NeverHandsOneKeyToTwoWorkersAndLosesNoAdd) {
  WorkQueue queue;
  constexpr int kKeys = 4;
  constexpr int kAddsPerProducer = 5000;
  std::array<std::atomic<int>, kKeys> in_flight{};
  std::array<std::atomic<int>, kKeys> version{};    // bumped by producers before each Add
  std::array<std::atomic<int>, kKeys> processed{};  // the version a worker last saw
  std::atomic<int> overlaps{0};
  std::atomic<int> handed{0};

  std::vector<std::jthread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.Get()) {
        const int k = std::stoi(*key);
        if (in_flight[k].fetch_add(1) != 0) {
          ++overlaps;
        }
        processed[k] = version[k].load();
        std::this_thread::yield();  // widen the window in which a second worker could enter
        in_flight[k].fetch_sub(1);
        ++handed;
        queue.Done(*key);
      }
    });
  }
  {
    std::vector<std::jthread> producers;
    for (int p = 0; p < 4; ++p) {
      producers.emplace_back([&, p] {
        for (int i = 0; i < kAddsPerProducer; ++i) {
          const int k = (i + p) % kKeys;
          ++version[k];
          queue.Add(std::to_string(k));
        }
      });
    }
  }
  queue.ShutDown();  // workers hand out what is still queued or dirty, then stop
  workers.clear();

  EXPECT_EQ(overlaps, 0);
  EXPECT_GE(handed, kKeys);  // more when adds overlapped processing, which dedup allows
  for (int k = 0; k < kKeys; ++k) {
    SCOPED_TRACE(k);
    // Every add was followed by a processing that saw it: the last version was processed.
    EXPECT_EQ(processed[k].load(), version[k].load());
  }
}

TEST_F(WorkQueueTest, AddAfterQueuesOnlyOnceTheDelayHasPassed) {
  queue_.AddAfter("ns/a", 1s);
  EXPECT_EQ(queue_.Len(), 0u);
  clock_.Advance(999ms);
  EXPECT_EQ(queue_.Len(), 0u);
  clock_.Advance(1ms);
  EXPECT_EQ(GetOrFail(), "ns/a");
}

TEST_F(WorkQueueTest, AddAfterWithoutDelayAddsAtOnce) {
  queue_.AddAfter("ns/a", 0s);
  queue_.AddAfter("ns/b", -1s);
  EXPECT_EQ(queue_.Len(), 2u);
}

TEST_F(WorkQueueTest, DelayedKeysComeOutInDeadlineOrder) {
  queue_.AddAfter("ns/c", 3s);
  queue_.AddAfter("ns/a", 1s);
  queue_.AddAfter("ns/b", 2s);
  clock_.Advance(3s);
  EXPECT_EQ(GetOrFail(), "ns/a");
  EXPECT_EQ(GetOrFail(), "ns/b");
  EXPECT_EQ(GetOrFail(), "ns/c");
}

TEST_F(WorkQueueTest, DuplicateDelayedAddKeepsTheEarliestTime) {
  queue_.AddAfter("ns/a", 5s);
  queue_.AddAfter("ns/a", 1s);
  queue_.AddAfter("ns/a", 10s);
  clock_.Advance(1s);
  ASSERT_EQ(GetOrFail(), "ns/a");
  queue_.Done("ns/a");
  // A sentinel due after both later times: had they been kept, ns/a would come out first.
  queue_.AddAfter("ns/sentinel", 20s);
  clock_.Advance(20s);
  EXPECT_EQ(GetOrFail(), "ns/sentinel");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, EarlierDelayedKeyWakesTheSleepingDelayLoop) {
  queue_.AddAfter("ns/late", 1h);
  ASSERT_TRUE(clock_.WaitForSleepers(1));  // the delay loop sleeps until the hour is up
  queue_.AddAfter("ns/soon", 1s);
  clock_.Advance(1s);
  EXPECT_EQ(GetOrFail(), "ns/soon");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, DelayedKeyAlreadyQueuedIsNotQueuedTwice) {
  queue_.Add("ns/a");
  queue_.AddAfter("ns/a", 1s);
  queue_.AddAfter("ns/sentinel", 2s);
  clock_.Advance(2s);
  EXPECT_EQ(GetOrFail(), "ns/a");
  EXPECT_EQ(GetOrFail(), "ns/sentinel");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, AddRateLimitedBacksOffExponentiallyUntilForgotten) {
  const std::vector<std::chrono::milliseconds> want = {5ms, 10ms, 20ms, 40ms};
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    queue_.AddRateLimited("ns/a");
    EXPECT_EQ(queue_.NumRequeues("ns/a"), static_cast<int>(i + 1));
    clock_.Advance(want[i] - 1ms);
    EXPECT_EQ(queue_.Len(), 0u);
    clock_.Advance(1ms);
    ASSERT_EQ(GetOrFail(), "ns/a");
    queue_.Done("ns/a");
  }
  queue_.Forget("ns/a");
  EXPECT_EQ(queue_.NumRequeues("ns/a"), 0);
  queue_.AddRateLimited("ns/a");
  clock_.Advance(5ms);
  EXPECT_EQ(GetOrFail(), "ns/a");
}

TEST_F(WorkQueueTest, ShutDownHandsOutWhatIsQueuedThenReturnsNullopt) {
  queue_.Add("ns/a");
  queue_.Add("ns/b");
  queue_.ShutDown();
  EXPECT_TRUE(queue_.ShuttingDown());
  queue_.Add("ns/c");
  queue_.AddAfter("ns/d", 0s);
  EXPECT_EQ(queue_.Get(), "ns/a");
  EXPECT_EQ(queue_.Get(), "ns/b");
  EXPECT_EQ(queue_.Get(), std::nullopt);
  EXPECT_EQ(queue_.Get(), std::nullopt);
}

TEST_F(WorkQueueTest, ShutDownWakesBlockedWorkers) {
  std::vector<std::future<std::optional<std::string>>> workers;
  for (int i = 0; i < 3; ++i) {
    workers.push_back(std::async(std::launch::async, [&] { return queue_.Get(); }));
  }
  queue_.ShutDown();
  for (auto& w : workers) {
    ASSERT_EQ(w.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(w.get(), std::nullopt);
  }
}

TEST_F(WorkQueueTest, ShutDownDropsDelayedKeys) {
  queue_.AddAfter("ns/a", 1s);
  queue_.ShutDown();
  clock_.Advance(1s);
  EXPECT_EQ(GetOrFail(), std::nullopt);
}

TEST_F(WorkQueueTest, ShutDownWithDrainWaitsForKeysInProcess) {
  queue_.Add("ns/a");
  queue_.Add("ns/b");
  ASSERT_EQ(queue_.Get(), "ns/a");
  ASSERT_EQ(queue_.Get(), "ns/b");
  std::atomic<bool> drained{false};
  std::jthread drainer([&] {
    queue_.ShutDownWithDrain();
    drained = true;
  });
  while (!queue_.ShuttingDown()) {
    std::this_thread::yield();
  }
  queue_.Done("ns/a");
  EXPECT_FALSE(drained) << "ns/b is still in process";
  queue_.Done("ns/b");
  drainer.join();
  EXPECT_TRUE(drained);
}

TEST_F(WorkQueueTest, ShutDownEndsAWaitingDrain) {
  queue_.Add("ns/a");
  ASSERT_EQ(queue_.Get(), "ns/a");
  std::jthread drainer([&] { queue_.ShutDownWithDrain(); });
  while (!queue_.ShuttingDown()) {
    std::this_thread::yield();
  }
  queue_.ShutDown();
  drainer.join();  // returns although ns/a was never marked done
}

TEST_F(WorkQueueTest, ReportsControllerRuntimeMetrics) {
  queue_.Add("ns/a");
  queue_.Add("ns/a");
  queue_.Add("ns/b");
  clock_.Advance(2s);
  ASSERT_EQ(queue_.Get(), "ns/a");
  clock_.Advance(3s);
  std::string text = registry_.Expose();
  EXPECT_THAT(text, HasSubstr("workqueue_adds_total{name=\"test\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_depth{name=\"test\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("workqueue_queue_duration_seconds_bucket{name=\"test\",le=\"1\"} 0\n"));
  EXPECT_THAT(text,
              HasSubstr("workqueue_queue_duration_seconds_bucket{name=\"test\",le=\"10\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_queue_duration_seconds_sum{name=\"test\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_unfinished_work_seconds{name=\"test\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_longest_running_processor_seconds{name=\"test\"} 3\n"));

  ASSERT_EQ(queue_.Get(), "ns/b");
  clock_.Advance(1s);
  queue_.Done("ns/a");
  queue_.AddRateLimited("ns/a");
  text = registry_.Expose();
  EXPECT_THAT(text, HasSubstr("workqueue_work_duration_seconds_sum{name=\"test\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_work_duration_seconds_count{name=\"test\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_unfinished_work_seconds{name=\"test\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_longest_running_processor_seconds{name=\"test\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_retries_total{name=\"test\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_depth{name=\"test\"} 0\n"));
}

TEST(WorkQueueMetricsTest, UnnamedQueueReportsNothing) {
  metrics::Registry registry;
  gpuext::testing::FakeClock clock;
  WorkQueue queue({.clock = &clock, .registry = &registry});
  queue.Add("ns/a");
  EXPECT_EQ(registry.Expose(), "");
}

}  // namespace
}  // namespace gpuext::kube
