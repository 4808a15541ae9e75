// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// WebhookDispatcher when webhooks fail, time out, present the wrong certificate, answer
// nonsense or must not see a dry run: failurePolicy and the exact kube-apiserver texts.

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dispatcher_fixture.h"
#include "gpuext/emulator/admission/webhook_dispatcher.h"

namespace gpuext::emulator::admission::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

using WebhookFailuresTest = DispatcherTest;

TEST_F(WebhookFailuresTest, SlowWebhookTimesOutAndFailurePolicyDecides) {
  server_.Handle("/slow", [this](const json& review) {
    server_.BlockUntilShutdown(5s);
    return Allow(review);
  });
  struct Case {
    std::string policy;
    bool want_allowed;
  };
  for (const Case& c : {Case{"Fail", false}, Case{"Ignore", true}}) {
    SCOPED_TRACE(c.policy);
    SetMutating({Configuration(
        "slow", {Webhook("slow.example.com", "/slow", {{"failurePolicy", c.policy}})})});

    const Result result = WebhookDispatcher(Env()).Mutate(PodCreate(), Pod());

    EXPECT_EQ(result.allowed, c.want_allowed);
    if (!c.want_allowed) {
      EXPECT_EQ(result.code, 500);
      EXPECT_EQ(result.reason, "InternalError");
      EXPECT_EQ(result.message,
                "Internal error occurred: failed calling webhook \"slow.example.com\": failed to "
                "call webhook: Post \"https://hook.default.svc:443/slow?timeout=1s\": context "
                "deadline exceeded");
    }
    EXPECT_EQ(result.object, Pod());
  }
}

TEST_F(WebhookFailuresTest, VerifiesServerCertificateAgainstCaBundleForServiceName) {
  server_.Handle("/hook", [](const json& review) { return Allow(review); });
  const kube::CertificateAuthority other =
      kube::CertificateAuthority::Generate("someone-else", std::chrono::hours(1));
  struct Case {
    std::string name;
    json overrides;
    std::string want_cause;
  };
  const std::vector<Case> cases = {
      {"caBundle of another CA",
       {{"clientConfig", {{"caBundle", gpuext::Base64Encode(other.cert_pem())}}}},
       "failed to call webhook: Post \"https://hook.default.svc:443/hook?timeout=1s\": tls: "
       "failed to verify certificate: x509: certificate signed by unknown authority"},
      {"certificate for another service",
       {{"clientConfig", {{"service", {{"name", "other"}}}}}},
       "failed to call webhook: Post \"https://other.default.svc:443/hook?timeout=1s\": tls: "
       "failed to verify certificate: x509: certificate is valid for hook.default.svc, not "
       "other.default.svc"},
      {"caBundle without a certificate",
       {{"clientConfig", {{"caBundle", gpuext::Base64Encode("not a PEM")}}}},
       "could not get REST client: unable to load root certificates: unable to parse bytes as "
       "PEM block"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SetValidating({Configuration("tls", {Webhook("tls.example.com", "/hook", c.overrides)})});

    const Result result = WebhookDispatcher(Env()).Validate(PodCreate(), Pod());

    EXPECT_FALSE(result.allowed);
    EXPECT_EQ(result.code, 500);
    EXPECT_EQ(result.message,
              "Internal error occurred: failed calling webhook "
              "\"tls.example.com\": " +
                  c.want_cause);
  }
  EXPECT_EQ(server_.Calls("/hook"), 0);
}

TEST_F(WebhookFailuresTest, ReportsUnreachableAndMisbehavingWebhooks) {
  server_.Handle("/wrong-uid", [](json review) {
    review["request"]["uid"] = "not-the-uid";
    return Allow(review);
  });
  server_.Handle("/v1beta1-answer", [](const json& review) {
    json answer = Allow(review);
    answer["apiVersion"] = "admission.k8s.io/v1beta1";
    return answer;
  });
  server_.Handle("/patch-type-only", [](const json& review) {
    json answer = Allow(review);
    answer["response"]["patchType"] = "JSONPatch";
    return answer;
  });
  server_.Handle("/garbage", [](const json&) { return json("not a review"); });
  struct Case {
    std::string name;
    json overrides;
    std::string want_cause;
  };
  const std::string refused_url = "https://127.0.0.1:1/x";
  const std::vector<Case> cases = {
      {"uid not echoed",
       {{"clientConfig", {{"service", {{"path", "/wrong-uid"}}}}}},
       "received invalid webhook response: expected response.uid=\""},
      {"wrong review version",
       {{"clientConfig", {{"service", {{"path", "/v1beta1-answer"}}}}}},
       "received invalid webhook response: expected webhook response of admission.k8s.io/v1, "
       "Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview"},
      {"patchType without patch",
       {{"clientConfig", {{"service", {{"path", "/patch-type-only"}}}}}},
       "received invalid webhook response: webhook returned response.patchType but not "
       "response.patch"},
      {"answer without response",
       {{"clientConfig", {{"service", {{"path", "/garbage"}}}}}},
       "received invalid webhook response: webhook response was absent"},
      {"HTTP 404",
       {{"clientConfig", {{"service", {{"path", "/nowhere"}}}}}},
       "failed to call webhook: the server could not find the requested resource"},
      {"no endpoints",
       {{"clientConfig", {{"service", {{"name", "gone"}}}}}},
       "failed to call webhook: Post \"https://gone.default.svc:443/hook?timeout=1s\": no "
       "endpoints available for service \"gone\""},
      {"connection refused",
       {{"clientConfig", {{"service", nullptr}, {"url", refused_url}}}},
       "failed to call webhook: Post \"https://127.0.0.1:1/x?timeout=1s\": dial tcp "
       "127.0.0.1:1: connect: connection refused"},
      {"no known review version",
       {{"admissionReviewVersions", {"v2"}}},
       "could not create admission objects: webhook does not accept known AdmissionReview "
       "versions (v1, v1beta1)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SetMutating({Configuration("bad", {Webhook("bad.example.com", "/hook", c.overrides)})});

    const Result result = WebhookDispatcher(Env()).Mutate(PodCreate(), Pod());

    EXPECT_FALSE(result.allowed);
    EXPECT_EQ(result.code, 500);
    EXPECT_THAT(result.message, HasSubstr("Internal error occurred: failed calling webhook "
                                          "\"bad.example.com\": " +
                                          c.want_cause));
  }
}

TEST_F(WebhookFailuresTest, DryRunSkipsNothingButRefusesWebhooksWithSideEffects) {
  server_.Handle("/dry", [](const json& review) { return Allow(review); });
  struct Case {
    std::string side_effects;
    bool want_called;
  };
  for (const Case& c : {Case{"None", true}, Case{"NoneOnDryRun", true}, Case{"Unknown", false},
                        Case{"Some", false}}) {
    SCOPED_TRACE(c.side_effects);
    SetValidating({Configuration(
        "dry", {Webhook("dry.example.com", "/dry", {{"sideEffects", c.side_effects}})})});
    const int before = server_.Calls("/dry");
    Attributes a = PodCreate();
    a.dry_run = true;

    const Result result = WebhookDispatcher(Env()).Validate(a, Pod());

    EXPECT_EQ(result.allowed, c.want_called);
    EXPECT_EQ(server_.Calls("/dry") - before, c.want_called ? 1 : 0);
    if (c.want_called) {
      EXPECT_EQ(server_.Requests("/dry").back()["request"]["dryRun"], true);
    } else {
      EXPECT_EQ(result.code, 400);
      EXPECT_EQ(result.reason, "BadRequest");
      EXPECT_EQ(result.message, "admission webhook \"dry.example.com\" does not support dry run");
    }
  }
}

TEST_F(WebhookFailuresTest, ValidatingWebhookMayNotPatchAndFirstDenialWins) {
  server_.Handle("/patching", [](const json& review) {
    return Patch(review, json::array({{{"op", "remove"}, {"path", "/spec"}}}));
  });
  server_.Handle("/deny", [](const json& review) {
    return Deny(review, {{"message", "pods need a GPU limit"}});
  });
  SetValidating({Configuration("b-deny", {Webhook("deny.example.com", "/deny")}),
                 Configuration("a-patch", {Webhook("patch.example.com", "/patching")})});

  const Result result = WebhookDispatcher(Env()).Validate(PodCreate(), Pod());

  EXPECT_FALSE(result.allowed);
  EXPECT_EQ(result.code, 500);
  EXPECT_EQ(result.message,
            "Internal error occurred: failed calling webhook \"patch.example.com\": received "
            "invalid webhook response: validating webhook may not return response.patch");
  EXPECT_EQ(result.object, Pod());
  EXPECT_EQ(server_.Calls("/deny"), 1);
}

TEST_F(WebhookFailuresTest, MissingNamespaceForNamespaceSelectorIsNotFound) {
  server_.Handle("/hook", [](const json& review) { return Allow(review); });
  SetMutating({Configuration(
      "ns", {Webhook("ns.example.com", "/hook",
                     {{"namespaceSelector", {{"matchLabels", {{"gpu", "on"}}}}}})})});
  Attributes a = PodCreate();
  a.ns = "ghost";

  const Result result = WebhookDispatcher(Env()).Mutate(a, Pod());

  EXPECT_FALSE(result.allowed);
  EXPECT_EQ(result.code, 404);
  EXPECT_EQ(result.reason, "NotFound");
  EXPECT_EQ(result.message, "namespaces \"ghost\" not found");
}

}  // namespace
}  // namespace gpuext::emulator::admission::testing
