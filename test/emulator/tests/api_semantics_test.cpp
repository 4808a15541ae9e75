// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// kube-apiserver semantics of the emulator at the HTTP level (DESIGN.md §21.1): Status error
// objects, generation, the status subresource, generateName, pagination, selectors, dry-run,
// finalizers, garbage collection, namespace lifecycle, watch errors and bookmarks, and CRDs
// created through the API. Expectations are kube-apiserver's, not read off the emulator.

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulator_fixture.h"
#include "https_client.h"

namespace gpuext::emulator::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

constexpr char kNs[] = "api-test";
constexpr char kConfigMaps[] = "/api/v1/namespaces/api-test/configmaps";
constexpr char kExtensions[] =
    "/apis/extensions.gardener.cloud/v1alpha1/namespaces/api-test/extensions";

json ConfigMap(const std::string& name, const json& labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"data", {{"k", name}}}};
}

json Extension(const std::string& name, const json& type = "nvidia-gpu") {
  return {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
          {"kind", "Extension"},
          {"metadata", {{"name", name}}},
          {"spec", {{"type", type}}}};
}

// Polls `cond` every 10 ms for up to 10 s; true once it held.
bool Eventually(const std::function<bool()>& cond,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

std::vector<std::string> Names(const json& list) {
  std::vector<std::string> names;
  for (const json& item : list.value("items", json::array())) {
    names.push_back(item["metadata"]["name"].get<std::string>());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> CauseFields(const json& status) {
  std::vector<std::string> fields;
  for (const json& c : status["details"].value("causes", json::array())) {
    fields.push_back(c.value("field", ""));
  }
  return fields;
}

class ApiSemanticsTest : public EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    api_ = std::make_unique<HttpsClient>(*server_, dir_.path() / "ca.pem");
    Must(api_->Post("/api/v1/namespaces",
                    {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kNs}}}}),
         201);
  }

  // Asserts the status code and returns the body.
  json Must(const HttpResponse& r, int want) {
    EXPECT_EQ(r.status, want) << r.error << r.raw;
    return r.body;
  }

  // Asserts an error response: the code, a Status body with `reason`; returns the Status.
  json MustFail(const HttpResponse& r, int code, const std::string& reason) {
    EXPECT_EQ(r.status, code) << r.raw;
    EXPECT_TRUE(r.IsStatusObject()) << r.raw;
    EXPECT_EQ(r.body.value("reason", ""), reason) << r.raw;
    EXPECT_THAT(r.content_type, HasSubstr("application/json"));
    return r.body;
  }

  void TearDown() override {
    api_.reset();  // close the keep-alive connection before the server stops
    EmulatorTest::TearDown();
  }

  std::unique_ptr<HttpsClient> api_;
};

// ---- Status error objects --------------------------------------------------------------------

TEST_F(ApiSemanticsTest, NotFoundCarriesDetails) {
  const json s = MustFail(api_->Get(std::string(kConfigMaps) + "/missing"), 404, "NotFound");
  EXPECT_EQ(s["message"], "configmaps \"missing\" not found");
  EXPECT_EQ(s["details"]["name"], "missing");
  EXPECT_EQ(s["details"]["kind"], "configmaps");
  const json e = MustFail(api_->Get(std::string(kExtensions) + "/missing"), 404, "NotFound");
  EXPECT_EQ(e["message"], "extensions.extensions.gardener.cloud \"missing\" not found");
  EXPECT_EQ(e["details"]["group"], "extensions.gardener.cloud");
  EXPECT_EQ(e["details"]["kind"], "extensions");
}

TEST_F(ApiSemanticsTest, CreateTwiceIsAlreadyExists) {
  Must(api_->Post(kConfigMaps, ConfigMap("twice")), 201);
  const json s = MustFail(api_->Post(kConfigMaps, ConfigMap("twice")), 409, "AlreadyExists");
  EXPECT_EQ(s["message"], "configmaps \"twice\" already exists");
  EXPECT_EQ(s["details"]["name"], "twice");
  EXPECT_EQ(s["details"]["kind"], "configmaps");
}

TEST_F(ApiSemanticsTest, UpdateWithStaleResourceVersionIsConflict) {
  json cm = Must(api_->Post(kConfigMaps, ConfigMap("stale")), 201);
  json fresh = cm;
  fresh["data"]["k"] = "v2";
  Must(api_->Put(std::string(kConfigMaps) + "/stale", fresh), 200);
  cm["data"]["k"] = "v3";  // still carries the first resourceVersion
  const json s = MustFail(api_->Put(std::string(kConfigMaps) + "/stale", cm), 409, "Conflict");
  EXPECT_THAT(s["message"].get<std::string>(),
              HasSubstr("Operation cannot be fulfilled on configmaps \"stale\": the object has "
                        "been modified; please apply your changes to the latest version and try "
                        "again"));
  EXPECT_EQ(Must(api_->Get(std::string(kConfigMaps) + "/stale"), 200)["data"]["k"], "v2");
}

TEST_F(ApiSemanticsTest, SchemaViolationIsInvalidWithFieldCauses) {
  const json s = MustFail(api_->Post(kExtensions, Extension("bad", 5)), 422, "Invalid");
  EXPECT_THAT(s["message"].get<std::string>(),
              StartsWith("Extension.extensions.gardener.cloud \"bad\" is invalid: "));
  // spec.type carries an x-kubernetes-validations rule; like kube-apiserver, the emulator adds
  // a second cause saying the rules were skipped because the schema check failed.
  EXPECT_THAT(CauseFields(s), ElementsAre("spec.type", "<nil>")) << s.dump();
  EXPECT_THAT(s["details"]["causes"][1]["message"].get<std::string>(),
              HasSubstr("some validation rules were not checked because the object was invalid"));
  EXPECT_EQ(s["details"]["causes"][0]["reason"], "FieldValueTypeInvalid");
  EXPECT_EQ(s["details"]["name"], "bad");
  EXPECT_EQ(s["details"]["group"], "extensions.gardener.cloud");
  EXPECT_EQ(s["details"]["kind"], "Extension");
  MustFail(api_->Get(std::string(kExtensions) + "/bad"), 404, "NotFound");
}

TEST_F(ApiSemanticsTest, InvalidOrMissingNameIsInvalid) {
  const json bad = MustFail(api_->Post(kConfigMaps, ConfigMap("Not_A_DNS_Name")), 422, "Invalid");
  EXPECT_THAT(CauseFields(bad), ElementsAre("metadata.name"));
  EXPECT_THAT(bad["message"].get<std::string>(),
              StartsWith("ConfigMap \"Not_A_DNS_Name\" is invalid: metadata.name: Invalid value: "
                         "\"Not_A_DNS_Name\""));
  json nameless = ConfigMap("x");
  nameless["metadata"].erase("name");
  const json missing = MustFail(api_->Post(kConfigMaps, nameless), 422, "Invalid");
  EXPECT_THAT(CauseFields(missing), ElementsAre("metadata.name"));
  EXPECT_THAT(missing["message"].get<std::string>(),
              HasSubstr("metadata.name: Required value: name or generateName is required"));
}

TEST_F(ApiSemanticsTest, RequestWithoutTokenIsUnauthorized) {
  api_->set_token("");
  const json s = MustFail(api_->Get(kConfigMaps), 401, "Unauthorized");
  EXPECT_EQ(s["message"], "Unauthorized");
  api_->set_token("not-a-token");
  MustFail(api_->Get(kConfigMaps), 401, "Unauthorized");
}

TEST_F(ApiSemanticsTest, StrategicMergePatchOnCustomResourceIsUnsupportedMediaType) {
  Must(api_->Post(kExtensions, Extension("smp")), 201);
  const json s =
      MustFail(api_->Do("PATCH", std::string(kExtensions) + "/smp", R"({"spec":{"type":"x"}})",
                        "application/strategic-merge-patch+json"),
               415, "UnsupportedMediaType");
  EXPECT_THAT(s["message"].get<std::string>(), HasSubstr("application/merge-patch+json"));
}

TEST_F(ApiSemanticsTest, MalformedBodiesAreBadRequest) {
  struct Case {
    std::string name;
    std::string path;
    std::string body;
    std::string content_type;
    std::string message;
  };
  const std::string cms = kConfigMaps;
  const std::vector<Case> cases = {
      {"truncated JSON", cms, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name")",
       "application/json", ""},
      {"malformed YAML", cms, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n",
       "application/yaml", ""},
      {"a JSON array", cms, "[1,2]", "application/json", ""},
      {"wrong apiVersion", cms,
       R"({"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"a"}})", "application/json",
       "apps/v1"},
      {"wrong kind", cms, R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"a"}})",
       "application/json", "Secret"},
      {"name differs from the URL", cms + "/a",
       R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}})", "application/json", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string method = c.path == cms ? "POST" : "PUT";
    const json s = MustFail(api_->Do(method, c.path, c.body, c.content_type), 400, "BadRequest");
    EXPECT_THAT(s.value("message", ""), HasSubstr(c.message));
  }
  EXPECT_EQ(Names(Must(api_->Get(kConfigMaps), 200)), std::vector<std::string>{});
}

TEST_F(ApiSemanticsTest, InvalidUtf8NeverReachesTheStore) {
  // Go's JSON decoder replaces invalid UTF-8 in strings with U+FFFD; ours (nlohmann) refuses
  // it with 400, a documented deviation (docs/kube-emulator.md). Nothing is stored either way.
  MustFail(api_->Do("POST", kConfigMaps,
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                    "\"utf-json\"},\"data\":{\"k\":\"\xff\"}}"),
           400, "BadRequest");
  MustFail(api_->Get(std::string(kConfigMaps) + "/utf-json"), 404, "NotFound");
  // The YAML decoder refuses invalid UTF-8.
  const std::string yaml =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: utf-yaml\ndata:\n  k: \"\xff\xfe\"\n";
  MustFail(api_->Do("POST", kConfigMaps, yaml, "application/yaml"), 400, "BadRequest");
  MustFail(api_->Get(std::string(kConfigMaps) + "/utf-yaml"), 404, "NotFound");
  // Either way, reads of the collection keep working.
  const HttpResponse list = api_->Get(kConfigMaps);
  EXPECT_EQ(list.status, 200) << list.raw;
}

TEST_F(ApiSemanticsTest, CreateWithoutApiVersionAndKindDefaultsFromTheUrl) {
  // kube-apiserver decodes the body with the endpoint's group/version/kind as defaults.
  const json created = Must(
      api_->Post(kConfigMaps, {{"metadata", {{"name", "kindless"}}}, {"data", {{"a", "1"}}}}), 201);
  EXPECT_EQ(created.value("kind", ""), "ConfigMap");
  EXPECT_EQ(created.value("apiVersion", ""), "v1");
  EXPECT_EQ(Must(api_->Get(std::string(kConfigMaps) + "/kindless"), 200)["data"]["a"], "1");
}

// ---- object semantics ------------------------------------------------------------------------

TEST_F(ApiSemanticsTest, GenerationMovesOnSpecChangesOnly) {
  const std::string path = std::string(kExtensions) + "/gen";
  EXPECT_EQ(Must(api_->Post(kExtensions, Extension("gen")), 201)["metadata"]["generation"], 1);
  json obj = Must(api_->MergePatch(path, {{"metadata", {{"labels", {{"a", "b"}}}}}}), 200);
  EXPECT_EQ(obj["metadata"]["generation"], 1) << "metadata change";
  obj = Must(api_->MergePatch(path + "/status", {{"status", {{"observedGeneration", 1}}}}), 200);
  EXPECT_EQ(obj["metadata"]["generation"], 1) << "status change";
  obj = Must(api_->MergePatch(path, {{"spec", {{"type", "other"}}}}), 200);
  EXPECT_EQ(obj["metadata"]["generation"], 2) << "spec change";
  obj = Must(api_->MergePatch(path, {{"spec", {{"type", "other"}}}}), 200);
  EXPECT_EQ(obj["metadata"]["generation"], 2) << "a no-op spec patch";
}

TEST_F(ApiSemanticsTest, StatusSubresourceSplitsSpecAndStatus) {
  const std::string path = std::string(kExtensions) + "/split";
  json created = Extension("split");
  created["status"] = {{"observedGeneration", 7}};
  created = Must(api_->Post(kExtensions, created), 201);
  EXPECT_FALSE(created.contains("status") && created["status"].contains("observedGeneration"))
      << "create drops status";
  // The main resource ignores status ...
  json obj = Must(
      api_->MergePatch(path, {{"spec", {{"type", "a"}}}, {"status", {{"observedGeneration", 3}}}}),
      200);
  EXPECT_EQ(obj["spec"]["type"], "a");
  EXPECT_FALSE(obj.contains("status") && obj["status"].contains("observedGeneration"));
  // ... and /status ignores spec and metadata other than labels/annotations.
  json full = obj;
  full["spec"]["type"] = "b";
  full["status"] = {{"observedGeneration", 2}};
  obj = Must(api_->Put(path + "/status", full), 200);
  EXPECT_EQ(obj["spec"]["type"], "a");
  EXPECT_EQ(obj["status"]["observedGeneration"], 2);
  const json stored = Must(api_->Get(path), 200);
  EXPECT_EQ(stored["spec"]["type"], "a");
  EXPECT_EQ(stored["status"]["observedGeneration"], 2);
  // ConfigMaps have no status subresource.
  Must(api_->Post(kConfigMaps, ConfigMap("nostatus")), 201);
  MustFail(api_->Get(std::string(kConfigMaps) + "/nostatus/status"), 404, "NotFound");
}

TEST_F(ApiSemanticsTest, GenerateNameAppendsFiveCharacters) {
  json cm = ConfigMap("x");
  cm["metadata"].erase("name");
  cm["metadata"]["generateName"] = "gen-";
  std::set<std::string> names;
  for (int i = 0; i < 3; ++i) {
    const json created = Must(api_->Post(kConfigMaps, cm), 201);
    const std::string name = created["metadata"]["name"];
    EXPECT_THAT(name, StartsWith("gen-"));
    EXPECT_EQ(name.size(), 9u) << name;
    EXPECT_EQ(created["metadata"]["generateName"], "gen-");
    names.insert(name);
    Must(api_->Get(std::string(kConfigMaps) + "/" + name), 200);
  }
  EXPECT_EQ(names.size(), 3u);
}

TEST_F(ApiSemanticsTest, DryRunCreateIsNotStored) {
  const json dry =
      Must(api_->Post(std::string(kConfigMaps) + "?dryRun=All", ConfigMap("dry")), 201);
  EXPECT_EQ(dry["metadata"]["name"], "dry");
  EXPECT_EQ(dry["data"]["k"], "dry");
  MustFail(api_->Get(std::string(kConfigMaps) + "/dry"), 404, "NotFound");
  // Validation still runs on a dry run.
  MustFail(api_->Post(std::string(kExtensions) + "?dryRun=All", Extension("dry", 5)), 422,
           "Invalid");
}

// ---- reads: pagination and selectors ---------------------------------------------------------

TEST_F(ApiSemanticsTest, ListPaginatesWithLimitAndContinue) {
  std::vector<std::string> want;
  for (int i = 0; i < 7; ++i) {
    want.push_back("page-" + std::to_string(i));
    Must(api_->Post(kConfigMaps, ConfigMap(want.back())), 201);
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    std::string path = std::string(kConfigMaps) + "?limit=3";
    if (!token.empty()) {
      path += "&continue=" + Encode(token);
    }
    const json page = Must(api_->Get(path), 200);
    ASSERT_LE(page["items"].size(), 3u);
    for (const json& item : page["items"]) {
      seen.push_back(item["metadata"]["name"]);
    }
    token = page["metadata"].value("continue", "");
    if (pages == 0) {
      EXPECT_EQ(page["metadata"]["remainingItemCount"], 4);
    }
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, want);
}

TEST_F(ApiSemanticsTest, LabelSelectorsSupportEveryOperator) {
  Must(api_->Post(kConfigMaps, ConfigMap("prod-web", {{"env", "prod"}, {"tier", "web"}})), 201);
  Must(api_->Post(kConfigMaps, ConfigMap("prod-db", {{"env", "prod"}, {"tier", "db"}})), 201);
  Must(api_->Post(kConfigMaps, ConfigMap("dev-web", {{"env", "dev"}, {"tier", "web"}})), 201);
  Must(api_->Post(kConfigMaps, ConfigMap("bare")), 201);
  struct Case {
    std::string selector;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"env=prod", {"prod-db", "prod-web"}},
      {"env==prod", {"prod-db", "prod-web"}},
      {"env!=prod", {"bare", "dev-web"}},
      {"env in (prod,dev)", {"dev-web", "prod-db", "prod-web"}},
      {"env notin (prod)", {"bare", "dev-web"}},
      {"tier", {"dev-web", "prod-db", "prod-web"}},
      {"!tier", {"bare"}},
      {"env=prod,tier=web", {"prod-web"}},
      {"env in (prod),tier notin (db)", {"prod-web"}},
      {"env=staging", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.selector);
    const json list =
        Must(api_->Get(std::string(kConfigMaps) + "?labelSelector=" + Encode(c.selector)), 200);
    EXPECT_EQ(Names(list), c.want);
  }
  MustFail(api_->Get(std::string(kConfigMaps) + "?labelSelector=" + Encode("env in prod")), 400,
           "BadRequest");
}

TEST_F(ApiSemanticsTest, FieldSelectorsOnNameAndPodNodeName) {
  Must(api_->Post(kConfigMaps, ConfigMap("one")), 201);
  Must(api_->Post(kConfigMaps, ConfigMap("two")), 201);
  EXPECT_THAT(Names(Must(api_->Get(std::string(kConfigMaps) +
                                   "?fieldSelector=" + Encode("metadata.name=one")),
                         200)),
              ElementsAre("one"));
  EXPECT_THAT(Names(Must(api_->Get(std::string(kConfigMaps) +
                                   "?fieldSelector=" + Encode("metadata.name!=one")),
                         200)),
              ElementsAre("two"));
  for (const auto& [name, node] : {std::pair{"pod-a", "node-a"}, std::pair{"pod-b", "node-b"}}) {
    Must(api_->Post(
             "/api/v1/namespaces/api-test/pods",
             {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}}},
              {"spec",
               {{"nodeName", node}, {"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}}),
         201);
  }
  EXPECT_THAT(Names(Must(api_->Get("/api/v1/namespaces/api-test/pods?fieldSelector=" +
                                   Encode("spec.nodeName=node-b")),
                         200)),
              ElementsAre("pod-b"));
  // Across namespaces too, as the kubelet lists its pods.
  EXPECT_THAT(Names(Must(api_->Get("/api/v1/pods?fieldSelector=" +
                                   Encode("spec.nodeName=node-a,metadata.namespace=api-test")),
                         200)),
              ElementsAre("pod-a"));
  const json s =
      MustFail(api_->Get(std::string(kConfigMaps) + "?fieldSelector=" + Encode("spec.nodeName=x")),
               400, "BadRequest");
  EXPECT_THAT(s["message"].get<std::string>(), HasSubstr("spec.nodeName"));
}

// ---- finalizers, GC, namespaces --------------------------------------------------------------

TEST_F(ApiSemanticsTest, FinalizersHoldDeletionAndCannotBeAddedWhileDeleting) {
  const std::string path = std::string(kConfigMaps) + "/held";
  json cm = ConfigMap("held");
  cm["metadata"]["finalizers"] = {"example.com/hold"};
  Must(api_->Post(kConfigMaps, cm), 201);
  Must(api_->Delete(path), 200);
  json stored = Must(api_->Get(path), 200);
  EXPECT_TRUE(stored["metadata"].contains("deletionTimestamp")) << stored.dump();
  EXPECT_EQ(stored["metadata"]["finalizers"], json({"example.com/hold"}));
  // A second delete keeps the object and the timestamp.
  Must(api_->Delete(path), 200);
  EXPECT_EQ(Must(api_->Get(path), 200)["metadata"]["deletionTimestamp"],
            stored["metadata"]["deletionTimestamp"]);

  const json s =
      MustFail(api_->MergePatch(
                   path, {{"metadata", {{"finalizers", {"example.com/hold", "example.com/new"}}}}}),
               422, "Invalid");
  EXPECT_THAT(CauseFields(s), ElementsAre("metadata.finalizers"));
  EXPECT_THAT(s["message"].get<std::string>(), HasSubstr("no new finalizers can be added"));

  Must(api_->MergePatch(path, {{"metadata", {{"finalizers", nullptr}}}}), 200);
  EXPECT_TRUE(Eventually([&] { return api_->Get(path).status == 404; }));
}

class GarbageCollectionTest : public ApiSemanticsTest {
 protected:
  // An owner ConfigMap and two dependents pointing at it; returns the owner's uid.
  std::string MakeFamily(const std::string& owner) {
    const json o = Must(api_->Post(kConfigMaps, ConfigMap(owner)), 201);
    const std::string uid = o["metadata"]["uid"];
    for (const std::string& child : {owner + "-child-1", owner + "-child-2"}) {
      json cm = ConfigMap(child);
      cm["metadata"]["ownerReferences"] = {{{"apiVersion", "v1"},
                                            {"kind", "ConfigMap"},
                                            {"name", owner},
                                            {"uid", uid},
                                            {"blockOwnerDeletion", true}}};
      Must(api_->Post(kConfigMaps, cm), 201);
    }
    return uid;
  }
  bool Gone(const std::string& name) {
    return api_->Get(std::string(kConfigMaps) + "/" + name).status == 404;
  }
};

TEST_F(GarbageCollectionTest, BackgroundDeletesDependentsAfterTheOwner) {
  MakeFamily("bg");
  Must(api_->Delete(std::string(kConfigMaps) + "/bg", {{"propagationPolicy", "Background"}}), 200);
  EXPECT_TRUE(Gone("bg")) << "the owner goes at once";
  EXPECT_TRUE(Eventually([&] { return Gone("bg-child-1") && Gone("bg-child-2"); }));
}

TEST_F(GarbageCollectionTest, ForegroundKeepsTheOwnerUntilDependentsAreGone) {
  MakeFamily("fg");
  Must(api_->Delete(std::string(kConfigMaps) + "/fg", {{"propagationPolicy", "Foreground"}}), 200);
  // Right after the call the owner is either still there, marked for foreground deletion, or
  // already gone together with every dependent; never gone while a dependent remains.
  const HttpResponse owner = api_->Get(std::string(kConfigMaps) + "/fg");
  if (owner.status == 200) {
    EXPECT_TRUE(owner.body["metadata"].contains("deletionTimestamp"));
    EXPECT_THAT(owner.body["metadata"]["finalizers"].dump(), HasSubstr("foregroundDeletion"));
  } else {
    EXPECT_EQ(owner.status, 404);
    EXPECT_TRUE(Gone("fg-child-1") && Gone("fg-child-2"));
  }
  EXPECT_TRUE(Eventually([&] { return Gone("fg") && Gone("fg-child-1") && Gone("fg-child-2"); }));
}

TEST_F(GarbageCollectionTest, ForegroundWaitsForABlockingDependent) {
  MakeFamily("blk");
  const std::string child = std::string(kConfigMaps) + "/blk-child-1";
  Must(api_->MergePatch(child, {{"metadata", {{"finalizers", {"example.com/hold"}}}}}), 200);
  Must(api_->Delete(std::string(kConfigMaps) + "/blk", {{"propagationPolicy", "Foreground"}}), 200);
  EXPECT_TRUE(Eventually([&] { return Gone("blk-child-2"); }));
  // The dependent with a finalizer and blockOwnerDeletion keeps the owner.
  const json owner = Must(api_->Get(std::string(kConfigMaps) + "/blk"), 200);
  EXPECT_THAT(owner["metadata"]["finalizers"].dump(), HasSubstr("foregroundDeletion"));
  Must(api_->MergePatch(child, {{"metadata", {{"finalizers", nullptr}}}}), 200);
  EXPECT_TRUE(Eventually([&] { return Gone("blk") && Gone("blk-child-1"); }));
}

TEST_F(GarbageCollectionTest, OrphanKeepsDependentsAndDropsTheirOwnerReferences) {
  const std::string uid = MakeFamily("orph");
  Must(api_->Delete(std::string(kConfigMaps) + "/orph", {{"propagationPolicy", "Orphan"}}), 200);
  EXPECT_TRUE(Eventually([&] { return Gone("orph"); }));
  for (const std::string name : {"orph-child-1", "orph-child-2"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(Eventually([&] {
      const HttpResponse r = api_->Get(std::string(kConfigMaps) + "/" + name);
      return r.status == 200 && r.body["metadata"].value("ownerReferences", json::array()).empty();
    })) << api_->Get(std::string(kConfigMaps) + "/" + name).raw;
  }
}

TEST_F(ApiSemanticsTest, NamespaceDeletionRemovesContentsAndRefusesNewObjects) {
  const std::string ns_path = "/api/v1/namespaces/doomed";
  const std::string cms = ns_path + "/configmaps";
  Must(
      api_->Post("/api/v1/namespaces",
                 {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "doomed"}}}}),
      201);
  json held = ConfigMap("held");
  held["metadata"]["finalizers"] = {"example.com/hold"};
  Must(api_->Post(cms, held), 201);
  Must(api_->Post(cms, ConfigMap("plain")), 201);

  Must(api_->Delete(ns_path), 200);
  const json ns = Must(api_->Get(ns_path), 200);
  EXPECT_EQ(ns["status"]["phase"], "Terminating");
  EXPECT_TRUE(ns["metadata"].contains("deletionTimestamp"));
  EXPECT_TRUE(Eventually([&] { return api_->Get(cms + "/plain").status == 404; }));

  const json s = MustFail(api_->Post(cms, ConfigMap("late")), 403, "Forbidden");
  EXPECT_THAT(s["message"].get<std::string>(),
              HasSubstr("unable to create new content in namespace doomed because it is being "
                        "terminated"));
  // The finalizer holds the namespace; releasing it lets the namespace go.
  EXPECT_EQ(Must(api_->Get(ns_path), 200)["status"]["phase"], "Terminating");
  Must(api_->MergePatch(cms + "/held", {{"metadata", {{"finalizers", nullptr}}}}), 200);
  EXPECT_TRUE(Eventually([&] { return api_->Get(ns_path).status == 404; }));
}

// An update that leaves out spec (a client replacing the object from a manifest) keeps the
// finalizers, as the namespace strategy does, so the namespace can still be deleted.
TEST_F(ApiSemanticsTest, NamespaceUpdateWithoutSpecKeepsFinalizersAndDeletes) {
  const std::string ns_path = "/api/v1/namespaces/replaced";
  const json created =
      Must(api_->Post(
               "/api/v1/namespaces",
               {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "replaced"}}}}),
           201);
  json replacement = {{"apiVersion", "v1"},
                      {"kind", "Namespace"},
                      {"metadata",
                       {{"name", "replaced"},
                        {"labels", {{"team", "gpu"}}},
                        {"resourceVersion", created["metadata"]["resourceVersion"]}}}};
  const json updated = Must(api_->Put(ns_path, replacement), 200);
  EXPECT_EQ(updated["spec"]["finalizers"], json::array({"kubernetes"}));
  EXPECT_EQ(updated["metadata"]["labels"]["team"], "gpu");
  Must(api_->Delete(ns_path), 200);
  EXPECT_TRUE(Eventually([&] { return api_->Get(ns_path).status == 404; }));
}

// ---- watch ------------------------------------------------------------------------------------

TEST_F(ApiSemanticsTest, WatchStreamsChangesFromAResourceVersion) {
  const json list = Must(api_->Get(kConfigMaps), 200);
  const std::string rv = list["metadata"]["resourceVersion"];
  Must(api_->Post(kConfigMaps, ConfigMap("w1")), 201);
  Must(api_->MergePatch(std::string(kConfigMaps) + "/w1", {{"data", {{"k", "v2"}}}}), 200);
  Must(api_->Delete(std::string(kConfigMaps) + "/w1"), 200);
  HttpsClient watcher(*server_, dir_.path() / "ca.pem");
  std::vector<std::string> events;
  const HttpResponse r = watcher.Stream(
      std::string(kConfigMaps) + "?watch=true&timeoutSeconds=5&resourceVersion=" + rv,
      [&](const std::string& line) {
        const json e = json::parse(line);
        events.push_back(e["type"].get<std::string>() + ":" +
                         e["object"]["metadata"]["name"].get<std::string>());
        return events.size() < 3;
      });
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_THAT(events, ElementsAre("ADDED:w1", "MODIFIED:w1", "DELETED:w1"));
}

class SmallHistoryTest : public ApiSemanticsTest {
 protected:
  ServerOptions Options() override {
    return {.listen = "127.0.0.1:0",
            .watch_history = 5,
            .bookmark_interval = std::chrono::milliseconds(100)};
  }
  // Writes more events than the history holds.
  void Churn() {
    for (int i = 0; i < 8; ++i) {
      Must(api_->Post(kConfigMaps, ConfigMap("churn-" + std::to_string(i))), 201);
    }
  }
};

TEST_F(SmallHistoryTest, WatchFromACompactedResourceVersionGetsGone) {
  const std::string rv = Must(api_->Get(kConfigMaps), 200)["metadata"]["resourceVersion"];
  Churn();
  HttpsClient watcher(*server_, dir_.path() / "ca.pem");
  std::vector<json> events;
  const HttpResponse r = watcher.Stream(
      std::string(kConfigMaps) + "?watch=true&timeoutSeconds=5&resourceVersion=" + rv,
      [&](const std::string& line) {
        events.push_back(json::parse(line));
        return true;
      });
  EXPECT_EQ(r.status, 200) << r.error;
  ASSERT_EQ(events.size(), 1u) << r.raw;  // the stream ends after the error
  EXPECT_EQ(events[0]["type"], "ERROR");
  const json& status = events[0]["object"];
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["code"], 410);
  EXPECT_EQ(status["reason"], "Expired");
  EXPECT_THAT(status["message"].get<std::string>(), HasSubstr("too old resource version"));
}

TEST_F(SmallHistoryTest, ExpiredContinueTokenIsGone) {
  for (int i = 0; i < 3; ++i) {
    Must(api_->Post(kConfigMaps, ConfigMap("p" + std::to_string(i))), 201);
  }
  const json page = Must(api_->Get(std::string(kConfigMaps) + "?limit=1"), 200);
  const std::string token = page["metadata"].value("continue", "");
  ASSERT_FALSE(token.empty());
  Churn();
  const json s = MustFail(
      api_->Get(std::string(kConfigMaps) + "?limit=1&continue=" + Encode(token)), 410, "Expired");
  EXPECT_THAT(s["message"].get<std::string>(), HasSubstr("continue parameter is too old"));
}

TEST_F(SmallHistoryTest, WatchSendsBookmarksWhenAllowed) {
  const std::string rv = Must(api_->Get(kConfigMaps), 200)["metadata"]["resourceVersion"];
  HttpsClient watcher(*server_, dir_.path() / "ca.pem");
  json bookmark;
  const HttpResponse r = watcher.Stream(std::string(kConfigMaps) +
                                            "?watch=true&allowWatchBookmarks=true&timeoutSeconds=10"
                                            "&resourceVersion=" +
                                            rv,
                                        [&](const std::string& line) {
                                          const json e = json::parse(line);
                                          if (e["type"] == "BOOKMARK") {
                                            bookmark = e;
                                            return false;
                                          }
                                          return true;
                                        });
  EXPECT_EQ(r.status, 200) << r.error;
  ASSERT_TRUE(bookmark.is_object()) << r.raw;
  EXPECT_EQ(bookmark["object"]["kind"], "ConfigMap");
  EXPECT_EQ(bookmark["object"]["apiVersion"], "v1");
  EXPECT_GE(std::stoull(bookmark["object"]["metadata"]["resourceVersion"].get<std::string>()),
            std::stoull(rv));

  // Without allowWatchBookmarks there are none: the stream ends at timeoutSeconds, empty.
  const HttpResponse plain = watcher.Stream(
      std::string(kConfigMaps) + "?watch=true&timeoutSeconds=1&resourceVersion=" + rv,
      [](const std::string&) { return true; });
  EXPECT_EQ(plain.status, 200) << plain.error;
  EXPECT_EQ(plain.raw, "");
}

// ---- CRDs through the API --------------------------------------------------------------------

TEST_F(ApiSemanticsTest, CrdCreatedThroughTheApiIsServedAtOnce) {
  const json crd = json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
      "group": "example.com",
      "scope": "Namespaced",
      "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                "listKind": "WidgetList", "shortNames": ["wd"]},
      "versions": [{
        "name": "v1", "served": true, "storage": true,
        "subresources": {"status": {}},
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "properties": {"size": {"type": "integer", "minimum": 1}}},
          "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}
      }]
    }
  })");
  Must(api_->Post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd), 201);
  // Served with no wait: discovery and the resource path.
  const json resources = Must(api_->Get("/apis/example.com/v1"), 200);
  EXPECT_EQ(resources["kind"], "APIResourceList");
  EXPECT_EQ(resources["groupVersion"], "example.com/v1");
  std::vector<std::string> names;
  for (const json& r : resources["resources"]) {
    names.push_back(r["name"]);
    if (r["name"] == "widgets") {
      EXPECT_EQ(r["kind"], "Widget");
      EXPECT_EQ(r["namespaced"], true);
      EXPECT_EQ(r["shortNames"], json({"wd"}));
    }
  }
  EXPECT_THAT(names, UnorderedElementsAre("widgets", "widgets/status"));
  const std::string widgets = "/apis/example.com/v1/namespaces/api-test/widgets";
  const json w = json::parse(
      R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":2}})");
  Must(api_->Post(widgets, w), 201);
  json bad = w;
  bad["metadata"]["name"] = "small";
  bad["spec"]["size"] = 0;
  const json s = MustFail(api_->Post(widgets, bad), 422, "Invalid");
  EXPECT_THAT(CauseFields(s), ElementsAre("spec.size"));
  // The CRD reports Established.
  const json stored =
      Must(api_->Get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com"),
           200);
  bool established = false;
  for (const json& c : stored["status"].value("conditions", json::array())) {
    established = established || (c["type"] == "Established" && c["status"] == "True");
  }
  EXPECT_TRUE(established) << stored["status"].dump();
  // The group shows up in /apis.
  EXPECT_THAT(Must(api_->Get("/apis"), 200).dump(), HasSubstr("\"example.com/v1\""));
}

}  // namespace
}  // namespace gpuext::emulator::testing
