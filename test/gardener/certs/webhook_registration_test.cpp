// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/webhook_registration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/testing/fake_client.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;

const kube::Resource kNamespaces{"", "v1", "namespaces", false};
constexpr const char* kBundle = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

class WebhookRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_.Seed(
        kNamespaces,
        {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "extension-gpu"}}}});
  }

  json Stored(WebhookKind kind, const std::string& name) {
    const auto obj = client_.Get(WebhookConfigurationResource(kind), {.ns = "", .name = name});
    EXPECT_TRUE(obj.has_value());
    return obj.value_or(json());
  }

  kube::testing::FakeClient client_;
};

// DESIGN.md §12 "Registration", field by field.
TEST_F(WebhookRegistrationTest, SeedOscWebhookIsBuiltAsDesigned) {
  const json config =
      BuildWebhookConfiguration(SeedOscWebhookDescription("extension-gpu"), kBundle, "uid-1");
  EXPECT_EQ(config["apiVersion"], "admissionregistration.k8s.io/v1");
  EXPECT_EQ(config["kind"], "MutatingWebhookConfiguration");
  EXPECT_EQ(config["metadata"]["name"], "gardener-extension-gpu");
  EXPECT_EQ(config["metadata"]["ownerReferences"],
            json::parse(R"([{"apiVersion":"v1","kind":"Namespace","name":"extension-gpu",
                             "uid":"uid-1","blockOwnerDeletion":false}])"));
  ASSERT_EQ(config["webhooks"].size(), 1U);
  const json expected = json::parse(R"({
    "name": "osc.nvidia-gpu.extensions.gardener.cloud",
    "rules": [{"operations": ["CREATE", "UPDATE"], "apiGroups": ["extensions.gardener.cloud"],
               "apiVersions": ["v1alpha1"], "resources": ["operatingsystemconfigs"], "scope": "*"}],
    "namespaceSelector": {"matchExpressions": [{"key": "extensions.gardener.cloud/nvidia-gpu",
                                                "operator": "In", "values": ["true"]}]},
    "objectSelector": {},
    "failurePolicy": "Fail",
    "timeoutSeconds": 10,
    "sideEffects": "None",
    "matchPolicy": "Exact",
    "reinvocationPolicy": "Never",
    "admissionReviewVersions": ["v1", "v1beta1"],
    "clientConfig": {"service": {"name": "gardener-extension-gpu", "namespace": "extension-gpu",
                                 "port": 443, "path": "/webhooks/osc"}}
  })");
  json hook = config["webhooks"][0];
  EXPECT_EQ(Base64Decode(hook["clientConfig"]["caBundle"].get<std::string>()), kBundle);
  hook["clientConfig"].erase("caBundle");
  EXPECT_EQ(hook, expected) << json::diff(expected, hook).dump();
}

TEST_F(WebhookRegistrationTest, ValidatingConfigurationWithUrlHasNoReinvocationPolicy) {
  const WebhookConfigurationDescription desc{.kind = WebhookKind::kValidating,
                                             .name = "v",
                                             .webhooks = {{.name = "v.example.com",
                                                           .rules = {{.operations = {"*"},
                                                                      .api_groups = {""},
                                                                      .api_versions = {"v1"},
                                                                      .resources = {"configmaps"},
                                                                      .scope = "Namespaced"}},
                                                           .url = "https://127.0.0.1:8443/validate",
                                                           .failure_policy = "Ignore",
                                                           .timeout_seconds = 3}}};
  const json config = BuildWebhookConfiguration(desc, "");
  EXPECT_EQ(config["kind"], "ValidatingWebhookConfiguration");
  const json& hook = config["webhooks"][0];
  EXPECT_FALSE(hook.contains("reinvocationPolicy"));
  EXPECT_EQ(hook["clientConfig"], json({{"url", "https://127.0.0.1:8443/validate"}}));
  EXPECT_EQ(hook["rules"][0]["scope"], "Namespaced");
  EXPECT_EQ(hook["failurePolicy"], "Ignore");
  EXPECT_EQ(hook["timeoutSeconds"], 3);
}

TEST_F(WebhookRegistrationTest, ClientConfigMustBeExactlyOneOfServiceAndUrl) {
  WebhookConfigurationDescription desc{.name = "m", .webhooks = {{.name = "m.example.com"}}};
  EXPECT_THROW(static_cast<void>(BuildWebhookConfiguration(desc, kBundle)), Error);
  desc.webhooks[0].url = "https://x";
  desc.webhooks[0].service = WebhookService{.name = "s", .ns = "n"};
  try {
    static_cast<void>(BuildWebhookConfiguration(desc, kBundle));
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("webhook m.example.com: set exactly one of"));
  }
}

TEST_F(WebhookRegistrationTest, ReconcileCreatesOnceAndThenWritesNothing) {
  const auto desc = SeedOscWebhookDescription("extension-gpu");
  const json created = ReconcileWebhookConfiguration(client_, desc, kBundle);
  const std::string rv = created["metadata"]["resourceVersion"];
  const json stored = Stored(WebhookKind::kMutating, "gardener-extension-gpu");
  EXPECT_EQ(
      stored["metadata"]["ownerReferences"][0]["uid"],
      client_.Get(kNamespaces, {.ns = "", .name = "extension-gpu"}).value()["metadata"]["uid"]);

  int updates = 0;
  client_.SetHook(kube::testing::FakeClient::Verb::kUpdate,
                  [&](const kube::testing::FakeClient::Call&) { ++updates; });
  const json again = ReconcileWebhookConfiguration(client_, desc, kBundle);
  EXPECT_EQ(updates, 0);
  EXPECT_EQ(again["metadata"]["resourceVersion"], rv);
}

TEST_F(WebhookRegistrationTest, ReconcileUpdatesTheBundleAndKeepsFieldsItDoesNotOwn) {
  const auto desc = SeedOscWebhookDescription("extension-gpu");
  json stored = ReconcileWebhookConfiguration(client_, desc, kBundle);
  // Someone else annotates the object, labels it and adds a key to our webhook entry.
  stored["metadata"]["annotations"]["note"] = "kept";
  stored["metadata"]["labels"]["team"] = "gpu";
  stored["webhooks"][0]["matchConditions"] =
      json::parse(R"([{"name": "not-gardener", "expression": "true"}])");
  stored["webhooks"][0]["timeoutSeconds"] = 30;  // ours: reset to 10
  stored = client_.Update(kMutatingWebhookConfigurations, stored);

  const std::string new_bundle = std::string(kBundle) + kBundle;
  const json updated = ReconcileWebhookConfiguration(client_, desc, new_bundle);
  EXPECT_NE(updated["metadata"]["resourceVersion"], stored["metadata"]["resourceVersion"]);
  const json& hook = updated["webhooks"][0];
  EXPECT_EQ(Base64Decode(hook["clientConfig"]["caBundle"].get<std::string>()), new_bundle);
  EXPECT_EQ(hook["timeoutSeconds"], 10);
  EXPECT_EQ(hook["matchConditions"][0]["name"], "not-gardener");
  EXPECT_EQ(updated["metadata"]["annotations"]["note"], "kept");
  EXPECT_EQ(updated["metadata"]["labels"]["team"], "gpu");
  EXPECT_EQ(updated["metadata"]["labels"]["app.kubernetes.io/name"], "gardener-extension-gpu");
  EXPECT_EQ(updated["metadata"]["ownerReferences"].size(), 1U);
}

TEST_F(WebhookRegistrationTest, WebhooksNoLongerDescribedAreRemoved) {
  auto desc = SeedOscWebhookDescription("extension-gpu");
  desc.webhooks.push_back(desc.webhooks[0]);
  desc.webhooks[1].name = "second.example.com";
  ASSERT_EQ(ReconcileWebhookConfiguration(client_, desc, kBundle)["webhooks"].size(), 2U);
  desc.webhooks.pop_back();
  const json after = ReconcileWebhookConfiguration(client_, desc, kBundle);
  ASSERT_EQ(after["webhooks"].size(), 1U);
  EXPECT_EQ(after["webhooks"][0]["name"], "osc.nvidia-gpu.extensions.gardener.cloud");
}

TEST_F(WebhookRegistrationTest, ConflictingWriterIsRetried) {
  const auto desc = SeedOscWebhookDescription("extension-gpu");
  static_cast<void>(ReconcileWebhookConfiguration(client_, desc, kBundle));
  bool injected = false;
  client_.SetHook(kube::testing::FakeClient::Verb::kUpdate,
                  [&](const kube::testing::FakeClient::Call&) {
                    if (!injected) {
                      injected = true;
                      throw kube::ApiError(409, "Conflict", "the object has been modified");
                    }
                  });
  const json updated = ReconcileWebhookConfiguration(client_, desc, "");
  EXPECT_TRUE(injected);
  EXPECT_FALSE(updated["webhooks"][0]["clientConfig"].contains("caBundle"));
}

TEST_F(WebhookRegistrationTest, MissingOwnerNamespaceIsNotReady) {
  try {
    static_cast<void>(
        ReconcileWebhookConfiguration(client_, SeedOscWebhookDescription("absent"), kBundle));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotReady);
  }
}

TEST_F(WebhookRegistrationTest, DeleteRemovesAndToleratesAbsence) {
  const auto desc = SeedOscWebhookDescription("extension-gpu");
  static_cast<void>(ReconcileWebhookConfiguration(client_, desc, kBundle));
  DeleteWebhookConfiguration(client_, WebhookKind::kMutating, desc.name);
  EXPECT_FALSE(client_.Get(kMutatingWebhookConfigurations, {.ns = "", .name = desc.name}));
  EXPECT_NO_THROW(DeleteWebhookConfiguration(client_, WebhookKind::kMutating, desc.name));
}

}  // namespace
}  // namespace gpuext::gardener
