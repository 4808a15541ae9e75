// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/tls.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include "gpuext/error.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr std::chrono::seconds kYear = 24h * 365;

template <auto Free>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* handle) const {
    Free(handle);
  }
};
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using X509Store = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using X509StoreCtx = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;
using Bignum = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using Bio = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;

X509Ptr ParsePem(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  EXPECT_NE(cert, nullptr) << pem;
  return cert;
}

// Verifies `leaf` against `ca` alone for `purpose` (X509_PURPOSE_SSL_SERVER, ...). Returns the
// X509_V_* result, X509_V_OK on success.
int VerifyChain(const std::string& ca_pem, const std::string& leaf_pem, int purpose) {
  const X509Ptr ca = ParsePem(ca_pem);
  const X509Ptr leaf = ParsePem(leaf_pem);
  X509Store store(X509_STORE_new());
  EXPECT_EQ(X509_STORE_add_cert(store.get(), ca.get()), 1);
  X509StoreCtx ctx(X509_STORE_CTX_new());
  EXPECT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr), 1);
  EXPECT_EQ(X509_STORE_CTX_set_purpose(ctx.get(), purpose), 1);
  if (X509_verify_cert(ctx.get()) == 1) {
    return X509_V_OK;
  }
  return X509_STORE_CTX_get_error(ctx.get());
}

std::string SubjectEntries(X509* cert, int nid) {
  std::string out;
  X509_NAME* name = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    out += (out.empty() ? "" : ",") +
           std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                       static_cast<size_t>(ASN1_STRING_length(data)));
  }
  return out;
}

std::string OctetHex(const ASN1_OCTET_STRING* octets) {
  std::string out;
  for (int i = 0; i < ASN1_STRING_length(octets); ++i) {
    out += fmt::format("{:02x}", ASN1_STRING_get0_data(octets)[i]);
  }
  return out;
}

class TlsTest : public ::testing::Test {
 protected:
  // One CA pair for the whole suite; generated once, immutable, safe to share.
  static const CertificateAuthority& Ca() {
    static const CertificateAuthority ca = CertificateAuthority::Generate("test-ca", kYear);
    return ca;
  }
  static const CertificateAuthority& OtherCa() {
    static const CertificateAuthority ca = CertificateAuthority::Generate("other-ca", kYear);
    return ca;
  }

  const CertificateAuthority* ca_ = &Ca();
  const CertificateAuthority* other_ca_ = &OtherCa();
};

TEST_F(TlsTest, CaIsSelfSignedCaWithKeyIdentifiers) {
  const X509Ptr ca = ParsePem(ca_->cert_pem());
  EXPECT_EQ(SubjectEntries(ca.get(), NID_commonName), "test-ca");
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_NE(X509_get_extension_flags(ca.get()) & EXFLAG_CA, 0u);  // basicConstraints CA:TRUE
  EXPECT_NE(X509_get_key_usage(ca.get()) & KU_KEY_CERT_SIGN, 0u);
  EXPECT_EQ(X509_get_signature_nid(ca.get()), NID_ecdsa_with_SHA256);
  ASSERT_NE(X509_get0_subject_key_id(ca.get()), nullptr);
  ASSERT_NE(X509_get0_authority_key_id(ca.get()), nullptr);
  EXPECT_EQ(OctetHex(X509_get0_authority_key_id(ca.get())),
            OctetHex(X509_get0_subject_key_id(ca.get())));
  EXPECT_EQ(VerifyChain(ca_->cert_pem(), ca_->cert_pem(), X509_PURPOSE_ANY), X509_V_OK);
  EXPECT_THAT(ca_->key_pair().key_pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
}

TEST_F(TlsTest, ServingCertificateVerifiesForItsHostsOnly) {
  const KeyPair serving = ca_->IssueServing({"localhost", "127.0.0.1"}, 24h);
  EXPECT_EQ(VerifyChain(ca_->cert_pem(), serving.cert_pem, X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(VerifyChain(other_ca_->cert_pem(), serving.cert_pem, X509_PURPOSE_SSL_SERVER),
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  // serverAuth only: not usable as a client certificate.
  EXPECT_EQ(VerifyChain(ca_->cert_pem(), serving.cert_pem, X509_PURPOSE_SSL_CLIENT),
            X509_V_ERR_INVALID_PURPOSE);

  const X509Ptr cert = ParsePem(serving.cert_pem);
  struct Case {
    std::string host;
    bool ip;
    bool want;
  };
  const std::vector<Case> cases = {
      {"localhost", false, true}, {"127.0.0.1", true, true}, {"example.com", false, false},
      {"127.0.0.2", true, false}, {"::1", true, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.host);
    const int rc = c.ip ? X509_check_ip_asc(cert.get(), c.host.c_str(), 0)
                        : X509_check_host(cert.get(), c.host.data(), c.host.size(), 0, nullptr);
    EXPECT_EQ(rc == 1, c.want);
  }
  EXPECT_EQ(SubjectEntries(cert.get(), NID_commonName), "localhost");
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  // basicConstraints present, saying CA:FALSE.
  EXPECT_EQ(X509_get_extension_flags(cert.get()) & (EXFLAG_BCONS | EXFLAG_CA), EXFLAG_BCONS);
}

TEST_F(TlsTest, LeafCarriesAuthorityKeyIdOfItsCa) {
  const X509Ptr ca = ParsePem(ca_->cert_pem());
  const X509Ptr leaf = ParsePem(ca_->IssueServing({"localhost"}, 1h).cert_pem);
  ASSERT_NE(X509_get0_authority_key_id(leaf.get()), nullptr);
  ASSERT_NE(X509_get0_subject_key_id(leaf.get()), nullptr);
  EXPECT_EQ(OctetHex(X509_get0_authority_key_id(leaf.get())),
            OctetHex(X509_get0_subject_key_id(ca.get())));
  EXPECT_NE(OctetHex(X509_get0_subject_key_id(leaf.get())),
            OctetHex(X509_get0_subject_key_id(ca.get())));
}

TEST_F(TlsTest, SerialsAreRandomPositiveAndAtMost128Bits) {
  std::vector<std::string> serials;
  for (int i = 0; i < 4; ++i) {
    const X509Ptr cert = ParsePem(ca_->IssueServing({"localhost"}, 1h).cert_pem);
    Bignum serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr));
    ASSERT_NE(serial, nullptr);
    EXPECT_FALSE(BN_is_negative(serial.get()));
    EXPECT_FALSE(BN_is_zero(serial.get()));
    EXPECT_LE(BN_num_bits(serial.get()), 128);
    char* hex = BN_bn2hex(serial.get());
    ASSERT_NE(hex, nullptr);
    serials.emplace_back(hex);
    OPENSSL_free(hex);
  }
  std::sort(serials.begin(), serials.end());
  EXPECT_EQ(std::adjacent_find(serials.begin(), serials.end()), serials.end());
}

TEST_F(TlsTest, CertificateHostsListsDnsAndIpSans) {
  struct Case {
    std::vector<std::string> hosts;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {{"localhost", "127.0.0.1"}, {"localhost", "127.0.0.1"}},
      {{"::1", "api.example.com", "*.svc.cluster.local"},
       {"::1", "api.example.com", "*.svc.cluster.local"}},
      {{"10.0.0.1"}, {"10.0.0.1"}},
      {{"fd00:0:0:0::1"}, {"fd00::1"}},  // IPs come back in canonical form
      // Too long for a common name (64 bytes at most), so the certificate carries only the SAN.
      {{std::string(60, 'a') + ".example.com"}, {std::string(60, 'a') + ".example.com"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hosts.front());
    EXPECT_EQ(CertificateHosts(ca_->IssueServing(c.hosts, 1h).cert_pem), c.want);
  }
  EXPECT_THAT(CertificateHosts(ca_->cert_pem()), ElementsAre());
}

TEST_F(TlsTest, CertificateNotAfterIsNowPlusValidity) {
  const auto before = std::chrono::system_clock::now();
  const KeyPair serving = ca_->IssueServing({"localhost"}, 48h);
  const auto after = std::chrono::system_clock::now();
  const auto not_after = CertificateNotAfter(serving.cert_pem);
  // X.509 times have whole seconds.
  EXPECT_GE(not_after, std::chrono::floor<std::chrono::seconds>(before + 48h));
  EXPECT_LE(not_after, after + 48h);
  EXPECT_GT(CertificateNotAfter(ca_->cert_pem()), before + kYear - 1min);
}

TEST_F(TlsTest, ClientCertificateCarriesUserAndGroups) {
  const KeyPair client = ca_->IssueClient("alice", {"system:masters", "devs"}, 1h);
  EXPECT_EQ(VerifyChain(ca_->cert_pem(), client.cert_pem, X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  EXPECT_EQ(VerifyChain(ca_->cert_pem(), client.cert_pem, X509_PURPOSE_SSL_SERVER),
            X509_V_ERR_INVALID_PURPOSE);
  const X509Ptr cert = ParsePem(client.cert_pem);
  EXPECT_EQ(SubjectEntries(cert.get(), NID_commonName), "alice");
  EXPECT_EQ(SubjectEntries(cert.get(), NID_organizationName), "system:masters,devs");
  EXPECT_THAT(CertificateHosts(client.cert_pem), ElementsAre());
}

TEST_F(TlsTest, FromPemRoundTripsAndIssuesVerifiableCertificates) {
  const CertificateAuthority loaded = CertificateAuthority::FromPem(ca_->key_pair());
  EXPECT_EQ(loaded.cert_pem(), ca_->cert_pem());
  const KeyPair serving = loaded.IssueServing({"localhost"}, 1h);
  EXPECT_EQ(VerifyChain(ca_->cert_pem(), serving.cert_pem, X509_PURPOSE_SSL_SERVER), X509_V_OK);
}

TEST_F(TlsTest, RejectsBadInput) {
  const KeyPair mismatched{ca_->cert_pem(), other_ca_->key_pair().key_pem};
  const KeyPair leaf = ca_->IssueServing({"localhost"}, 1h);
  struct Case {
    std::string name;
    std::function<void()> call;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"key of another CA", [&] { (void)CertificateAuthority::FromPem(mismatched); },
       "CA private key does not match the CA certificate"},
      {"garbage certificate",
       [&] {
         (void)CertificateAuthority::FromPem({"not pem", ca_->key_pair().key_pem});
       },
       "certificate PEM does not parse"},
      {"garbage key",
       [&] {
         (void)CertificateAuthority::FromPem({ca_->cert_pem(), "nope"});
       },
       "private key PEM does not parse"},
      {"leaf is not a CA", [&] { (void)CertificateAuthority::FromPem(leaf); },
       "certificate is not a CA"},
      {"no hosts", [&] { (void)ca_->IssueServing({}, 1h); },
       "a serving certificate needs at least one host"},
      {"empty host",
       [&] {
         (void)ca_->IssueServing({"localhost", ""}, 1h);
       },
       "a serving certificate host must not be empty"},
      {"zero validity", [&] { (void)ca_->IssueServing({"localhost"}, 0s); },
       "certificate validity must be positive, got 0s"},
      {"no user", [&] { (void)ca_->IssueClient("", {}, 1h); },
       "a client certificate needs a user name"},
      {"not after of garbage", [&] { (void)CertificateNotAfter("junk"); },
       "certificate PEM does not parse"},
      {"hosts of garbage", [&] { (void)CertificateHosts(""); }, "certificate PEM does not parse"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(c.call, ThrowsMessage<Error>(HasSubstr(c.want)));
  }
}

// A directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kube-tls-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string Write(const std::string& name, const std::string& content) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file) << content;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

// A real cpp-httplib TLS server on 127.0.0.1, port 0, serving GET /healthz.
class TlsServer {
 public:
  TlsServer(const TempDir& dir, const KeyPair& serving)
      : server_(dir.Write("tls.crt", serving.cert_pem).c_str(),
                dir.Write("tls.key", serving.key_pem).c_str()) {
    server_.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("ok", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so wait for it.
    while (!server_.is_running()) {
      std::this_thread::sleep_for(1ms);
    }
  }
  ~TlsServer() {
    server_.stop();
    thread_.join();
  }
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  bool valid() const { return server_.is_valid() && port_ > 0; }
  int port() const { return port_; }

 private:
  httplib::SSLServer server_;
  int port_ = -1;
  std::thread thread_;
};

TEST_F(TlsTest, HandshakeSucceedsOnlyWithTheIssuingCaAndMatchingHost) {
  TempDir dir;
  const std::string ca_path = dir.Write("ca.crt", ca_->cert_pem());
  const std::string other_ca_path = dir.Write("other-ca.crt", other_ca_->cert_pem());

  struct Case {
    std::string name;
    std::vector<std::string> hosts;  // of the serving certificate
    std::string ca_path;             // trusted by the client
    bool want_ok;
  };
  const std::vector<Case> cases = {
      {"issuing CA and matching IP SAN", {"localhost", "127.0.0.1"}, ca_path, true},
      {"another CA", {"localhost", "127.0.0.1"}, other_ca_path, false},
      {"issuing CA but no SAN for 127.0.0.1", {"example.com"}, ca_path, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TlsServer server(dir, ca_->IssueServing(c.hosts, 1h));
    ASSERT_TRUE(server.valid());
    httplib::SSLClient client("127.0.0.1", server.port());
    client.set_ca_cert_path(c.ca_path);
    client.enable_server_certificate_verification(true);
    client.set_connection_timeout(5s);
    client.set_read_timeout(5s);
    const httplib::Result result = client.Get("/healthz");
    if (c.want_ok) {
      ASSERT_TRUE(result) << httplib::to_string(result.error());
      EXPECT_EQ(result->status, 200);
      EXPECT_EQ(result->body, "ok");
    } else {
      ASSERT_FALSE(result);
      EXPECT_EQ(result.error(), httplib::Error::SSLServerVerification)
          << httplib::to_string(result.error());
    }
  }
}

}  // namespace
}  // namespace gpuext::kube
