// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// The cache server wired as in the cluster: TokenReview through the kube-emulator, builder Jobs
// created there, the builder reading its token from the Job's Secret.
#include <gtest/gtest.h>

#include "cache_test_fixture.h"
#include "gpuext/base64.h"
#include "gpuext/emulator/server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/nodeagent/cache/job_launcher.h"

namespace gpuext::nodeagent::cache::testing {
namespace {

class CacheServerEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emulator_ = std::make_unique<emulator::Server>(
        emulator::ServerOptions{
            .listen = "127.0.0.1:0",
            .tokens = {{.user = "admin", .token = "admin-token", .groups = {"system:masters"}},
                       {.user = "system:serviceaccount:gpu-node-agent:gpu-node-agent",
                        .token = "agent-sa-token"}}},
        Logger::Root().WithName("emulator"));
    emulator_->Start();
    kube_ = std::make_unique<kube::HttpClient>(
        kube::ParseKubeconfig(emulator_->Kubeconfig(), dir_.path() / "kubeconfig"));
    kube_->Create({"", "v1", "namespaces", false}, {{"apiVersion", "v1"},
                                                    {"kind", "Namespace"},
                                                    {"metadata", {{"name", "gpu-driver-cache"}}}});
    ca_ = std::make_unique<kube::CertificateAuthority>(
        kube::CertificateAuthority::Generate("cache-ca", 24h));
    const auto serving = ca_->IssueServing({"127.0.0.1"}, 24h);
    store_ = std::make_unique<artifact::FilesystemBlobStore>(dir_.path() / "data", clock_);
    auth_ = std::make_unique<TokenReviewAuthenticator>(*kube_, clock_);
    launcher_ = std::make_unique<JobBuildLauncher>(
        *kube_, JobLauncherOptions{.agent_image = "registry.test/gpu-node-agent:v1",
                                   .builder_image = "registry.test/kmodbuild:{arch}-{osVersion}",
                                   // Only the open tarball: userspace keys have no source.
                                   .sources = {{.driver_version = "*",
                                                .url = "https://download.test/{version}.tar.gz"}},
                                   .cluster = "shoot--p--s"});
    port_ = gpuext::testing::FreeLoopbackPort();
    server_ =
        std::make_unique<CacheServer>(CacheServerOptions{.host = "127.0.0.1",
                                                         .port = port_,
                                                         .tls_cert_pem = serving.cert_pem,
                                                         .tls_key_pem = serving.key_pem,
                                                         .public_url = url(),
                                                         .cluster = "shoot--p--s"},
                                      CacheServerDeps{.store = *store_,
                                                      .signing_key = signing_key_,
                                                      .tokens = tokens_,
                                                      .authenticator = *auth_,
                                                      .launcher = launcher_.get(),
                                                      .clock = clock_,
                                                      .log = Logger::Root().WithName("cache")});
    server_->Start();
  }
  void TearDown() override {
    server_->Stop();
    emulator_->Stop();
  }
  [[nodiscard]] std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  artifact::HttpCacheClient Client(const std::string& token) {
    CacheTestWriteFile(dir_.path() / "token", token);
    return artifact::HttpCacheClient(
        {.base_url = url(), .ca_pem = ca_->cert_pem(), .token_file = dir_.path() / "token"});
  }

  gpuext::testing::TempDir dir_;
  gpuext::testing::FakeClock clock_;
  std::unique_ptr<emulator::Server> emulator_;
  std::unique_ptr<kube::HttpClient> kube_;
  std::unique_ptr<kube::CertificateAuthority> ca_;
  std::unique_ptr<artifact::FilesystemBlobStore> store_;
  artifact::SigningKey signing_key_ = artifact::SigningKey::Generate();
  UploadTokens tokens_{"0123456789abcdef0123456789abcdef"};
  std::unique_ptr<TokenReviewAuthenticator> auth_;
  std::unique_ptr<JobBuildLauncher> launcher_;
  int port_ = 0;
  std::unique_ptr<CacheServer> server_;
};

TEST_F(CacheServerEmulatorTest, AgentTokenStartsABuilderJobWhoseSecretCarriesTheUploadToken) {
  const auto key = CacheTestKernelKey();
  const auto answer = Client("agent-sa-token")
                          .RequestLease(key, {.node = "n1",
                                              .pool = "gpu",
                                              .kernel_release = kCacheTestKernel,
                                              .os_version = "1877.5.0"});
  ASSERT_EQ(answer.state, artifact::CacheLeaseState::kGranted);
  const auto job = kube_->Get({"batch", "v1", "jobs", true}, {"gpu-driver-cache", answer.job});
  ASSERT_TRUE(job.has_value());
  const auto& main = (*job)["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(main["image"], "registry.test/kmodbuild:amd64-1877.5.0");
  const std::string upload = url() + "/v1/uploads/" + answer.build_id;
  const std::vector<std::string> command = main["command"];
  EXPECT_NE(std::find(command.begin(), command.end(), "--upload=" + upload), command.end());

  // The builder's view: the token from its Secret drives the upload API.
  const auto secret =
      kube_->Get({"", "v1", "secrets", true}, {"gpu-driver-cache", answer.job + "-upload"});
  ASSERT_TRUE(secret.has_value());
  const artifact::UploadClient up(
      {.upload_url = upload,
       .token = Base64Decode((*secret)["data"]["token"].get<std::string>()),
       .ca_pem = ca_->cert_pem()});
  EXPECT_TRUE(up.Heartbeat("compile", 5));
  EXPECT_EQ(Client("agent-sa-token").GetBuild(key)->phase, "compile");
}

TEST_F(CacheServerEmulatorTest, KeyWithoutAFittingSourceFailsInsteadOfLeasing) {
  const auto key = artifact::UserspaceKey("580.95.05", gpuruntime::Arch::kAmd64);
  const auto answer = Client("agent-sa-token").RequestLease(key, {.node = "n1", .pool = "gpu"});
  ASSERT_EQ(answer.state, artifact::CacheLeaseState::kFailed);
  EXPECT_EQ(answer.reason, "NoBuildSource");
  EXPECT_NE(answer.message.find("builds.sources has no source of kind run"), std::string::npos)
      << answer.message;
  EXPECT_FALSE(answer.retry_after.empty());
  EXPECT_FALSE(kube_->Get({"batch", "v1", "jobs", true}, {"gpu-driver-cache", BuildJobName(key)})
                   .has_value());
}

TEST_F(CacheServerEmulatorTest, TokensOfOtherIdentitiesAreRefused) {
  try {
    (void)Client("admin-token").RequestLease(CacheTestKernelKey(), {.node = "n1"});
    FAIL() << "expected 401";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInfraUnauthorized);
  }
  EXPECT_FALSE(kube_
                   ->Get({"batch", "v1", "jobs", true},
                         {"gpu-driver-cache", BuildJobName(CacheTestKernelKey())})
                   .has_value());
}

}  // namespace
}  // namespace gpuext::nodeagent::cache::testing
