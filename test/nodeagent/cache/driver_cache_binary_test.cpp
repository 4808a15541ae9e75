// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// The gpu-driver-cache binary with the chart's flags and file layout, as a real child process.
#include <csignal>
#include <thread>

#include <gtest/gtest.h>

#include "cache_test_fixture.h"

namespace gpuext::nodeagent::cache::testing {
namespace {

class DriverCacheBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = std::filesystem::path(GPUEXT_BINARY_DIR) / "bin" / "gpu-driver-cache";
    ASSERT_TRUE(std::filesystem::exists(binary_))
        << binary_ << " is missing; build the target gpu-driver-cache first";
    const auto ca = kube::CertificateAuthority::Generate("binary-test-ca", 24h);
    const auto serving = ca.IssueServing({"127.0.0.1"}, 24h);
    etc_ = dir_.path() / "etc";
    CacheTestWriteFile(etc_ / "tls/tls.crt", serving.cert_pem);
    CacheTestWriteFile(etc_ / "tls/tls.key", serving.key_pem);
    CacheTestWriteFile(etc_ / "tls/ca.crt", ca.cert_pem());
    CacheTestWriteFile(etc_ / "signing-key/ed25519.pem", artifact::SigningKey::Generate().ToPem());
    CacheTestWriteFile(etc_ / "upload-hmac/key", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMy\n");
    CacheTestWriteFile(etc_ / "shared-token", "agent-token\n");
    CacheTestWriteFile(etc_ / "config/builds.yaml", "enabled: false\nnodeSelector: {}\n");
    port_ = gpuext::testing::FreeLoopbackPort();
  }

  std::string Config() const {
    return "apiVersion: cache.gpu.extensions.gardener.cloud/v1alpha1\n"
           "kind: CacheServerConfiguration\n"
           "server:\n"
           "  listen: 127.0.0.1:" +
           std::to_string(port_) +
           "\n"
           "  tls: {certFile: " +
           (etc_ / "tls/tls.crt").string() + ", keyFile: " + (etc_ / "tls/tls.key").string() +
           "}\n"
           "  signingKeyFile: " +
           (etc_ / "signing-key/ed25519.pem").string() +
           "\n"
           "  uploadHMACFile: " +
           (etc_ / "upload-hmac/key").string() +
           "\n"
           "  auth: {mode: sharedToken, sharedTokenFile: " +
           (etc_ / "shared-token").string() +
           "}\n"
           "storage: {backend: filesystem, quota: 10Gi}\n"
           "builds: {enabled: true, maxConcurrent: 2, timeout: 1h0m0s}\n"
           "prebuild: {nextKernel: true, osVersions: [], targets: []}\n";
  }

  std::unique_ptr<gpuext::testing::BackgroundProcess> Start() {
    return std::make_unique<gpuext::testing::BackgroundProcess>(
        std::vector<std::string>{
            binary_.string(), "--config=" + (etc_ / "config/config.yaml").string(),
            "--builds-config=" + (etc_ / "config/builds.yaml").string(), "--backend=filesystem",
            "--data-dir=" + (dir_.path() / "data").string(), "--log-format=text"},
        std::vector<std::string>{}, dir_.path() / "server.log");
  }

  std::unique_ptr<httplib::SSLClient> Raw() const {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port_);
    c->set_ca_cert_path((etc_ / "tls/ca.crt").c_str());
    c->enable_server_certificate_verification(true);
    return c;
  }

  gpuext::testing::TempDir dir_;
  std::filesystem::path binary_;
  std::filesystem::path etc_;
  int port_ = 0;
};

TEST_F(DriverCacheBinaryTest, ServesWithTheChartsLayoutUntilSigterm) {
  CacheTestWriteFile(etc_ / "config/config.yaml", Config());
  auto process = Start();
  // Wait (for real) for the child's readiness probe, as the kubelet would.
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) {
    const auto res = Raw()->Get("/readyz");
    ready = res && res->status == 200;
    if (!ready) {
      ASSERT_TRUE(process->Running()) << CacheTestReadFile(dir_.path() / "server.log");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_TRUE(ready) << CacheTestReadFile(dir_.path() / "server.log");
  const auto missing = Raw()->Get("/v1/manifests/userspace/580.95.05/amd64");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  artifact::HttpCacheClient client({.base_url = "https://127.0.0.1:" + std::to_string(port_),
                                    .ca_file = etc_ / "tls/ca.crt",
                                    .token_file = etc_ / "shared-token"});
  const auto answer = client.RequestLease(CacheTestKernelKey(), {.node = "n"});
  EXPECT_EQ(answer.state, artifact::CacheLeaseState::kFailed);
  EXPECT_EQ(answer.reason, "BuildsDisabled");  // builds.yaml of the chart wins

  EXPECT_EQ(process->Stop(SIGTERM, std::chrono::seconds(20)), 0)
      << CacheTestReadFile(dir_.path() / "server.log");
}

TEST_F(DriverCacheBinaryTest, BadConfigurationExitsWithTheFieldNamed) {
  CacheTestWriteFile(etc_ / "config/config.yaml", Config() + "gc: {grace: 1s}\n");
  auto process = Start();
  // Signal 0 only waits for the exit: a configuration problem exits 2 by itself.
  EXPECT_EQ(process->Stop(0, std::chrono::seconds(20)), 2);
  const std::string log = CacheTestReadFile(dir_.path() / "server.log");
  EXPECT_NE(log.find("gc.grace"), std::string::npos) << log;
}

}  // namespace
}  // namespace gpuext::nodeagent::cache::testing
