// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// WebhookDispatcher against a real TLS webhook server on loopback: what gets called, what is
// sent, and how answers change the object. Failures are in webhook_failures_test.cpp.

#include "gpuext/emulator/admission/webhook_dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dispatcher_fixture.h"

namespace gpuext::emulator::admission::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::MatchesRegex;

using WebhookDispatcherTest = DispatcherTest;

TEST_F(WebhookDispatcherTest, MutateAppliesJsonPatchAndKeepsWarnings) {
  server_.Handle("/mutate", [](const json& review) {
    json answer = Patch(
        review,
        json::array({{{"op", "add"}, {"path", "/metadata/labels/gpu"}, {"value", "nvidia"}}}));
    answer["response"]["warnings"] = {"driver 550 is deprecated"};
    return answer;
  });
  SetMutating({Configuration("gpu", {Webhook("gpu.example.com", "/mutate")})});

  const Result result = WebhookDispatcher(Env()).Mutate(PodCreate(), Pod());

  EXPECT_TRUE(result.allowed) << result.message;
  EXPECT_EQ(result.object["metadata"]["labels"], json({{"gpu", "nvidia"}}));
  EXPECT_THAT(result.warnings, ElementsAre("driver 550 is deprecated"));
  EXPECT_EQ(server_.Calls("/mutate"), 1);
}

TEST_F(WebhookDispatcherTest, SendsAdmissionReviewV1Request) {
  server_.Handle("/validate", [](const json& review) { return Allow(review); });
  SetValidating({Configuration("check", {Webhook("check.example.com", "/validate",
                                                 {{"rules",
                                                   {{{"operations", {"UPDATE"}},
                                                     {"apiGroups", {""}},
                                                     {"apiVersions", {"v1"}},
                                                     {"resources", {"pods/status"}}}}}})})});
  Attributes a = PodCreate();
  a.operation = "UPDATE";
  a.subresource = "status";
  const json old_pod = Pod({{"old", "yes"}});
  a.old_object = &old_pod;

  ASSERT_TRUE(WebhookDispatcher(Env()).Validate(a, Pod()).allowed);

  const std::vector<json> requests = server_.Requests("/validate");
  ASSERT_EQ(requests.size(), 1U);
  const json& review = requests[0];
  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(review["kind"], "AdmissionReview");
  const json& r = review["request"];
  EXPECT_THAT(r["uid"].get<std::string>(),
              MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(r["kind"], json({{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}));
  EXPECT_EQ(r["resource"], json({{"group", ""}, {"version", "v1"}, {"resource", "pods"}}));
  EXPECT_EQ(r["requestKind"], r["kind"]);
  EXPECT_EQ(r["requestResource"], r["resource"]);
  EXPECT_EQ(r["subResource"], "status");
  EXPECT_EQ(r["requestSubResource"], "status");
  EXPECT_EQ(r["name"], "gpu-pod");
  EXPECT_EQ(r["namespace"], "default");
  EXPECT_EQ(r["operation"], "UPDATE");
  EXPECT_EQ(r["userInfo"],
            json({{"username", "alice"}, {"groups", json::array({"system:authenticated"})}}));
  EXPECT_EQ(r["object"], Pod());
  EXPECT_EQ(r["oldObject"], old_pod);
  EXPECT_EQ(r["dryRun"], false);
  EXPECT_EQ(r["options"], json({{"kind", "UpdateOptions"}, {"apiVersion", "meta.k8s.io/v1"}}));
}

TEST_F(WebhookDispatcherTest, DenialTextReachesResultUnchanged) {
  const json status = {{"code", 403}, {"reason", "Forbidden"}, {"message", "no GPU quota left"}};
  server_.Handle("/deny", [&](const json& review) { return Deny(review, status); });
  SetMutating({Configuration("m", {Webhook("deny.example.com", "/deny")})});
  SetValidating({Configuration("v", {Webhook("deny.example.com", "/deny")})});
  WebhookDispatcher dispatcher(Env());

  for (const Result& result :
       {dispatcher.Mutate(PodCreate(), Pod()), dispatcher.Validate(PodCreate(), Pod())}) {
    EXPECT_FALSE(result.allowed);
    EXPECT_EQ(result.code, 403);
    EXPECT_EQ(result.reason, "Forbidden");
    EXPECT_EQ(result.message,
              "admission webhook \"deny.example.com\" denied the request: no GPU quota left");
  }
}

TEST_F(WebhookDispatcherTest, CallsOnlyWebhooksWhoseRulesAndSelectorsMatch) {
  server_.Handle("/hook", [](const json& review) { return Allow(review); });
  AddNamespace("default", {{"gpu", "on"}});
  AddNamespace("plain", json::object());
  struct Case {
    std::string name;
    json overrides;
    std::string ns;
    json pod_labels;
    int want_calls;
  };
  const std::vector<Case> cases = {
      {"matching rule", json::object(), "default", json::object(), 1},
      {"operation mismatch",
       {{"rules",
         {{{"operations", {"DELETE"}},
           {"apiGroups", {""}},
           {"apiVersions", {"v1"}},
           {"resources", {"pods"}}}}}},
       "default",
       json::object(),
       0},
      {"resource mismatch",
       {{"rules",
         {{{"operations", {"*"}},
           {"apiGroups", {""}},
           {"apiVersions", {"v1"}},
           {"resources", {"nodes"}}}}}},
       "default",
       json::object(),
       0},
      {"namespaceSelector matches",
       {{"namespaceSelector", {{"matchLabels", {{"gpu", "on"}}}}}},
       "default",
       json::object(),
       1},
      {"namespaceSelector excludes",
       {{"namespaceSelector", {{"matchLabels", {{"gpu", "on"}}}}}},
       "plain",
       json::object(),
       0},
      {"objectSelector matches",
       {{"objectSelector", {{"matchLabels", {{"app", "train"}}}}}},
       "default",
       {{"app", "train"}},
       1},
      {"objectSelector excludes",
       {{"objectSelector", {{"matchLabels", {{"app", "train"}}}}}},
       "default",
       {{"app", "serve"}},
       0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SetMutating({Configuration("c", {Webhook("hook.example.com", "/hook", c.overrides)})});
    const int before = server_.Calls("/hook");
    Attributes a = PodCreate();
    a.ns = c.ns;

    const Result result = WebhookDispatcher(Env()).Mutate(a, Pod(c.pod_labels));

    EXPECT_TRUE(result.allowed) << result.message;
    EXPECT_EQ(server_.Calls("/hook") - before, c.want_calls);
  }
}

TEST_F(WebhookDispatcherTest, ReachesUrlAndServiceClientConfigs) {
  server_.Handle("/by-url", [](const json& review) { return Allow(review); });
  server_.Handle("/by-service", [](const json& review) { return Allow(review); });
  const std::string url = "https://127.0.0.1:" + std::to_string(server_.port()) + "/by-url";
  json by_url = Webhook("url.example.com", "");
  by_url["clientConfig"].erase("service");
  by_url["clientConfig"]["url"] = url;
  SetValidating({Configuration("a", {by_url}),
                 Configuration("b", {Webhook("svc.example.com", "/by-service")})});

  const Result result = WebhookDispatcher(Env()).Validate(PodCreate(), Pod());

  EXPECT_TRUE(result.allowed) << result.message;
  EXPECT_EQ(server_.Calls("/by-url"), 1);
  EXPECT_EQ(server_.Calls("/by-service"), 1);
}

TEST_F(WebhookDispatcherTest, RunsConfigurationsByNameAndReinvokesIfNeeded) {
  // "a-label" adds a label once; "b-label", called after it, adds another, which makes
  // "a-label" run again when its reinvocationPolicy is IfNeeded.
  const auto add_label = [](const std::string& key) {
    return [key](const json& review) {
      if (review["request"]["object"]["metadata"]["labels"].contains(key)) {
        return Allow(review);
      }
      return Patch(
          review,
          json::array({{{"op", "add"}, {"path", "/metadata/labels/" + key}, {"value", "set"}}}));
    };
  };
  server_.Handle("/a", add_label("a"));
  server_.Handle("/b", add_label("b"));
  struct Case {
    std::string policy;
    int want_a_calls;
  };
  for (const Case& c : {Case{"IfNeeded", 2}, Case{"Never", 1}}) {
    SCOPED_TRACE(c.policy);
    const int a_before = server_.Calls("/a");
    const int b_before = server_.Calls("/b");
    SetMutating({Configuration("b-label", {Webhook("b.example.com", "/b")}),
                 Configuration("a-label", {Webhook("a.example.com", "/a",
                                                   {{"reinvocationPolicy", c.policy}})})});

    const Result result = WebhookDispatcher(Env()).Mutate(PodCreate(), Pod());

    ASSERT_TRUE(result.allowed) << result.message;
    EXPECT_EQ(result.object["metadata"]["labels"], json({{"a", "set"}, {"b", "set"}}));
    EXPECT_EQ(server_.Calls("/a") - a_before, c.want_a_calls);
    EXPECT_EQ(server_.Calls("/b") - b_before, 1);
    // a-label sorts first, so b-label's request already carries a's label.
    EXPECT_EQ(server_.Requests("/b").back()["request"]["object"]["metadata"]["labels"],
              json({{"a", "set"}}));
  }
}

TEST_F(WebhookDispatcherTest, NeverSendsWebhookConfigurationsToWebhooks) {
  server_.Handle("/all", [](const json& review) { return Deny(review, json::object()); });
  SetMutating({Configuration("all", {Webhook("all.example.com", "/all",
                                             {{"rules",
                                               {{{"operations", {"*"}},
                                                 {"apiGroups", {"*"}},
                                                 {"apiVersions", {"*"}},
                                                 {"resources", {"*/*"}}}}}})})});
  const Attributes a = {.operation = "CREATE",
                        .group = "admissionregistration.k8s.io",
                        .version = "v1",
                        .resource = "mutatingwebhookconfigurations",
                        .kind_group = "admissionregistration.k8s.io",
                        .kind_version = "v1",
                        .kind = "MutatingWebhookConfiguration",
                        .name = "all",
                        .namespaced = false};

  EXPECT_TRUE(WebhookDispatcher(Env()).Mutate(a, json::object()).allowed);
  EXPECT_FALSE(WebhookDispatcher(Env()).Mutate(PodCreate(), Pod()).allowed);
  EXPECT_EQ(server_.Calls("/all"), 1);
}

}  // namespace
}  // namespace gpuext::emulator::admission::testing
