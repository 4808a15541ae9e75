// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/files.h"
#include "gpuext/gardener/certs.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::gardener {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr auto kOneDay = std::chrono::hours(24);

CertificateConfig Config() {
  return {.ca_common_name = "gardener-extension-gpu",
          .service_name = "gardener-extension-gpu",
          .service_namespace = "extension-gpu",
          .ip_addresses = {"127.0.0.1"}};
}

class RotationTest : public ::testing::Test {
 protected:
  CertificateRotation Plan(const std::optional<WebhookCertificates>& existing,
                           const CertificateConfig& config = Config()) {
    return PlanCertificateRotation(config, existing, clock_);
  }

  gpuext::testing::FakeClock clock_;
};

TEST_F(RotationTest, FirstRunGeneratesCaBundleAndServingCertificate) {
  const CertificateRotation r = Plan(std::nullopt);
  EXPECT_TRUE(r.ca_renewed && r.serving_renewed && r.bundle_changed);
  EXPECT_EQ(r.reason, "no certificates yet");
  EXPECT_EQ(r.certs.ca_bundle, r.certs.ca.cert_pem);
  EXPECT_TRUE(IsIssuedBy(r.certs.serving.cert_pem, r.certs.ca.cert_pem));
  EXPECT_EQ(InspectCertificate(r.certs.ca.cert_pem).common_name, "gardener-extension-gpu");
  EXPECT_THAT(InspectCertificate(r.certs.serving.cert_pem).dns_names,
              ::testing::Contains("gardener-extension-gpu.extension-gpu.svc"));
}

TEST_F(RotationTest, NothingChangesWhileMoreThanThirtyPercentRemains) {
  const WebhookCertificates first = Plan(std::nullopt).certs;
  clock_.Advance(20 * kOneDay);  // 10 days + 1 h of 30 days + 1 h left: above 30 %
  const CertificateRotation r = Plan(first);
  EXPECT_FALSE(r.changed()) << r.reason;
  EXPECT_EQ(r.certs.serving.cert_pem, first.serving.cert_pem);
  EXPECT_TRUE(r.reason.empty());
}

TEST_F(RotationTest, ServingCertificateIsRenewedBelowThirtyPercent) {
  const WebhookCertificates first = Plan(std::nullopt).certs;
  clock_.Advance(22 * kOneDay);  // 27 % left: serving renewed, the CA (80 % rule) not yet
  const CertificateRotation r = Plan(first);
  EXPECT_TRUE(r.serving_renewed);
  EXPECT_FALSE(r.ca_renewed);
  EXPECT_FALSE(r.bundle_changed);
  EXPECT_THAT(r.reason, HasSubstr("the serving certificate expires at 2026-01-31T00:00:00Z: "
                                  "less than 30% of its validity remains"));
  EXPECT_EQ(r.certs.ca.cert_pem, first.ca.cert_pem);
  EXPECT_TRUE(IsIssuedBy(r.certs.serving.cert_pem, first.ca.cert_pem));
  // Renewed from now, but never beyond the CA.
  EXPECT_EQ(InspectCertificate(r.certs.serving.cert_pem).not_after,
            InspectCertificate(first.ca.cert_pem).not_after);
}

TEST_F(RotationTest, ThresholdIsConfigurable) {
  CertificateConfig config = Config();
  config.serving_renew_remaining = 0.5;
  const WebhookCertificates first = Plan(std::nullopt, config).certs;
  clock_.Advance(16 * kOneDay);
  EXPECT_TRUE(Plan(first, config).serving_renewed);
}

TEST_F(RotationTest, ChangedSansReissueTheServingCertificate) {
  const WebhookCertificates first = Plan(std::nullopt).certs;
  CertificateConfig moved = Config();
  moved.service_namespace = "extension-gpu-2";
  const CertificateRotation r = Plan(first, moved);
  EXPECT_TRUE(r.serving_renewed);
  EXPECT_FALSE(r.ca_renewed);
  EXPECT_EQ(r.reason, "the serving certificate's subject alternative names changed");
  EXPECT_THAT(InspectCertificate(r.certs.serving.cert_pem).dns_names,
              ::testing::Contains("gardener-extension-gpu.extension-gpu-2.svc"));

  CertificateConfig more_ips = Config();
  more_ips.ip_addresses.push_back("10.0.0.1");
  EXPECT_TRUE(Plan(first, more_ips).serving_renewed);
}

TEST_F(RotationTest, ServingCertificateOfAnotherCaIsReissued) {
  WebhookCertificates certs = Plan(std::nullopt).certs;
  certs.serving = Plan(std::nullopt).certs.serving;  // signed by a different CA
  const CertificateRotation r = Plan(certs);
  EXPECT_TRUE(r.serving_renewed);
  EXPECT_EQ(r.reason, "the serving certificate is not signed by the current CA");
  EXPECT_TRUE(IsIssuedBy(r.certs.serving.cert_pem, certs.ca.cert_pem));
}

TEST_F(RotationTest, CaRenewalKeepsTheOldCaInTheBundleUntilItExpires) {
  const WebhookCertificates first = Plan(std::nullopt).certs;
  clock_.Advance(25 * kOneDay);  // CA: 5 days of 30 left, below 20 %
  const CertificateRotation renewed = Plan(first);
  ASSERT_TRUE(renewed.ca_renewed);
  EXPECT_TRUE(renewed.serving_renewed);
  EXPECT_TRUE(renewed.bundle_changed);
  EXPECT_THAT(renewed.reason, HasSubstr("the CA expires at"));
  EXPECT_NE(renewed.certs.ca.cert_pem, first.ca.cert_pem);
  EXPECT_EQ(SplitPemCertificates(renewed.certs.ca_bundle),
            (std::vector<std::string>{renewed.certs.ca.cert_pem, first.ca.cert_pem}));
  EXPECT_TRUE(IsIssuedBy(renewed.certs.serving.cert_pem, renewed.certs.ca.cert_pem));

  // During the overlap nothing changes.
  clock_.Advance(1 * kOneDay);
  EXPECT_FALSE(Plan(renewed.certs).changed());

  // Once the old CA has expired it leaves the bundle; the certificates stay.
  clock_.Advance(5 * kOneDay);
  const CertificateRotation pruned = Plan(renewed.certs);
  EXPECT_TRUE(pruned.bundle_changed);
  EXPECT_FALSE(pruned.ca_renewed);
  EXPECT_FALSE(pruned.serving_renewed);
  EXPECT_EQ(pruned.certs.ca_bundle, renewed.certs.ca.cert_pem);
}

TEST_F(RotationTest, BrokenCaIsReplaced) {
  WebhookCertificates certs = Plan(std::nullopt).certs;
  certs.ca.key_pem = Plan(std::nullopt).certs.ca.key_pem;
  const CertificateRotation r = Plan(certs);
  EXPECT_TRUE(r.ca_renewed);
  EXPECT_EQ(r.reason, "the CA key does not match the CA certificate");
}

TEST_F(RotationTest, DirectoryRoundTripPublishesTheBundleBeforeWritingTheCertificate) {
  gpuext::testing::TempDir dir;
  const auto cert_dir = dir.path() / "certs";
  std::vector<std::string> published;
  const auto publish = [&](const std::string& bundle) {
    published.push_back(bundle);
    // The files on disk are still the previous ones when the bundle goes out.
    const auto loaded = LoadCertificatesFromDirectory(cert_dir);
    if (published.size() == 1) {
      EXPECT_FALSE(loaded.has_value());
    } else {
      ASSERT_TRUE(loaded.has_value());
      EXPECT_THAT(bundle, HasSubstr(loaded->ca.cert_pem));
      EXPECT_EQ(SplitPemCertificates(bundle).size(), 2U);
    }
  };
  const CertificateRotation first =
      RotateCertificatesInDirectory(cert_dir, Config(), clock_, publish);
  ASSERT_EQ(published.size(), 1U);
  const auto loaded = LoadCertificatesFromDirectory(cert_dir);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->serving.cert_pem, first.certs.serving.cert_pem);
  EXPECT_EQ(*ReadFileIfExists(cert_dir / "tls.key"), first.certs.serving.key_pem);
  EXPECT_EQ(
      std::filesystem::status(cert_dir / "tls.key").permissions() & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // Unchanged: nothing published or written.
  const auto before = std::filesystem::last_write_time(cert_dir / "tls.crt");
  EXPECT_FALSE(RotateCertificatesInDirectory(cert_dir, Config(), clock_, publish).changed());
  EXPECT_EQ(published.size(), 1U);
  EXPECT_EQ(std::filesystem::last_write_time(cert_dir / "tls.crt"), before);

  clock_.Advance(25 * kOneDay);
  const CertificateRotation rotated =
      RotateCertificatesInDirectory(cert_dir, Config(), clock_, publish);
  EXPECT_TRUE(rotated.ca_renewed);
  EXPECT_EQ(published.size(), 2U);
  EXPECT_EQ(LoadCertificatesFromDirectory(cert_dir)->ca_bundle, rotated.certs.ca_bundle);
}

TEST_F(RotationTest, SecretDataRoundTrip) {
  const WebhookCertificates certs = Plan(std::nullopt).certs;
  const nlohmann::json data = CertificatesToSecretData(certs);
  EXPECT_EQ(data.size(), 5U);
  EXPECT_TRUE(data.contains("tls.crt") && data.contains("ca-bundle.crt"));
  const auto back = CertificatesFromSecretData(data);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->serving.key_pem, certs.serving.key_pem);
  EXPECT_EQ(back->ca_bundle, certs.ca_bundle);
  EXPECT_FALSE(Plan(back).changed());

  nlohmann::json partial = data;
  partial.erase("ca.key");
  EXPECT_FALSE(CertificatesFromSecretData(partial).has_value());
  EXPECT_FALSE(CertificatesFromSecretData(nullptr).has_value());
}

}  // namespace
}  // namespace gpuext::gardener
