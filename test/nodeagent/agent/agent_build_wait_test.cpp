// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Step 5 on a miss (DESIGN.md §13.3, §14.3, §14.4): agents of SIMULATED nodes against the real
// CacheServer over TLS on loopback. A missing kernel part is requested with POST /v1/leases;
// the node waits in WaitingForBuild while a SIMULATED builder uploads and commits the part
// through the real UploadClient, and N nodes on one kernel cost one build.
#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent_fixture.h"
#include "gpuext/files.h"
#include "gpuext/kube/tls.h"
#include "gpuext/nodeagent/artifact/http_cache_store.h"
#include "gpuext/nodeagent/artifact/http_cache_upload.h"
#include "gpuext/nodeagent/cache/auth.h"
#include "gpuext/nodeagent/cache/launcher.h"
#include "gpuext/nodeagent/cache/server.h"
#include "gpuext/nodeagent/cache/upload_token.h"
#include "gpuext/nodeagent/status.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::agenttest {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Counts launches and runs `on_launch` (after counting) for each: the SIMULATED builder Job.
class BuildWaitLauncher final : public cache::BuildLauncher {
 public:
  void Launch(const cache::BuildRequest& request) override {
    std::function<void(const cache::BuildRequest&)> run;
    {
      std::lock_guard lock(mu_);
      launches_.push_back(request);
      run = on_launch_;
    }
    if (run) {
      run(request);
    }
  }
  void set_on_launch(std::function<void(const cache::BuildRequest&)> f) {
    std::lock_guard lock(mu_);
    on_launch_ = std::move(f);
  }
  std::vector<cache::BuildRequest> launches() const {
    std::lock_guard lock(mu_);
    return launches_;
  }

 private:
  mutable std::mutex mu_;  // guards launches_ and on_launch_
  std::vector<cache::BuildRequest> launches_;
  std::function<void(const cache::BuildRequest&)> on_launch_;
};

// One SIMULATED node beside the fixture's own: its host tree, kernel, runner and reporter.
struct BuildWaitNode {
  BuildWaitNode(const fs::path& root, const std::string& name)
      : name(name), root(root), tree(root), host(root) {
    fs::create_directories(root);
    tree.GardenLinux()
        .IdleKernel()
        .H100("0000:18:00.0")
        .File("sys/module/firmware_class/parameters/path", "");
  }
  std::string name;
  fs::path root;
  gpuext::testing::HostTree tree;
  HostPaths host;
  SimulatedKernelOps kernel{host, {.release = kAgentRelease, .read_modinfo = ReadElfModinfo}};
  testing::FakeCommandRunner runner;
  RecordingReporter reporter;
};

class AgentBuildWaitTest : public AgentTest {
 protected:
  void SetUp() override {
    ca_ = std::make_unique<kube::CertificateAuthority>(
        kube::CertificateAuthority::Generate("agent-build-wait-ca", 24h));
    serving_ = ca_->IssueServing({"127.0.0.1", "localhost"}, 24h);
    artifact::testing::WriteFile(dir_.path() / "agent-token", "agent-token\n");
    port_ = gpuext::testing::FreeLoopbackPort();
    server_ = std::make_unique<cache::CacheServer>(
        cache::CacheServerOptions{.host = "127.0.0.1",
                                  .port = port_,
                                  .tls_cert_pem = serving_.cert_pem,
                                  .tls_key_pem = serving_.key_pem,
                                  .public_url = url(),
                                  .cluster = "shoot--p--s",
                                  .lease_ttl = 2min,
                                  .token_validity = 2h,
                                  .max_concurrent_builds = 4,
                                  .staging_dir = {},
                                  .threads = 64},
        cache::CacheServerDeps{.store = cache_store_,
                               .signing_key = signer_,  // the key config_ trusts
                               .tokens = tokens_,
                               .authenticator = auth_,
                               .launcher = &launcher_,
                               .clock = clock_,
                               .log = Logger::Root().WithName("cache"),
                               .served = nullptr});
    server_->Start();
    server_source_ = std::make_unique<artifact::HttpCacheBlobStore>(Client());
    // The userspace part is there already; the kernel part for this kernel is not.
    Publish(cache_store_, UserKey(), UserspacePartTree());
    kernel_blob_ = PackKernelPart();
  }

  void TearDown() override {
    std::vector<std::thread> builders;
    {
      std::lock_guard lock(builders_mu_);
      builders.swap(builders_);
    }
    for (auto& t : builders) {
      t.join();
    }
    if (server_) {
      server_->Stop();
    }
  }

  [[nodiscard]] std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  [[nodiscard]] artifact::HttpCacheClient Client() const {
    return artifact::HttpCacheClient(
        {.base_url = url(), .ca_pem = ca_->cert_pem(), .token_file = dir_.path() / "agent-token"});
  }

  // The kernel part as a builder produces it, packed once before any thread runs.
  struct PackedPart {
    artifact::PackResult packed;
    fs::path blob;
  };
  PackedPart PackKernelPart() {
    const fs::path src = dir_.path() / "build-src";
    for (const auto& [path, content] : KernelPartTree().files) {
      artifact::testing::WriteFile(src / path, content);
    }
    const fs::path blob = dir_.path() / "build-kernel.tar.zst";
    return {artifact::PackDirectory(src, artifact::ListTree(src), blob, {.zstd_level = 3}), blob};
  }

  [[nodiscard]] artifact::UploadClient Uploader(const cache::BuildRequest& build) const {
    return artifact::UploadClient(
        {.upload_url = build.upload_url, .token = build.token, .ca_pem = ca_->cert_pem()});
  }

  // The builder's side of a granted build: upload and commit (the server signs).
  void RunBuild(const cache::BuildRequest& build) const {
    const auto up = Uploader(build);
    EXPECT_EQ(up.PutBlob(kernel_blob_.blob), kernel_blob_.packed.digest);
    (void)up.Commit({.blobs = {},
                     .files = kernel_blob_.packed.files,
                     .vermagic = {},
                     .builder = {.image = "kmodbuild:amd64-1877.5",
                                 .recipe = "SIMULATED",
                                 .source_sha256 = std::string(64, 'a'),
                                 .signed_modules = false,
                                 .job_name = "claimed",
                                 .cluster = "claimed"}});
  }

  // An agent whose only source is the cache server; `asks` counts its lease requests.
  std::unique_ptr<Agent> MakeServerAgent(const std::string& node_name, const HostPaths& host,
                                         KernelOps& kernel, CommandRunner& runner,
                                         NodeReporter& reporter,
                                         artifact::HttpCacheBlobStore& store,
                                         std::atomic<int>* asks = nullptr) {
    AgentEnv env{.host = host,
                 .kernel = &kernel,
                 .runner = &runner,
                 .clock = &clock_,
                 .reporter = &reporter,
                 .sources = {{.name = "server " + url(),
                              .store = &store,
                              .request_build = [&store, asks](const artifact::ArtifactKey& key,
                                                              const artifact::LeaseRequester& who) {
                                if (asks != nullptr) {
                                  ++*asks;
                                }
                                return store.client().RequestLease(key, who);
                              }}}};
    return std::make_unique<Agent>(config_, std::move(env),
                                   AgentOptions{.scratch_dir = host.root / "scratch",
                                                .simulated = false,
                                                .run_host_tools = false,
                                                .node_name = node_name});
  }

  std::unique_ptr<Agent> MakeFixtureAgent(std::atomic<int>* asks = nullptr) {
    return MakeServerAgent("node-a", host_, kernel_, runner_, reporter_, *server_source_, asks);
  }

  std::unique_ptr<kube::CertificateAuthority> ca_;
  kube::KeyPair serving_;
  artifact::FilesystemBlobStore cache_store_{dir_.path() / "cache-data", clock_};
  cache::UploadTokens tokens_{"0123456789abcdef0123456789abcdef"};
  cache::SharedTokenAuthenticator auth_{"agent-token",
                                        "system:serviceaccount:gpu-node-agent:gpu-node-agent"};
  BuildWaitLauncher launcher_;
  int port_ = 0;
  std::unique_ptr<cache::CacheServer> server_;
  PackedPart kernel_blob_;
  std::unique_ptr<artifact::HttpCacheBlobStore> server_source_;
  std::mutex builders_mu_;  // guards builders_ (the launcher runs on server threads)
  std::vector<std::thread> builders_;
};

TEST_F(AgentBuildWaitTest, MissingPartIsBuiltOnceAndTheNextPassIsReady) {
  auto agent = MakeFixtureAgent();

  const AgentOutcome waiting = agent->RunOnce({});
  EXPECT_EQ(waiting.phase, Phase::kWaitingForBuild) << waiting.message;
  EXPECT_EQ(waiting.reason, "WaitingForBuild");
  EXPECT_THAT(waiting.message, HasSubstr(KernelKey().Path()));
  EXPECT_THAT(waiting.message, HasSubstr("started"));
  EXPECT_EQ(waiting.retry_after, 2s);
  ASSERT_EQ(launcher_.launches().size(), 1U);
  const cache::BuildRequest build = launcher_.launches()[0];
  EXPECT_EQ(build.key, KernelKey());
  // The requester as §14.3 names it: node, pool, kernel release, OS version.
  EXPECT_EQ(build.requester, (artifact::LeaseRequester{.node = "node-a",
                                                       .pool = "gpu-h100",
                                                       .kernel_release = kAgentRelease,
                                                       .os_version = "1877.5"}));
  const auto status = ReadStatusFile(host_.StatusFile());
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->phase, Phase::kWaitingForBuild);
  EXPECT_THAT(status->message, HasSubstr(KernelKey().Path()));
  EXPECT_EQ(reporter_.last().reason, "WaitingForBuild");
  EXPECT_EQ(reporter_.last().status, ConditionStatus::kUnknown);

  // The builder reports progress: the next pass mirrors it, and waits longer.
  ASSERT_TRUE(Uploader(build).Heartbeat("compile", 40));
  const AgentOutcome still = agent->RunOnce({});
  EXPECT_EQ(still.phase, Phase::kWaitingForBuild) << still.message;
  EXPECT_THAT(still.message, HasSubstr("held by shoot--p--s/" + build.job_name));
  EXPECT_THAT(still.message, HasSubstr("compile 40%"));
  EXPECT_THAT(ReadStatusFile(host_.StatusFile())->message, HasSubstr("compile 40%"));
  EXPECT_EQ(still.retry_after, 4s);
  EXPECT_EQ(launcher_.launches().size(), 1U);

  RunBuild(build);
  const AgentOutcome ready = agent->RunOnce({});
  EXPECT_EQ(ready.phase, Phase::kReady) << ready.message;
  EXPECT_EQ(ready.source, "server " + url());
  EXPECT_EQ(ready.retry_after, 60s);
  EXPECT_EQ(ReadStatusFile(host_.StatusFile())->phase, Phase::kReady);
  EXPECT_EQ(launcher_.launches().size(), 1U);
  EXPECT_THAT(LoadedNames(), Contains("nvidia"));
}

TEST_F(AgentBuildWaitTest, RunLoopLooksAgainTwoSecondsAfterWaiting) {
  auto agent = MakeFixtureAgent();
  std::jthread loop([&](std::stop_token stop) { agent->Run(stop); });
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  ASSERT_EQ(agent->last_outcome()->phase, Phase::kWaitingForBuild);
  ASSERT_EQ(launcher_.launches().size(), 1U);
  RunBuild(launcher_.launches()[0]);
  clock_.Advance(1s);
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(agent->last_outcome()->phase, Phase::kWaitingForBuild);  // not due yet
  clock_.Advance(1s);
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(agent->last_outcome()->phase, Phase::kReady) << agent->last_outcome()->message;
  loop.request_stop();
}

TEST_F(AgentBuildWaitTest, WaitBacksOffFromTwoToThirtySecondsWithJitter) {
  auto agent = MakeFixtureAgent();
  std::vector<std::chrono::seconds> waits;
  for (int i = 0; i < 7; ++i) {
    const AgentOutcome o = agent->RunOnce({});
    ASSERT_EQ(o.phase, Phase::kWaitingForBuild) << o.message;
    waits.push_back(o.retry_after);
  }
  const std::vector<std::int64_t> base = {2, 4, 8, 16, 30, 30, 30};
  for (std::size_t i = 0; i < waits.size(); ++i) {
    EXPECT_GE(waits[i].count(), base[i] - base[i] / 5) << i;
    EXPECT_LE(waits[i].count(), base[i] + base[i] / 5) << i;
  }
  EXPECT_EQ(launcher_.launches().size(), 1U);
}

TEST_F(AgentBuildWaitTest, FiftyNodesOnOneKernelCostOneBuild) {
  constexpr int kNodes = 50;
  // The SIMULATED builder Job runs on its own thread, as a Job would; when it is done (or
  // broke) the waiting nodes look again.
  std::promise<void> built;
  std::shared_future<void> built_future = built.get_future().share();
  std::once_flag built_once;
  launcher_.set_on_launch([&](const cache::BuildRequest& build) {
    std::lock_guard lock(builders_mu_);
    builders_.emplace_back([&, build] {
      try {
        RunBuild(build);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "SIMULATED build: " << e.what();
      }
      std::call_once(built_once, [&] { built.set_value(); });
    });
  });
  std::vector<std::unique_ptr<BuildWaitNode>> nodes;
  std::vector<std::unique_ptr<artifact::HttpCacheBlobStore>> stores;
  std::vector<std::unique_ptr<Agent>> agents;
  for (int i = 0; i < kNodes; ++i) {
    const std::string name = "node-" + std::to_string(i);
    nodes.push_back(std::make_unique<BuildWaitNode>(dir_.path() / "nodes" / name, name));
    stores.push_back(std::make_unique<artifact::HttpCacheBlobStore>(Client()));
    BuildWaitNode& n = *nodes.back();
    agents.push_back(MakeServerAgent(name, n.host, n.kernel, n.runner, n.reporter, *stores.back()));
  }

  // Each node passes until it is not waiting; between passes it waits for the build to end
  // (instead of retry_after on a real clock).
  std::vector<AgentOutcome> first(kNodes);
  std::vector<AgentOutcome> last(kNodes);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kNodes; ++i) {
      threads.emplace_back([&, i] {
        first[i] = agents[i]->RunOnce({});
        last[i] = first[i];
        for (int pass = 0; pass < 3 && last[i].phase == Phase::kWaitingForBuild; ++pass) {
          built_future.wait();
          last[i] = agents[i]->RunOnce({});
        }
      });
    }
  }  // joins the nodes' threads
  launcher_.set_on_launch({});
  {
    std::lock_guard lock(builders_mu_);
    for (auto& t : builders_) {
      t.join();
    }
    builders_.clear();
  }

  EXPECT_EQ(launcher_.launches().size(), 1U);
  int waited = 0;
  for (int i = 0; i < kNodes; ++i) {
    waited += first[i].phase == Phase::kWaitingForBuild ? 1 : 0;
    EXPECT_EQ(last[i].phase, Phase::kReady) << nodes[i]->name << ": " << last[i].message;
    const auto status = ReadStatusFile(nodes[i]->host.StatusFile());
    ASSERT_TRUE(status.has_value()) << nodes[i]->name;
    EXPECT_EQ(status->phase, Phase::kReady) << nodes[i]->name;
    EXPECT_EQ(nodes[i]->reporter.last().reason, "DriverLoaded") << nodes[i]->name;
    bool loaded = false;
    for (const auto& m : nodes[i]->kernel.LoadedModules()) {
      loaded = loaded || m.name == "nvidia";
    }
    EXPECT_TRUE(loaded) << nodes[i]->name;
  }
  EXPECT_GE(waited, 1);
}

TEST_F(AgentBuildWaitTest, FailedBuildEndsFailedWithItsReasonUntilRetryAfter) {
  std::atomic<int> asks{0};
  auto agent = MakeFixtureAgent(&asks);
  ASSERT_EQ(agent->RunOnce({}).phase, Phase::kWaitingForBuild);
  ASSERT_EQ(launcher_.launches().size(), 1U);
  Uploader(launcher_.launches()[0])
      .ReportFailure(KernelKey().Path(),
                     {.reason = "CompileError", .message = "SIMULATED nvidia.c:1: error"});

  const AgentOutcome failed = agent->RunOnce({});
  EXPECT_EQ(failed.phase, Phase::kFailed) << failed.message;
  EXPECT_EQ(failed.reason, "CompileError");
  EXPECT_THAT(failed.message, HasSubstr("SIMULATED nvidia.c:1: error"));
  EXPECT_THAT(failed.message, HasSubstr(KernelKey().Path()));
  EXPECT_EQ(reporter_.last().reason, "CompileError");
  EXPECT_EQ(ReadStatusFile(host_.StatusFile())->phase, Phase::kFailed);
  const auto backoff = Client().GetBuild(KernelKey());
  ASSERT_TRUE(backoff.has_value());
  const auto retry_at = ParseRfc3339(backoff->retry_after);
  ASSERT_TRUE(retry_at.has_value()) << backoff->retry_after;
  EXPECT_EQ(failed.retry_after, std::chrono::ceil<std::chrono::seconds>(*retry_at - clock_.Now()));
  EXPECT_GT(failed.retry_after, 30s);
  EXPECT_EQ(asks.load(), 2);

  // Before retryAfter: the same failure, without asking the server again.
  clock_.Advance(failed.retry_after - 1s);
  const AgentOutcome again = agent->RunOnce({});
  EXPECT_EQ(again.phase, Phase::kFailed);
  EXPECT_EQ(again.reason, "CompileError");
  EXPECT_EQ(again.retry_after, 1s);
  EXPECT_EQ(asks.load(), 2);
  EXPECT_EQ(launcher_.launches().size(), 1U);

  // After it: asked again, and the server builds again.
  clock_.Advance(2s);
  const AgentOutcome retried = agent->RunOnce({});
  EXPECT_EQ(retried.phase, Phase::kWaitingForBuild) << retried.message;
  EXPECT_EQ(asks.load(), 3);
  EXPECT_EQ(launcher_.launches().size(), 2U);
}

TEST_F(AgentBuildWaitTest, ReadOnlySourcesStillReportArtifactMissing) {
  // The fixture's filesystem source has no request_build: nothing is asked, nothing built.
  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kFailed);
  EXPECT_EQ(o.reason, "ArtifactMissing");
  EXPECT_EQ(o.retry_after, 5min);
  EXPECT_TRUE(launcher_.launches().empty());
}

}  // namespace
}  // namespace gpuext::nodeagent::agenttest
