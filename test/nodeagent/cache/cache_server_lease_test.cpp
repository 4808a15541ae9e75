// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// CacheServer leases (DESIGN.md §14.4): exactly one build per key, takeover of dead builders,
// failure backoff, heartbeats, capacity.
#include <latch>
#include <thread>

#include <gtest/gtest.h>

#include "cache_test_fixture.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::cache::testing {
namespace {

using artifact::CacheLeaseState;

class CacheServerLeaseTest : public CacheServerFixture {
 protected:
  artifact::LeaseRequester Requester(const std::string& node = "node-a") const {
    return {
        .node = node, .pool = "gpu", .kernel_release = kCacheTestKernel, .os_version = "1877.5.0"};
  }
};

TEST_F(CacheServerLeaseTest, FirstRequestIsGrantedAndLaunchesOneBuild) {
  const auto key = CacheTestKernelKey();
  const auto answer = Client().RequestLease(key, Requester());
  ASSERT_EQ(answer.state, CacheLeaseState::kGranted);
  EXPECT_EQ(answer.job, BuildJobName(key));
  EXPECT_EQ(answer.job, "build-" + key.PathSha256().substr(0, 10));
  const auto launches = launcher_.launches();
  ASSERT_EQ(launches.size(), 1u);
  EXPECT_EQ(launches[0].key, key);
  EXPECT_EQ(launches[0].lease.id, answer.build_id);
  EXPECT_EQ(launches[0].upload_url, url() + "/v1/uploads/" + answer.build_id);
  EXPECT_EQ(launches[0].requester, Requester());
  EXPECT_EQ(launches[0].lease.holder, "shoot--p--s/" + answer.job);
  EXPECT_TRUE(tokens_.Verify(launches[0].token, clock_.Now()).ok());
}

TEST_F(CacheServerLeaseTest, SecondRequestIsHeldByTheFirstBuild) {
  const auto key = CacheTestKernelKey();
  ASSERT_EQ(Client().RequestLease(key, Requester("a")).state, CacheLeaseState::kGranted);
  const auto second = Client().RequestLease(key, Requester("b"));
  EXPECT_EQ(second.state, CacheLeaseState::kHeld);
  EXPECT_EQ(second.holder, "shoot--p--s/" + BuildJobName(key));
  EXPECT_EQ(second.retry_after_seconds, 10);
  EXPECT_EQ(second.phase, "Pending");
  EXPECT_EQ(launcher_.launches().size(), 1u);
}

// Concurrent requests from many nodes of a freshly upgraded pool: one build, everyone else waits.
void CacheLeaseRace(CacheServerLeaseTest* test, artifact::HttpCacheClient client,
                    RecordingLauncher& launcher, int requests) {
  const auto key = CacheTestKernelKey();
  std::latch start(requests);
  std::vector<CacheLeaseState> states(static_cast<std::size_t>(requests));
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < requests; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        states[static_cast<std::size_t>(i)] =
            client.RequestLease(key, {.node = "node-" + std::to_string(i)}).state;
      });
    }
  }
  (void)test;
  EXPECT_EQ(std::count(states.begin(), states.end(), CacheLeaseState::kGranted), 1);
  EXPECT_EQ(std::count(states.begin(), states.end(), CacheLeaseState::kHeld), requests - 1);
  EXPECT_EQ(launcher.launches().size(), 1u);
}

TEST_F(CacheServerLeaseTest, TwoConcurrentRequestsGrantExactlyOne) {
  CacheLeaseRace(this, Client(), launcher_, 2);
}

TEST_F(CacheServerLeaseTest, FiftyConcurrentRequestsGrantExactlyOne) {
  CacheLeaseRace(this, Client(), launcher_, 50);
}

TEST_F(CacheServerLeaseTest, PublishedKeyIsAvailable) {
  const auto key = CacheTestKernelKey();
  const auto granted = Client().RequestLease(key, Requester());
  ASSERT_EQ(granted.state, CacheLeaseState::kGranted);
  const auto packed = Pack(key);
  (void)Publish(launcher_.launches().at(0), packed, dir_.path() / "blob-a.tar.zst");
  EXPECT_EQ(Client().RequestLease(key, Requester()).state, CacheLeaseState::kAvailable);
  const auto build = Client().GetBuild(key);
  ASSERT_TRUE(build.has_value());
  EXPECT_EQ(build->phase, "Succeeded");
  EXPECT_EQ(build->percent, 100);
}

TEST_F(CacheServerLeaseTest, LeaseRequestsNeedAnAcceptedToken) {
  const auto key = CacheTestKernelKey();
  artifact::HttpCacheClient anonymous({.base_url = url(), .ca_pem = ca_->cert_pem()});
  CacheTestWriteFile(dir_.path() / "wrong-token", "not-the-agent-token");
  artifact::HttpCacheClient wrong(
      {.base_url = url(), .ca_pem = ca_->cert_pem(), .token_file = dir_.path() / "wrong-token"});
  for (const auto* client : {&anonymous, &wrong}) {
    try {
      (void)client->RequestLease(key, Requester());
      FAIL() << "expected 401";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInfraUnauthorized) << e.what();
      EXPECT_NE(std::string(e.what()).find("401"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(launcher_.launches().empty());
}

TEST_F(CacheServerLeaseTest, ExpiredLeaseOfADeadBuilderIsTakenOverWithANewBuild) {
  const auto key = CacheTestKernelKey();
  const auto first = Client().RequestLease(key, Requester("a"));
  ASSERT_EQ(first.state, CacheLeaseState::kGranted);
  clock_.Advance(1min);
  EXPECT_EQ(Client().RequestLease(key, Requester("b")).state, CacheLeaseState::kHeld);
  clock_.Advance(61s);  // the builder never heartbeated: its 2 min TTL ran out
  const auto second = Client().RequestLease(key, Requester("c"));
  ASSERT_EQ(second.state, CacheLeaseState::kGranted);
  EXPECT_NE(second.build_id, first.build_id);
  const auto launches = launcher_.launches();
  ASSERT_EQ(launches.size(), 2u);
  EXPECT_TRUE(launches[1].took_over_expired);
  // The dead builder's token died with its lease.
  EXPECT_FALSE(Uploader(launches[0]).Heartbeat("compile", 50));
  EXPECT_TRUE(Uploader(launches[1]).Heartbeat("compile", 10));
}

TEST_F(CacheServerLeaseTest, HeartbeatsKeepTheLeaseAndReportProgress) {
  const auto key = CacheTestKernelKey();
  ASSERT_EQ(Client().RequestLease(key, Requester()).state, CacheLeaseState::kGranted);
  const auto up = Uploader(launcher_.launches().at(0));
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(90s);
    ASSERT_TRUE(up.Heartbeat("compile", 20 * (i + 1)));
  }
  const auto held = Client().RequestLease(key, Requester("b"));
  EXPECT_EQ(held.state, CacheLeaseState::kHeld);
  EXPECT_EQ(held.phase, "compile");
  EXPECT_EQ(held.percent, 80);
  const auto build = Client().GetBuild(key);
  ASSERT_TRUE(build.has_value());
  EXPECT_EQ(build->phase, "compile");
  EXPECT_EQ(build->percent, 80);
  EXPECT_EQ(launcher_.launches().size(), 1u);
}

TEST_F(CacheServerLeaseTest, FailureReportAnswersFailedUntilTheBackoffEnds) {
  const auto key = CacheTestKernelKey();
  ASSERT_EQ(Client().RequestLease(key, Requester()).state, CacheLeaseState::kGranted);
  Uploader(launcher_.launches().at(0))
      .ReportFailure(key.Path(), {.reason = "NoHeadersForKernel",
                                  .message = "no /usr/src/linux-headers-6.12.72-cloud-amd64"});
  const auto failed = Client().RequestLease(key, Requester());
  ASSERT_EQ(failed.state, CacheLeaseState::kFailed);
  EXPECT_EQ(failed.reason, "NoHeadersForKernel");
  EXPECT_EQ(failed.retry_after, FormatRfc3339(clock_.Now() + 10min));
  const auto build = Client().GetBuild(key);
  ASSERT_TRUE(build.has_value());
  EXPECT_EQ(build->phase, "Failed");
  EXPECT_EQ(build->reason, "NoHeadersForKernel");
  clock_.Advance(10min + 1s);
  EXPECT_EQ(Client().RequestLease(key, Requester()).state, CacheLeaseState::kGranted);
  EXPECT_EQ(launcher_.launches().size(), 2u);
}

TEST_F(CacheServerLeaseTest, FailedLaunchReleasesTheLease) {
  const auto key = CacheTestKernelKey();
  launcher_.set_fail(true);
  try {
    (void)Client().RequestLease(key, Requester());
    FAIL() << "expected 503";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kRetryableInfraDependencies) << e.what();
    EXPECT_NE(std::string(e.what()).find("SIMULATED launch failure"), std::string::npos);
  }
  launcher_.set_fail(false);
  EXPECT_EQ(Client().RequestLease(key, Requester()).state, CacheLeaseState::kGranted);
}

TEST_F(CacheServerLeaseTest, BuildsBeyondMaxConcurrentAreQueued) {
  for (int i = 0; i < 4; ++i) {
    const auto key = artifact::KernelKey("580.95.05", "6.12." + std::to_string(i) + "-cloud-amd64",
                                         gpuruntime::ModuleType::kOpen, gpuruntime::Arch::kAmd64);
    ASSERT_EQ(Client().RequestLease(key, Requester()).state, CacheLeaseState::kGranted);
  }
  const auto fifth = Client().RequestLease(CacheTestKernelKey(), Requester());
  EXPECT_EQ(fifth.state, CacheLeaseState::kHeld);
  EXPECT_EQ(fifth.holder, "queued");
  // A dead build frees its slot once its lease expires.
  clock_.Advance(3min);
  EXPECT_EQ(Client().RequestLease(CacheTestKernelKey(), Requester()).state,
            CacheLeaseState::kGranted);
}

TEST_F(CacheServerLeaseTest, UnknownBuildIs404AndBadKeyIs400) {
  EXPECT_EQ(Client().GetBuild(CacheTestKernelKey()), std::nullopt);
  const auto res =
      Raw()->Post("/v1/leases", {{"Authorization", "Bearer agent-token"}},
                  R"({"key": "kernel/not-a-version/x/open/amd64"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("driverVersion"), std::string::npos) << res->body;
}

TEST_F(CacheServerLeaseTest, PrebuildStartsTheBuildOfAKernelAhead) {
  auto raw = Raw();
  const std::string body = R"({"driverVersion": "580.95.05", "kernelRelease": ")" +
                           std::string(kCacheTestKernel) +
                           R"(", "moduleType": "open", "arch": "amd64", "osVersion": "1877.5.0"})";
  auto res = raw->Post("/v1/prebuild", {{"Authorization", "Bearer agent-token"}}, body,
                       "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("\"granted\""), std::string::npos) << res->body;
  ASSERT_EQ(launcher_.launches().size(), 1u);
  EXPECT_EQ(launcher_.launches()[0].key, CacheTestKernelKey());
  EXPECT_EQ(launcher_.launches()[0].requester.os_version, "1877.5.0");
  // A node asking later waits for that build.
  EXPECT_EQ(Client().RequestLease(CacheTestKernelKey(), Requester()).state, CacheLeaseState::kHeld);
  res = raw->Post("/v1/prebuild", body, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = raw->Post("/v1/prebuild", {{"Authorization", "Bearer agent-token"}},
                  R"({"driverVersion": "580.95.05", "osVersion": "1877.5.0"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

class CacheServerNoBuildsTest : public CacheServerFixture {
 protected:
  void SetUp() override {
    CacheServerFixture::SetUp();
    server_->Stop();
    StartServer(/*with_launcher=*/false);
  }
};

TEST_F(CacheServerNoBuildsTest, MissesAnswerFailedWhenBuildsAreDisabled) {
  const auto a = Client().RequestLease(CacheTestKernelKey(), {.node = "n"});
  EXPECT_EQ(a.state, CacheLeaseState::kFailed);
  EXPECT_EQ(a.reason, "BuildsDisabled");
}

}  // namespace
}  // namespace gpuext::nodeagent::cache::testing
