// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/http_client.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "client_fixture.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/object.h"
#include "gpuext/kube/patch.h"

namespace gpuext::kube::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

TEST_F(ClientTest, CrudOfConfigMap) {
  const json created = client_->Create(kConfigMaps, ConfigMap("a", {{"k", "v"}}));
  EXPECT_FALSE(Uid(created).empty());
  EXPECT_FALSE(ResourceVersion(created).empty());

  auto got = client_->Get(kConfigMaps, {kNs, "a"});
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ((*got)["data"]["k"], "v");

  (*got)["data"]["k"] = "w";
  const json updated = client_->Update(kConfigMaps, *got);
  EXPECT_EQ(updated["data"]["k"], "w");
  EXPECT_NE(ResourceVersion(updated), ResourceVersion(created));

  EXPECT_FALSE(client_->Get(kConfigMaps, {kNs, "missing"}).has_value());
  client_->Delete(kConfigMaps, {kNs, "a"});
  EXPECT_FALSE(client_->Get(kConfigMaps, {kNs, "a"}).has_value());
  client_->Delete(kConfigMaps, {kNs, "a"});  // absent: still fine
}

TEST_F(ClientTest, CreateOfExistingObjectIsAlreadyExists) {
  client_->Create(kConfigMaps, ConfigMap("a"));
  try {
    client_->Create(kConfigMaps, ConfigMap("a"));
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_TRUE(IsAlreadyExists(e)) << e.what();
    EXPECT_EQ(e.http_status(), 409);
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
  }
}

TEST_F(ClientTest, InvalidObjectCarriesCauses) {
  try {
    client_->Create(kConfigMaps, ConfigMap("Not_A_Name"));
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_TRUE(IsInvalid(e)) << e.what();
    EXPECT_EQ(e.reason(), "Invalid");
    ASSERT_FALSE(e.causes().empty());
    EXPECT_EQ(e.causes()[0].field, "metadata.name");
  }
}

TEST_F(ClientTest, CrudOfSecretAndClusterScopedNamespace) {
  client_->Create(kSecrets, {{"apiVersion", "v1"},
                             {"kind", "Secret"},
                             {"metadata", {{"name", "s"}, {"namespace", kNs}}},
                             {"stringData", {{"password", "hunter2"}}}});
  const auto secret = client_->Get(kSecrets, {kNs, "s"});
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ((*secret)["data"]["password"], "aHVudGVyMg==");
  const auto ns = client_->Get(kNamespaces, {"", kNs});
  ASSERT_TRUE(ns.has_value());
  EXPECT_EQ(Name(*ns), kNs);
  client_->Delete(kSecrets, {kNs, "s"});
  EXPECT_FALSE(client_->Get(kSecrets, {kNs, "s"}).has_value());
}

TEST_F(ClientTest, LeaseUpdateWithStaleVersionConflicts) {
  client_->Create(kLeases, {{"apiVersion", "coordination.k8s.io/v1"},
                            {"kind", "Lease"},
                            {"metadata", {{"name", "leader"}, {"namespace", kNs}}},
                            {"spec", {{"holderIdentity", "a"}, {"leaseDurationSeconds", 15}}}});
  json first = *client_->Get(kLeases, {kNs, "leader"});
  json second = first;
  first["spec"]["holderIdentity"] = "b";
  client_->Update(kLeases, first);
  second["spec"]["holderIdentity"] = "c";
  try {
    client_->Update(kLeases, second);
    FAIL() << "no conflict";
  } catch (const ApiError& e) {
    EXPECT_TRUE(IsConflict(e)) << e.what();
    EXPECT_FALSE(IsAlreadyExists(e));
  }

  int attempts = 0;
  const json result = RetryOnConflict([&] {
    ++attempts;
    json lease = attempts == 1 ? second : *client_->Get(kLeases, {kNs, "leader"});
    lease["spec"]["holderIdentity"] = "c";
    return client_->Update(kLeases, lease);
  });
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(result["spec"]["holderIdentity"], "c");
}

TEST_F(ClientTest, CustomResourceWithStatusSubresource) {
  const json ext = {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
                    {"kind", "Extension"},
                    {"metadata", {{"name", "gpu"}, {"namespace", kNs}}},
                    {"spec", {{"type", "nvidia-gpu"}}}};
  json created = client_->Create(kExtensions, ext);
  EXPECT_EQ(created["spec"]["type"], "nvidia-gpu");

  created["status"] = {{"observedGeneration", 1}};
  created["spec"]["type"] = "ignored-by-status-write";
  const json after_status = client_->Update(kExtensions, created, Subresource::kStatus);
  EXPECT_EQ(after_status["status"]["observedGeneration"], 1);
  EXPECT_EQ(after_status["spec"]["type"], "nvidia-gpu");

  const json patched =
      client_->Patch(kExtensions, {kNs, "gpu"}, PatchType::kMerge,
                     {{"status", {{"observedGeneration", 2}}}}, Subresource::kStatus);
  EXPECT_EQ(patched["status"]["observedGeneration"], 2);

  const json list = client_->List(kExtensions, InNamespace());
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["kind"], "ExtensionList");
  client_->Delete(kExtensions, {kNs, "gpu"});
  EXPECT_FALSE(client_->Get(kExtensions, {kNs, "gpu"}).has_value());
}

TEST_F(ClientTest, EveryPatchType) {
  client_->Create(kConfigMaps, ConfigMap("p", {{"a", "1"}, {"b", "2"}}));
  const ObjectKey key{kNs, "p"};

  json out =
      client_->Patch(kConfigMaps, key, PatchType::kMerge, {{"data", {{"a", nullptr}, {"c", "3"}}}});
  EXPECT_EQ(out["data"], json({{"b", "2"}, {"c", "3"}}));

  out = client_->Patch(kConfigMaps, key, PatchType::kJson,
                       json::array({{{"op", "replace"}, {"path", "/data/b"}, {"value", "20"}}}));
  EXPECT_EQ(out["data"]["b"], "20");

  out = client_->Patch(kConfigMaps, key, PatchType::kStrategic,
                       {{"metadata", {{"labels", {{"x", "y"}}}}}, {"data", {{"d", "4"}}}});
  EXPECT_EQ(out["data"]["d"], "4");
  EXPECT_EQ(Labels(out).at("x"), "y");

  const json apply = {{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", {{"name", "p"}, {"namespace", kNs}}},
                      {"data", {{"owned", "mine"}}}};
  out = client_->Patch(kConfigMaps, key, PatchType::kApply, apply, Subresource::kNone,
                       {.field_manager = "first"});
  EXPECT_EQ(out["data"]["owned"], "mine");
  // Another manager setting the same field conflicts unless it forces.
  json theirs = apply;
  theirs["data"]["owned"] = "theirs";
  try {
    client_->Patch(kConfigMaps, key, PatchType::kApply, theirs, Subresource::kNone,
                   {.field_manager = "second"});
    FAIL() << "no apply conflict";
  } catch (const ApiError& e) {
    EXPECT_TRUE(IsConflict(e)) << e.what();
  }
  out = client_->Patch(kConfigMaps, key, PatchType::kApply, theirs, Subresource::kNone,
                       {.field_manager = "second", .force = true});
  EXPECT_EQ(out["data"]["owned"], "theirs");
  EXPECT_THROW(client_->Patch(kConfigMaps, key, PatchType::kApply, apply), Error);

  // A merge patch computed from the object as received.
  const json original = *client_->Get(kConfigMaps, key);
  json modified = original;
  modified["data"].erase("d");
  modified["data"]["e"] = "5";
  out = client_->Patch(kConfigMaps, key, PatchType::kMerge, CreateMergePatch(original, modified));
  EXPECT_FALSE(out["data"].contains("d"));
  EXPECT_EQ(out["data"]["e"], "5");

  // Dry run changes nothing.
  client_->Patch(kConfigMaps, key, PatchType::kMerge, {{"data", {{"e", "dry"}}}},
                 Subresource::kNone, {.dry_run = true});
  EXPECT_EQ((*client_->Get(kConfigMaps, key))["data"]["e"], "5");
}

TEST_F(ClientTest, DeleteHonoursPreconditions) {
  const json cm = client_->Create(kConfigMaps, ConfigMap("d"));
  try {
    DeleteOptions options;
    options.precondition_uid = "not-the-uid";
    client_->Delete(kConfigMaps, {kNs, "d"}, options);
    FAIL() << "no precondition failure";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 409) << e.what();
  }
  try {
    DeleteOptions options;
    options.precondition_resource_version = "1";
    client_->Delete(kConfigMaps, {kNs, "d"}, options);
    FAIL() << "no precondition failure";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 409) << e.what();
  }
  DeleteOptions options;
  options.propagation = PropagationPolicy::kBackground;
  options.precondition_uid = Uid(cm);
  options.precondition_resource_version = ResourceVersion(cm);
  options.grace_period_seconds = 0;
  client_->Delete(kConfigMaps, {kNs, "d"}, options);
  EXPECT_FALSE(client_->Get(kConfigMaps, {kNs, "d"}).has_value());
}

TEST_F(ClientTest, DeleteCollectionBySelector) {
  for (const char* name : {"x1", "x2", "y1"}) {
    json cm = ConfigMap(name);
    SetLabel(cm, "group", std::string(name).substr(0, 1));
    client_->Create(kConfigMaps, cm);
  }
  ListOptions options = InNamespace();
  options.label_selector = "group=x";
  client_->DeleteCollection(kConfigMaps, options);
  const json left = client_->List(kConfigMaps, InNamespace());
  ASSERT_EQ(left["items"].size(), 1u);
  EXPECT_EQ(Name(left["items"][0]), "y1");
}

TEST_F(ClientTest, ListPaginatesAcross5000Objects) {
  constexpr int kObjects = 5000;
  constexpr int kThreads = 8;
  {
    std::vector<std::jthread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([this, t] {
        for (int i = t; i < kObjects; i += kThreads) {
          client_->Create(kConfigMaps, ConfigMap("cm-" + std::to_string(i), {{"i", "x"}}));
        }
      });
    }
  }
  std::mutex mutex;
  std::vector<RequestRecord> records;
  HttpClient counting(config_, {.qps = 0, .observer = [&](const RequestRecord& r) {
                                  std::lock_guard lock(mutex);
                                  records.push_back(r);
                                }});
  ListOptions options;
  options.ns = kNs;
  options.limit = 500;
  const json list = counting.List(kConfigMaps, options);
  ASSERT_EQ(list["items"].size(), static_cast<size_t>(kObjects));
  EXPECT_EQ(list["kind"], "ConfigMapList");
  EXPECT_FALSE(list["metadata"].contains("continue"));
  EXPECT_FALSE(ResourceVersion(list).empty());
  std::set<std::string> names;
  for (const json& item : list["items"]) {
    names.insert(Name(item));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kObjects));
  ASSERT_EQ(records.size(), static_cast<size_t>(kObjects / 500));
  for (const RequestRecord& r : records) {
    EXPECT_EQ(r.verb, "LIST");
    EXPECT_EQ(r.resource, "configmaps");
    EXPECT_EQ(r.code, 200);
  }
}

TEST_F(ClientTest, ListBySelectors) {
  for (const char* name : {"a", "b"}) {
    json cm = ConfigMap(name);
    SetLabel(cm, "app", name);
    client_->Create(kConfigMaps, cm);
  }
  ListOptions by_label;
  by_label.ns = kNs;
  by_label.label_selector = "app in (b)";
  const json labelled = client_->List(kConfigMaps, by_label);
  ASSERT_EQ(labelled["items"].size(), 1u);
  EXPECT_EQ(Name(labelled["items"][0]), "b");
  ListOptions by_field;
  by_field.field_selector = "metadata.name=a,metadata.namespace=" + std::string(kNs);
  const json fielded = client_->List(kConfigMaps, by_field);
  ASSERT_EQ(fielded["items"].size(), 1u);
  EXPECT_EQ(Name(fielded["items"][0]), "a");
}

TEST_F(ClientTest, GetPathServesDiscovery) {
  const auto apis = client_->GetPath("/apis");
  ASSERT_TRUE(apis.has_value());
  EXPECT_EQ((*apis)["kind"], "APIGroupList");
  EXPECT_FALSE(client_->GetPath("/apis/nope.example.com/v1").has_value());
}

TEST_F(ClientTest, WrongTokenIsUnauthorized) {
  RestConfig bad = config_;
  bad.bearer_token = "wrong";
  HttpClient client(bad, {.qps = 0});
  try {
    (void)client.Get(kConfigMaps, {kNs, "x"});
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 401);
    EXPECT_EQ(e.code(), ErrorCode::kInfraUnauthorized);
    EXPECT_EQ(std::string(e.what()).find("wrong"), std::string::npos) << e.what();
  }
}

TEST_F(ClientTest, TlsVerificationIsOnByDefault) {
  RestConfig untrusted = config_;
  untrusted.ca_pem.clear();  // system trust store: does not know the emulator's CA
  HttpClient client(untrusted, {.qps = 0, .max_attempts = 1});
  try {
    (void)client.Get(kConfigMaps, {kNs, "x"});
    FAIL() << "an untrusted server was accepted";
  } catch (const ApiError&) {
    FAIL() << "an untrusted server answered";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kRetryableInfraDependencies) << e.what();
  }
  untrusted.insecure_skip_tls_verify = true;
  HttpClient insecure(untrusted, {.qps = 0});
  EXPECT_FALSE(insecure.Get(kConfigMaps, {kNs, "x"}).has_value());
}

}  // namespace
}  // namespace gpuext::kube::testing
