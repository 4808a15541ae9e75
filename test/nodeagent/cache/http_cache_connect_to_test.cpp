// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// --connect-to (HttpCacheOptions::connect_to, UploadClientOptions::connect_to): the clients
// reach a cache server whose certificate names only the in-cluster Service name through a
// loopback address, with TLS still verifying that name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cache_test_fixture.h"

namespace gpuext::nodeagent::cache::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kConnectToService = "gpu-driver-cache.gpu-driver-cache.svc";

class HttpCacheConnectToTest : public CacheServerFixture {
 protected:
  void SetUp() override {
    CacheServerFixture::SetUp();
    // The chart's certificate: the Service name only, no loopback address.
    server_->Stop();
    serving_ = ca_->IssueServing({kConnectToService}, 24h);
    StartServer();
  }

  [[nodiscard]] std::string ServiceUrl() const {
    return std::string("https://") + kConnectToService;
  }
  [[nodiscard]] std::string ToLoopback() const {
    return std::string(kConnectToService) + ":443:127.0.0.1:" + std::to_string(port_);
  }
  artifact::HttpCacheClient ServiceClient(std::vector<std::string> connect_to) const {
    return artifact::HttpCacheClient({.base_url = ServiceUrl(),
                                      .ca_pem = ca_->cert_pem(),
                                      .token_file = dir_.path() / "agent-token",
                                      .connect_timeout = 5s,
                                      .connect_to = std::move(connect_to)});
  }
};

TEST_F(HttpCacheConnectToTest, ServiceNameIsReachedThroughTheLoopbackAddress) {
  EXPECT_FALSE(ServiceClient({ToLoopback()}).ManifestExists(CacheTestKernelKey()));
  // A lease request is a POST with the token: it reaches the server and starts a build.
  const auto answer = ServiceClient({ToLoopback()})
                          .RequestLease(CacheTestKernelKey(), {.node = "n1", .pool = "gpu"});
  EXPECT_EQ(answer.state, artifact::CacheLeaseState::kGranted);
  ASSERT_EQ(launcher_.launches().size(), 1U);
  // The builder's upload client takes the same mapping for the upload URL's host.
  const BuildRequest build = launcher_.launches().front();
  EXPECT_THAT(build.upload_url, HasSubstr("127.0.0.1"));  // the fixture's public URL
  const std::string service_upload =
      ServiceUrl() + build.upload_url.substr(build.upload_url.find("/v1/uploads/"));
  const artifact::UploadClient up({.upload_url = service_upload,
                                   .token = build.token,
                                   .ca_pem = ca_->cert_pem(),
                                   .connect_to = {ToLoopback()}});
  EXPECT_TRUE(up.Heartbeat("compile", 10));
}

TEST_F(HttpCacheConnectToTest, WithoutTheMappingTheServiceNameDoesNotResolve) {
  EXPECT_THAT([&] { (void)ServiceClient({}).ManifestExists(CacheTestKernelKey()); },
              ::testing::ThrowsMessage<Error>(HasSubstr(kConnectToService)));
}

TEST_F(HttpCacheConnectToTest, TlsStillVerifiesTheUrlsHostName) {
  // Mapping a name the certificate does not hold onto the server fails the handshake.
  const artifact::HttpCacheClient other(
      {.base_url = "https://other.example.internal",
       .ca_pem = ca_->cert_pem(),
       .connect_timeout = 5s,
       .connect_to = {"other.example.internal:443:127.0.0.1:" + std::to_string(port_)}});
  EXPECT_THAT([&] { (void)other.ManifestExists(CacheTestKernelKey()); },
              ::testing::ThrowsMessage<Error>(HasSubstr("other.example.internal")));
}

TEST(ConnectToProblemTest, AcceptsCurlsShapesAndNamesTheFlag) {
  for (const char* good : {"gpu-driver-cache.gpu-driver-cache.svc:443:127.0.0.1:18443",
                           "::127.0.0.1:8443", "h:443:[::1]:8443", "[::1]:443:h:", ":::"}) {
    SCOPED_TRACE(good);
    EXPECT_EQ(artifact::ConnectToProblem(good), "");
  }
  for (const char* bad :
       {"", "h:443:127.0.0.1", "h:https:127.0.0.1:1", "h:443:127.0.0.1:70000", "[::1:443:h:1"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(artifact::ConnectToProblem(bad),
                HasSubstr("--connect-to: Invalid value: \"" + std::string(bad) + "\""));
  }
}

}  // namespace
}  // namespace gpuext::nodeagent::cache::testing
