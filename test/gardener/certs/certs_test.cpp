// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/certs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::gardener {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr auto kDay = std::chrono::hours(24);

TEST(CertsTest, CaIsSelfSignedWithTheConfiguredValidity) {
  gpuext::testing::FakeClock clock;
  const CertificatePair ca = GenerateCa({.common_name = "gardener-extension-gpu"}, clock);
  const CertificateInfo info = InspectCertificate(ca.cert_pem);
  EXPECT_EQ(info.common_name, "gardener-extension-gpu");
  EXPECT_TRUE(info.is_ca);
  EXPECT_EQ(info.not_after, clock.Now() + 30 * kDay);
  EXPECT_EQ(info.not_before, clock.Now() - 1h);  // skew allowance
  EXPECT_TRUE(IsIssuedBy(ca.cert_pem, ca.cert_pem));
  EXPECT_TRUE(KeyMatches(ca));
}

TEST(CertsTest, ServingCertificateNamesTheServiceAndIps) {
  gpuext::testing::FakeClock clock;
  const CertificatePair ca = GenerateCa({.common_name = "ca", .validity = 10 * kDay}, clock);
  const CertificatePair serving = IssueServingCertificate(
      ca,
      {.common_name = "gardener-extension-gpu",
       .dns_names = ServiceDnsNames("gardener-extension-gpu", "extension-gpu"),
       .ip_addresses = {"127.0.0.1", "::0001"},
       .validity = 2 * kDay},
      clock);
  const CertificateInfo info = InspectCertificate(serving.cert_pem);
  EXPECT_EQ(info.common_name, "gardener-extension-gpu");
  EXPECT_FALSE(info.is_ca);
  EXPECT_THAT(info.dns_names,
              ElementsAre("gardener-extension-gpu", "gardener-extension-gpu.extension-gpu",
                          "gardener-extension-gpu.extension-gpu.svc",
                          "gardener-extension-gpu.extension-gpu.svc.cluster.local"));
  EXPECT_THAT(info.ip_addresses, UnorderedElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(info.not_after, clock.Now() + 2 * kDay);
  EXPECT_TRUE(IsIssuedBy(serving.cert_pem, ca.cert_pem));
  EXPECT_TRUE(KeyMatches(serving));
  const CertificatePair other = GenerateCa({.common_name = "other"}, clock);
  EXPECT_FALSE(IsIssuedBy(serving.cert_pem, other.cert_pem));
  EXPECT_FALSE(KeyMatches({.cert_pem = serving.cert_pem, .key_pem = ca.key_pem}));
}

TEST(CertsTest, Rsa2048KeysWorkToo) {
  gpuext::testing::FakeClock clock;
  const CertificatePair ca =
      GenerateCa({.common_name = "ca", .algorithm = KeyAlgorithm::kRsa2048}, clock);
  const CertificatePair serving = IssueServingCertificate(
      ca, {.common_name = "svc", .dns_names = {"svc"}, .algorithm = KeyAlgorithm::kRsa2048}, clock);
  EXPECT_NE(ca.key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_TRUE(IsIssuedBy(serving.cert_pem, ca.cert_pem));
  EXPECT_TRUE(KeyMatches(serving));
}

TEST(CertsTest, ServingCertificateNeverOutlivesItsCa) {
  gpuext::testing::FakeClock clock;
  const CertificatePair ca = GenerateCa({.common_name = "ca", .validity = 5 * kDay}, clock);
  const CertificatePair serving =
      IssueServingCertificate(ca, {.common_name = "svc", .validity = 30 * kDay}, clock);
  EXPECT_EQ(InspectCertificate(serving.cert_pem).not_after, clock.Now() + 5 * kDay);
}

TEST(CertsTest, RejectsBadInputWithAReason) {
  gpuext::testing::FakeClock clock;
  EXPECT_THROW(static_cast<void>(InspectCertificate("not pem")), Error);
  const CertificatePair ca = GenerateCa({.common_name = "ca"}, clock);
  const CertificatePair other = GenerateCa({.common_name = "other"}, clock);
  try {
    static_cast<void>(IssueServingCertificate({.cert_pem = ca.cert_pem, .key_pem = other.key_pem},
                                              {.common_name = "svc"}, clock));
    FAIL() << "a CA with a foreign key was accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("do not match"));
  }
  try {
    static_cast<void>(
        IssueServingCertificate(ca, {.common_name = "svc", .ip_addresses = {"10.0.0.256"}}, clock));
    FAIL() << "a malformed IP was accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("\"10.0.0.256\" is not an IPv4 or IPv6 address"));
  }
}

TEST(CertsTest, SplitsABundleIntoCertificates) {
  gpuext::testing::FakeClock clock;
  const CertificatePair a = GenerateCa({.common_name = "a"}, clock);
  const CertificatePair b = GenerateCa({.common_name = "b"}, clock);
  const auto parts = SplitPemCertificates(a.cert_pem + b.cert_pem);
  ASSERT_EQ(parts.size(), 2U);
  EXPECT_EQ(InspectCertificate(parts[0]).common_name, "a");
  EXPECT_EQ(InspectCertificate(parts[1]).common_name, "b");
  EXPECT_EQ(parts[0], a.cert_pem);
}

}  // namespace
}  // namespace gpuext::gardener
