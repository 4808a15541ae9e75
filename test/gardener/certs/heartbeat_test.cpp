// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/heartbeat.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/kube/api_error.h"
#include "gpuext/kube/leader_election.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/time_format.h"

namespace gpuext::gardener {
namespace {

using namespace std::chrono_literals;
using kube::testing::FakeClient;
using nlohmann::json;

class HeartbeatTest : public ::testing::Test {
 protected:
  HeartbeatTest() {
    // Counts successful writes so a test can wait for the loop's n-th renewal.
    client_.SetHook(FakeClient::Verb::kUpdate, [this](const FakeClient::Call&) { Count(); });
    client_.SetHook(FakeClient::Verb::kCreate, [this](const FakeClient::Call&) { Count(); });
  }

  void Count() {
    std::lock_guard lock(mu_);
    ++writes_;
    cv_.notify_all();
  }

  // Waits (for real, bounded) until `n` writes were attempted.
  bool WaitForWrites(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return writes_ >= n; });
  }

  json Lease() {
    return client_.Get(kube::kLeases, {.ns = "extension-gpu", .name = kHeartbeatLeaseName})
        .value_or(json());
  }

  HeartbeatOptions Options() {
    return {.extension_name = "gardener-extension-gpu", .ns = "extension-gpu"};
  }

  gpuext::testing::FakeClock clock_;
  FakeClient client_{{.clock = &clock_}};
  std::mutex mu_;
  std::condition_variable cv_;
  int writes_ = 0;
};

TEST_F(HeartbeatTest, RenewOnceCreatesTheLeaseAsGardenerDoes) {
  Heartbeat heartbeat(client_, clock_, Options(), Logger::Root());
  heartbeat.RenewOnce();
  const json lease = Lease();
  EXPECT_EQ(lease["metadata"]["name"], "gardener-extension-heartbeat");
  EXPECT_EQ(lease["metadata"]["namespace"], "extension-gpu");
  EXPECT_EQ(lease["spec"]["holderIdentity"], "gardener-extension-gpu");
  EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], 30);
  EXPECT_EQ(lease["spec"]["renewTime"], "2026-01-01T00:00:00.000000Z");
}

TEST_F(HeartbeatTest, RenewUpdatesTimeAndKeepsOtherFields) {
  client_.Seed(kube::kLeases, {{"apiVersion", "coordination.k8s.io/v1"},
                               {"kind", "Lease"},
                               {"metadata",
                                {{"name", kHeartbeatLeaseName},
                                 {"namespace", "extension-gpu"},
                                 {"annotations", {{"keep", "me"}}}}},
                               {"spec", {{"holderIdentity", "old"}, {"leaseTransitions", 3}}}});
  Heartbeat heartbeat(client_, clock_, Options(), Logger::Root());
  clock_.Advance(90s);
  heartbeat.RenewOnce();
  const json lease = Lease();
  EXPECT_EQ(lease["spec"]["renewTime"], "2026-01-01T00:01:30.000000Z");
  EXPECT_EQ(lease["spec"]["holderIdentity"], "gardener-extension-gpu");
  EXPECT_EQ(lease["spec"]["leaseTransitions"], 3);
  EXPECT_EQ(lease["metadata"]["annotations"]["keep"], "me");
}

TEST_F(HeartbeatTest, ConflictsAreRetriedWithAFreshRead) {
  Heartbeat heartbeat(client_, clock_, Options(), Logger::Root());
  heartbeat.RenewOnce();
  int conflicts = 0;
  client_.SetHook(FakeClient::Verb::kUpdate, [&](const FakeClient::Call&) {
    if (conflicts++ == 0) {
      throw kube::ApiError(409, "Conflict", "the object has been modified");
    }
  });
  clock_.Advance(10s);
  std::jthread renew([&] { heartbeat.RenewOnce(); });  // the retry backs off on the fake clock
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  clock_.Advance(1s);
  renew.join();
  EXPECT_EQ(conflicts, 2);
  // The retry re-reads the Lease and stamps the time of the attempt that succeeded.
  EXPECT_EQ(Lease()["spec"]["renewTime"], "2026-01-01T00:00:11.000000Z");
}

TEST_F(HeartbeatTest, ACreateRaceBecomesAnUpdate) {
  client_.SetHook(FakeClient::Verb::kCreate, [&](const FakeClient::Call& call) {
    client_.Seed(kube::kLeases, *call.object);  // another replica was faster
    throw kube::ApiError(409, "AlreadyExists",
                         "leases \"gardener-extension-heartbeat\" already exists");
  });
  Heartbeat heartbeat(client_, clock_, Options(), Logger::Root());
  std::jthread renew([&] { heartbeat.RenewOnce(); });
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  clock_.Advance(1s);
  renew.join();
  EXPECT_EQ(Lease()["spec"]["renewTime"], "2026-01-01T00:00:01.000000Z");
  EXPECT_EQ(Lease()["spec"]["holderIdentity"], "gardener-extension-gpu");
}

TEST_F(HeartbeatTest, RunRenewsFourTimesPerIntervalUntilStopped) {
  Heartbeat heartbeat(client_, clock_, Options(), Logger::Root());
  EXPECT_EQ(heartbeat.RenewPeriod(), 7500ms);
  std::jthread loop([&](std::stop_token stop) { heartbeat.Run(stop); });
  ASSERT_TRUE(WaitForWrites(1));
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(Lease()["spec"]["renewTime"], "2026-01-01T00:00:00.000000Z");
  clock_.Advance(7500ms);
  ASSERT_TRUE(WaitForWrites(2));
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(Lease()["spec"]["renewTime"], "2026-01-01T00:00:07.500000Z");
  loop.request_stop();
  loop.join();
  EXPECT_EQ(writes_, 2);
}

TEST_F(HeartbeatTest, FailuresDoNotEndTheLoop) {
  HeartbeatOptions options = Options();
  options.renew_interval = 60s;
  options.renew_period = 30s;
  int failures = 0;
  client_.SetHook(FakeClient::Verb::kGet, [&](const FakeClient::Call&) {
    if (failures++ == 0) {
      throw kube::ApiError(503, "ServiceUnavailable", "apiserver is shutting down");
    }
  });
  Heartbeat heartbeat(client_, clock_, options, Logger::Root());
  std::jthread loop([&](std::stop_token stop) { heartbeat.Run(stop); });
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_TRUE(Lease().is_null());
  clock_.Advance(30s);
  ASSERT_TRUE(WaitForWrites(1));
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(Lease()["spec"]["leaseDurationSeconds"], 60);
  EXPECT_EQ(Lease()["spec"]["renewTime"], "2026-01-01T00:00:30.000000Z");
}

TEST_F(HeartbeatTest, RequiresNameNamespaceAndInterval) {
  EXPECT_THROW(Heartbeat(client_, clock_, {.extension_name = "x"}, Logger::Root()), Error);
  EXPECT_THROW(Heartbeat(client_, clock_, {.extension_name = "x", .ns = "y", .renew_interval = 0s},
                         Logger::Root()),
               Error);
}

}  // namespace
}  // namespace gpuext::gardener
