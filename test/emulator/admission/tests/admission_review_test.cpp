// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The AdmissionReview exchange and clientConfig handling, without a server.

#include "gpuext/emulator/admission/internal/admission_review.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/base64.h"
#include "gpuext/emulator/admission/internal/call_hook.h"
#include "gpuext/emulator/admission/internal/webhook_client.h"
#include "gpuext/error.h"

namespace gpuext::emulator::admission::internal {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(Base64Test, RoundTripsAndRejectsLikeGo) {
  for (const std::string raw : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    SCOPED_TRACE(raw);
    EXPECT_EQ(Base64Decode(Base64Encode(raw)), raw);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  struct Case {
    std::string text;
    std::string want;
  };
  for (const Case& c : {Case{"Zm9v!mFy", "illegal base64 data at input byte 4"},
                        Case{"Zm9vYg", "illegal base64 data at input byte 4"},
                        Case{"Zm=v", "illegal base64 data at input byte 2"}}) {
    SCOPED_TRACE(c.text);
    EXPECT_THAT([&] { static_cast<void>(Base64Decode(c.text)); },
                ThrowsMessage<Error>(HasSubstr(c.want)));
  }
}

TEST(BuildReviewTest, OmitsEmptyFieldsAndDerivesOptions) {
  const Attributes a = {.operation = "CREATE",
                        .version = "v1",
                        .resource = "nodes",
                        .kind_version = "v1",
                        .kind = "Node",
                        .namespaced = false,
                        .dry_run = true};
  const json review = BuildReview(ReviewVersion::kV1beta1, "u-1", a, json::object());
  const json& r = review["request"];
  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1beta1");
  EXPECT_EQ(r["uid"], "u-1");
  for (const char* absent : {"name", "namespace", "subResource", "requestSubResource"}) {
    EXPECT_FALSE(r.contains(absent)) << absent;
  }
  EXPECT_EQ(r["userInfo"], json::object());
  EXPECT_EQ(r["oldObject"], nullptr);
  EXPECT_EQ(r["dryRun"], true);
  EXPECT_EQ(
      r["options"],
      json({{"kind", "CreateOptions"}, {"apiVersion", "meta.k8s.io/v1"}, {"dryRun", {"All"}}}));
  Attributes connect = a;
  connect.operation = "CONNECT";
  EXPECT_EQ(RequestOptions(connect), nullptr);
}

TEST(NewUidTest, IsARandomVersion4Uuid) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string uid = NewUid();
    ASSERT_THAT(uid, ::testing::MatchesRegex(
                         "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    seen.insert(uid);
  }
  EXPECT_EQ(seen.size(), 100U);
}

TEST(PickReviewVersionTest, TakesTheFirstKnownVersion) {
  EXPECT_EQ(PickReviewVersion({{"admissionReviewVersions", {"v2", "v1beta1", "v1"}}}),
            ReviewVersion::kV1beta1);
  EXPECT_EQ(PickReviewVersion({{"admissionReviewVersions", {"v1", "v1beta1"}}}),
            ReviewVersion::kV1);
  EXPECT_EQ(PickReviewVersion({{"admissionReviewVersions", {"v2"}}}), std::nullopt);
  EXPECT_EQ(PickReviewVersion(json::object()), std::nullopt);
}

json Answer(json response) {
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"response", std::move(response)}};
}

TEST(VerifyResponseTest, RejectsWhatKubeApiserverRejects) {
  const std::string patch = Base64Encode(R"([{"op":"add","path":"/a","value":1}])");
  struct Case {
    std::string name;
    json review;
    bool mutating;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"absent response",
       {{"apiVersion", "admission.k8s.io/v1"}},
       true,
       "webhook response was absent"},
      {"uid mismatch", Answer({{"uid", "other"}, {"allowed", true}}), true,
       "expected response.uid=\"u\", got \"other\""},
      {"kind mismatch",
       {{"apiVersion", "v1"}, {"kind", "Status"}, {"response", {{"uid", "u"}}}},
       true,
       "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got /v1, "
       "Kind=Status"},
      {"patch without type", Answer({{"uid", "u"}, {"allowed", true}, {"patch", patch}}), true,
       "webhook returned response.patch but not response.patchType"},
      {"empty patch type",
       Answer({{"uid", "u"}, {"allowed", true}, {"patch", patch}, {"patchType", ""}}), true,
       "webhook returned invalid response.patchType of \"\""},
      {"validating patch", Answer({{"uid", "u"}, {"allowed", true}, {"patch", patch}}), false,
       "validating webhook may not return response.patch"},
      {"validating patch type", Answer({{"uid", "u"}, {"allowed", true}, {"patchType", "X"}}),
       false, "validating webhook may not return response.patchType"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(
        [&] { static_cast<void>(VerifyResponse(c.review, ReviewVersion::kV1, "u", c.mutating)); },
        ThrowsMessage<Error>(c.want));
  }
  const ReviewResponse ok = VerifyResponse(Answer({{"uid", "u"},
                                                   {"allowed", true},
                                                   {"patch", patch},
                                                   {"patchType", "JSONPatch"},
                                                   {"warnings", {"w"}}}),
                                           ReviewVersion::kV1, "u", true);
  EXPECT_TRUE(ok.allowed);
  EXPECT_EQ(ok.patch, R"([{"op":"add","path":"/a","value":1}])");
  EXPECT_EQ(ok.warnings, std::vector<std::string>{"w"});
  // v1beta1 answers were never checked for uid or kind.
  EXPECT_TRUE(
      VerifyResponse({{"response", {{"allowed", true}}}}, ReviewVersion::kV1beta1, "u", true)
          .allowed);
}

TEST(RejectionDenialTest, FollowsToStatusErr) {
  struct Case {
    std::string name;
    json status;
    int want_code;
    std::string want_reason;
    std::string want_message;
  };
  const std::string by = "admission webhook \"x.example.com\" denied the request";
  const std::vector<Case> cases = {
      {"message and code",
       {{"code", 403}, {"reason", "Forbidden"}, {"message", "m"}},
       403,
       "Forbidden",
       by + ": m"},
      {"reason only", {{"reason", "Conflict"}, {"code", 409}}, 409, "Conflict", by + ": Conflict"},
      {"nothing", nullptr, 400, "", by + " without explanation"},
      {"success code is raised to 400", {{"code", 200}, {"message", "m"}}, 400, "", by + ": m"},
      {"server error code is kept", {{"code", 500}, {"message", "m"}}, 500, "", by + ": m"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Denial d = RejectionDenial("x.example.com", c.status);
    EXPECT_EQ(d.code, c.want_code);
    EXPECT_EQ(d.reason, c.want_reason);
    EXPECT_EQ(d.message, c.want_message);
  }
}

TEST(BuildTargetTest, BuildsUrlsLikeTheRestClient) {
  struct Case {
    std::string name;
    json client_config;
    std::string want_url;
    std::string want_host_port;
  };
  const std::vector<Case> cases = {
      {"service defaults",
       {{"service", {{"namespace", "ns"}, {"name", "svc"}}}},
       "https://svc.ns.svc:443/?timeout=7s",
       "svc.ns.svc:443"},
      {"service port and path",
       {{"service", {{"namespace", "ns"}, {"name", "svc"}, {"port", 8443}, {"path", "/m"}}}},
       "https://svc.ns.svc:8443/m?timeout=7s",
       "svc.ns.svc:8443"},
      {"url without port",
       {{"url", "https://hooks.example.com/v"}},
       "https://hooks.example.com/v?timeout=7s",
       "hooks.example.com:443"},
      {"url with IPv6 and port",
       {{"url", "https://[::1]:9443/v"}},
       "https://[::1]:9443/v?timeout=7s",
       "[::1]:9443"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const HookTarget t = BuildTarget(c.client_config, std::chrono::seconds(7));
    EXPECT_EQ(t.url, c.want_url);
    EXPECT_EQ(t.host_port, c.want_host_port);
    EXPECT_EQ(t.dial_address, c.want_host_port);
  }
  EXPECT_THAT([] { static_cast<void>(BuildTarget(json::object(), std::chrono::seconds(1))); },
              ThrowsMessage<Error>("webhook configuration must have either service or URL"));
}

TEST(HookTimeoutTest, DefaultsToTenAndStaysWithinApiLimits) {
  EXPECT_EQ(HookTimeout(json::object()), std::chrono::seconds(10));
  EXPECT_EQ(HookTimeout({{"timeoutSeconds", 3}}), std::chrono::seconds(3));
  EXPECT_EQ(HookTimeout({{"timeoutSeconds", 0}}), std::chrono::seconds(1));
  EXPECT_EQ(HookTimeout({{"timeoutSeconds", 90}}), std::chrono::seconds(30));
}

}  // namespace
}  // namespace gpuext::emulator::admission::internal
