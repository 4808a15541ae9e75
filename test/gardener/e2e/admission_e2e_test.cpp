// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/base64.h"
#include "webhook_e2e_fixture.h"

namespace gpuext::gardener::e2e {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const kube::Resource kConfigMaps{"", "v1", "configmaps", true};

std::string StoredBundle(kube::Client& client, WebhookKind kind) {
  const auto config =
      client.Get(WebhookConfigurationResource(kind), {.ns = "", .name = "certs-e2e"});
  return config
             ? Base64Decode((*config)["webhooks"][0]["clientConfig"]["caBundle"].get<std::string>())
             : std::string();
}

// What kubectl printed after the apiserver's prefix for a webhook denial.
std::string DenialText(const std::string& stderr_text, const std::string& webhook) {
  const std::string prefix = "admission webhook \"" + webhook + "\" denied the request: ";
  const size_t at = stderr_text.find(prefix);
  if (at == std::string::npos) {
    return "<no denial by " + webhook + " in: " + stderr_text + ">";
  }
  std::string text = stderr_text.substr(at + prefix.size());
  while (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

TEST_F(WebhookE2ETest, RegistrationCarriesOurCaBundleAndIsIdempotent) {
  EXPECT_EQ(StoredBundle(*client_, WebhookKind::kMutating), initial_.certs.ca_bundle);
  EXPECT_EQ(StoredBundle(*client_, WebhookKind::kValidating), initial_.certs.ca_bundle);
  const auto before =
      client_->Get(kMutatingWebhookConfigurations, {.ns = "", .name = "certs-e2e"}).value();
  Register(initial_.certs.ca_bundle);  // against the emulator's stored (and defaulted) object
  const auto after =
      client_->Get(kMutatingWebhookConfigurations, {.ns = "", .name = "certs-e2e"}).value();
  EXPECT_EQ(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
  EXPECT_EQ(after["metadata"]["ownerReferences"][0]["kind"], "Namespace");
}

TEST_F(WebhookE2ETest, StoredObjectIsMutatedOnCreateAndUpdate) {
  const auto created = CreateConfigMap("gpu-team", "settings", {{"mode", "fast"}});
  ASSERT_EQ(created.exit_code, 0) << created.stderr_text;
  const auto label = Kubectl({"get", "configmap", "settings", "-n", "gpu-team", "-o",
                              "jsonpath={.metadata.labels.e2e\\.gpuext\\.dev/mutated}"});
  ASSERT_EQ(label.exit_code, 0) << label.stderr_text;
  EXPECT_EQ(label.stdout_text, "true");

  // Removing the label is an UPDATE, which the mutator answers by setting it again.
  const auto removed = Kubectl(
      {"label", "configmap", "settings", "-n", "gpu-team", std::string(kMutatedLabel) + "-"});
  ASSERT_EQ(removed.exit_code, 0) << removed.stderr_text;
  EXPECT_EQ(GetConfigMap("gpu-team", "settings").value()["metadata"]["labels"][kMutatedLabel],
            "true");
}

TEST_F(WebhookE2ETest, KubectlPrintsTheValidatorsDenialUnchanged) {
  const auto denied = CreateConfigMap("gpu-team", "bad", {{"forbidden", "x"}});
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_EQ(
      DenialText(denied.stderr_text, kValidatingWebhook),
      std::string("ConfigMap \"bad\" is invalid: data.forbidden: Forbidden: ") + kDenialDetail);
  EXPECT_FALSE(GetConfigMap("gpu-team", "bad").has_value());

  // Updates are validated too.
  ASSERT_EQ(CreateConfigMap("gpu-team", "good", {{"k", "v"}}).exit_code, 0);
  const auto patched = Kubectl({"patch", "configmap", "good", "-n", "gpu-team", "--type=merge",
                                "-p", R"({"data":{"forbidden":"y"}})"});
  EXPECT_NE(patched.exit_code, 0);
  EXPECT_EQ(
      DenialText(patched.stderr_text, kValidatingWebhook),
      std::string("ConfigMap \"good\" is invalid: data.forbidden: Forbidden: ") + kDenialDetail);
}

TEST_F(WebhookE2ETest, NamespaceSelectorExcludesUnlabelledNamespaces) {
  const auto created = CreateConfigMap("plain", "anything", {{"forbidden", "x"}});
  ASSERT_EQ(created.exit_code, 0) << created.stderr_text;
  const auto stored = GetConfigMap("plain", "anything");
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE((*stored)["metadata"].value("labels", json::object()).contains(kMutatedLabel));
}

TEST_F(WebhookE2ETest, FailurePolicyFailRejectsWhileTheServerIsDown) {
  const int port = webhook_->port();
  webhook_->Stop();
  const auto refused = CreateConfigMap("gpu-team", "while-down", {{"k", "v"}});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.stderr_text,
              HasSubstr("Internal error occurred: failed calling webhook \"" +
                        std::string(kMutatingWebhook) +
                        "\": failed to call webhook: Post "
                        "\"https://certs-webhook.webhook-system.svc:443/mutate?timeout=10s\": "
                        "dial tcp 127.0.0.1:" +
                        std::to_string(port) + ": connect: connection refused"));
  EXPECT_FALSE(GetConfigMap("gpu-team", "while-down").has_value());
  // Namespaces outside the selector are not affected by the outage.
  EXPECT_EQ(CreateConfigMap("plain", "while-down", {{"k", "v"}}).exit_code, 0);
}

// Creates ConfigMaps through the apiserver (and so through our webhooks) until stopped, and
// counts what failed.
class Traffic {
 public:
  explicit Traffic(kube::Client& client)
      : thread_([this, &client](std::stop_token stop) {
          for (int i = 0; !stop.stop_requested(); ++i) {
            const json cm = {
                {"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", "traffic-" + std::to_string(i)}, {"namespace", "gpu-team"}}},
                {"data", {{"i", std::to_string(i)}}}};
            try {
              const json stored = client.Create(kConfigMaps, cm);
              if (stored["metadata"]["labels"].value(kMutatedLabel, "") != "true") {
                ++failures_;
              }
            } catch (const std::exception& e) {
              ++failures_;
              std::lock_guard lock(mu_);
              last_error_ = e.what();
            }
            std::lock_guard lock(mu_);
            ++done_;
            progressed_.notify_all();
          }
        }) {}

  // Waits (bounded) until `n` more requests completed.
  bool WaitForMore(int n) {
    std::unique_lock lock(mu_);
    const int target = done_ + n;
    return progressed_.wait_for(lock, std::chrono::seconds(60), [&] { return done_ >= target; });
  }

  void Stop() {
    thread_.request_stop();
    thread_.join();
  }
  int failures() const { return failures_; }
  std::string last_error() {
    std::lock_guard lock(mu_);
    return last_error_;
  }

 private:
  std::atomic<int> failures_{0};
  std::mutex mu_;  // guards done_ and last_error_
  std::condition_variable progressed_;
  int done_ = 0;
  std::string last_error_;
  std::jthread thread_;
};

TEST_F(WebhookE2ETest, ServingCertificateRotationKeepsRequestsWorkingWithTheSameCaBundle) {
  const std::string before = PresentedCertificate();
  EXPECT_EQ(before, initial_.certs.serving.cert_pem);
  Traffic traffic(*client_);
  ASSERT_TRUE(traffic.WaitForMore(5));

  // A new SAN forces a new serving certificate from the same CA.
  cert_config_.extra_dns_names = {"webhook.e2e.gpuext.dev"};
  const CertificateRotation rotation =
      RotateCertificatesInDirectory(cert_dir_, cert_config_, RealClock::Instance(),
                                    [&](const std::string& bundle) { Register(bundle); });
  ASSERT_TRUE(rotation.serving_renewed);
  EXPECT_FALSE(rotation.ca_renewed);
  EXPECT_FALSE(rotation.bundle_changed);

  ASSERT_TRUE(traffic.WaitForMore(10));
  traffic.Stop();
  EXPECT_EQ(traffic.failures(), 0) << traffic.last_error();
  EXPECT_EQ(StoredBundle(*client_, WebhookKind::kMutating), initial_.certs.ca_bundle);
  const std::string after = PresentedCertificate();
  EXPECT_EQ(after, rotation.certs.serving.cert_pem);
  EXPECT_THAT(InspectCertificate(after).dns_names, ::testing::Contains("webhook.e2e.gpuext.dev"));

  // kubectl still gets through, mutated and validated.
  ASSERT_EQ(CreateConfigMap("gpu-team", "after-rotation", {{"k", "v"}}).exit_code, 0);
  EXPECT_EQ(GetConfigMap("gpu-team", "after-rotation").value()["metadata"]["labels"][kMutatedLabel],
            "true");
  const auto denied = CreateConfigMap("gpu-team", "bad-after-rotation", {{"forbidden", "x"}});
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_THAT(denied.stderr_text, HasSubstr(kDenialDetail));
}

TEST_F(WebhookE2ETest, CaRotationPublishesBothCasBeforeServingTheNewCertificate) {
  Traffic traffic(*client_);
  ASSERT_TRUE(traffic.WaitForMore(5));
  cert_config_.ca_renew_remaining = 2.0;  // "renew now"
  const CertificateRotation rotation =
      RotateCertificatesInDirectory(cert_dir_, cert_config_, RealClock::Instance(),
                                    [&](const std::string& bundle) { Register(bundle); });
  ASSERT_TRUE(rotation.ca_renewed);
  ASSERT_TRUE(traffic.WaitForMore(10));
  traffic.Stop();
  EXPECT_EQ(traffic.failures(), 0) << traffic.last_error();

  const auto bundle = SplitPemCertificates(StoredBundle(*client_, WebhookKind::kValidating));
  ASSERT_EQ(bundle.size(), 2U);
  EXPECT_EQ(bundle[0], rotation.certs.ca.cert_pem);
  EXPECT_EQ(bundle[1], initial_.certs.ca.cert_pem);
  const std::string presented = PresentedCertificate();
  EXPECT_TRUE(IsIssuedBy(presented, rotation.certs.ca.cert_pem));
  ASSERT_EQ(CreateConfigMap("gpu-team", "after-ca-rotation", {{"k", "v"}}).exit_code, 0);
}

}  // namespace
}  // namespace gpuext::gardener::e2e
