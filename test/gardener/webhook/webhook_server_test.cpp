// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/webhook_server.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/kube/tls.h"
#include "gpuext/testing/process.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class Labeler : public Mutator {
 public:
  void Mutate(const AdmissionRequest&, json& obj) override {
    obj["metadata"]["labels"]["gpu"] = "true";
  }
};

json Review() {
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", "u-1"}, {"operation", "CREATE"}, {"object", {{"metadata", {{"name", "x"}}}}}}}};
}

class WebhookServerTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteServing(ca_); }

  void WriteServing(const kube::CertificateAuthority& ca) {
    const auto pair = ca.IssueServing({"localhost", "127.0.0.1"}, 24h);
    // Key first, then cert: the server only accepts a matching pair, so a reader between the two
    // writes keeps the old pair.
    WriteFileAtomically(dir_.path() / "tls.key", pair.key_pem, 0600);
    WriteFileAtomically(dir_.path() / "tls.crt", pair.cert_pem, 0644);
  }

  // httplib 0.11 reads trusted CAs from a file.
  void TrustOnly(httplib::SSLClient& client, const std::string& ca_pem) {
    const auto path =
        dir_.path() / ("ca-" + std::to_string(std::hash<std::string>()(ca_pem)) + ".pem");
    if (!std::filesystem::exists(path)) {
      WriteFileAtomically(path, ca_pem, 0644);
    }
    client.set_ca_cert_path(path.c_str());
    client.enable_server_certificate_verification(true);
  }

  httplib::Result Post(int port, const std::string& ca_pem) {
    httplib::SSLClient client("127.0.0.1", port);
    TrustOnly(client, ca_pem);
    return client.Post("/mutate", Review().dump(), "application/json");
  }

  gpuext::testing::TempDir dir_;
  kube::CertificateAuthority ca_ = kube::CertificateAuthority::Generate("webhook-ca", 24h);
  Labeler labeler_;
};

TEST_F(WebhookServerTest, ServesAdmissionOverVerifiedTls) {
  WebhookServer server({.host = "127.0.0.1", .port = 0, .cert_dir = dir_.path()},
                       Logger::Root().WithName("webhook"));
  server.AddMutator("/mutate", labeler_);
  server.Start();
  const auto res = Post(server.port(), ca_.cert_pem());
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  ASSERT_EQ(res->status, 200);
  const json out = json::parse(res->body);
  EXPECT_EQ(out["response"]["uid"], "u-1");
  EXPECT_EQ(out["response"]["allowed"], true);

  httplib::SSLClient health("127.0.0.1", server.port());
  TrustOnly(health, ca_.cert_pem());
  const auto healthz = health.Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
}

TEST_F(WebhookServerTest, NonJsonBodyIsRejected) {
  WebhookServer server({.host = "127.0.0.1", .port = 0, .cert_dir = dir_.path()},
                       Logger::Root().WithName("webhook"));
  server.AddMutator("/mutate", labeler_);
  server.Start();
  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  const auto res = client.Post("/mutate", "not json", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

TEST_F(WebhookServerTest, MissingCertificateNamesTheFile) {
  gpuext::testing::TempDir empty;
  try {
    WebhookServer server({.port = 0, .cert_dir = empty.path()}, Logger::Root());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tls.crt does not exist"), std::string::npos) << e.what();
  }
}

// Rotation mid-traffic: clients keep posting while the certificate is replaced by one from a new
// CA; every request succeeds (clients trust both CAs, as a caBundle does during the overlap), and
// once rotated, new connections present the new certificate.
TEST_F(WebhookServerTest, CertificateRotationMidTrafficFailsNoRequest) {
  WebhookServer server({.host = "127.0.0.1", .port = 0, .cert_dir = dir_.path()},
                       Logger::Root().WithName("webhook"));
  server.AddMutator("/mutate", labeler_);
  server.Start();
  const auto new_ca = kube::CertificateAuthority::Generate("webhook-ca-2", 24h);
  const std::string bundle = ca_.cert_pem() + new_ca.cert_pem();

  std::atomic<bool> done = false;
  std::atomic<int> ok = 0;
  std::atomic<int> failed = 0;
  std::vector<std::jthread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      while (!done) {
        const auto res = Post(server.port(), bundle);
        (res && res->status == 200 ? ok : failed)++;
      }
    });
  }
  std::this_thread::sleep_for(200ms);
  WriteServing(new_ca);
  std::this_thread::sleep_for(300ms);
  done = true;
  clients.clear();
  EXPECT_EQ(failed, 0);
  EXPECT_GT(ok, 4);

  // A client trusting only the new CA now succeeds; one trusting only the old CA fails.
  const auto fresh = Post(server.port(), new_ca.cert_pem());
  ASSERT_TRUE(fresh) << httplib::to_string(fresh.error());
  EXPECT_EQ(fresh->status, 200);
  EXPECT_FALSE(Post(server.port(), ca_.cert_pem()));
}

}  // namespace
}  // namespace gpuext::gardener
