// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/testing/fake_client.h"

#include <stop_token>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpuext/kube/api_error.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::kube::testing {
namespace {

using nlohmann::json;

const Resource kConfigMaps{"", "v1", "configmaps"};
const Resource kWidgets{"example.com", "v1", "widgets"};
const Resource kNodes{"", "v1", "nodes", false};

json ConfigMap(const std::string& ns, const std::string& name, json data = json::object(),
               json labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"namespace", ns}, {"name", name}, {"labels", labels}}},
          {"data", data}};
}

std::string Rv(const json& obj) { return obj["metadata"]["resourceVersion"].get<std::string>(); }

TEST(FakeClientTest, CreateSetsIdentityAndBumpsResourceVersion) {
  gpuext::testing::FakeClock clock;
  FakeClient client({.clock = &clock});
  const json a = client.Create(kConfigMaps, ConfigMap("ns", "a"));
  const json b = client.Create(kConfigMaps, ConfigMap("ns", "b"));
  EXPECT_FALSE(a["metadata"]["uid"].get<std::string>().empty());
  EXPECT_NE(a["metadata"]["uid"], b["metadata"]["uid"]);
  EXPECT_EQ(a["metadata"]["creationTimestamp"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(a["metadata"]["generation"], 1);
  EXPECT_LT(std::stoll(Rv(a)), std::stoll(Rv(b)));
  EXPECT_EQ(client.CurrentResourceVersion(), Rv(b));
  EXPECT_EQ(client.Get(kConfigMaps, {"ns", "a"}), a);
  EXPECT_EQ(client.Get(kConfigMaps, {"ns", "missing"}), std::nullopt);
}

TEST(FakeClientTest, CreateOfExistingNameIsAlreadyExists) {
  FakeClient client;
  client.Create(kConfigMaps, ConfigMap("ns", "a"));
  try {
    client.Create(kConfigMaps, ConfigMap("ns", "a"));
    FAIL() << "expected AlreadyExists";
  } catch (const ApiError& e) {
    EXPECT_TRUE(IsAlreadyExists(e)) << e.what();
    EXPECT_EQ(e.http_status(), 409);
  }
}

TEST(FakeClientTest, GenerateNameGivesAUniqueName) {
  FakeClient client;
  json obj = ConfigMap("ns", "");
  obj["metadata"].erase("name");
  obj["metadata"]["generateName"] = "gen-";
  const json a = client.Create(kConfigMaps, obj);
  const json b = client.Create(kConfigMaps, obj);
  EXPECT_TRUE(a["metadata"]["name"].get<std::string>().starts_with("gen-"));
  EXPECT_NE(a["metadata"]["name"], b["metadata"]["name"]);
}

TEST(FakeClientTest, StaleUpdateIsConflictAndFreshUpdateWins) {
  FakeClient client;
  const json created = client.Create(kConfigMaps, ConfigMap("ns", "a", {{"k", "1"}}));
  json first = created;
  first["data"]["k"] = "2";
  const json updated = client.Update(kConfigMaps, first);
  EXPECT_NE(Rv(updated), Rv(created));

  json stale = created;
  stale["data"]["k"] = "3";
  EXPECT_THROW(
      {
        try {
          client.Update(kConfigMaps, stale);
        } catch (const ApiError& e) {
          EXPECT_TRUE(IsConflict(e));
          throw;
        }
      },
      ApiError);
  EXPECT_EQ(client.Get(kConfigMaps, {"ns", "a"})->at("data")["k"], "2");

  // An empty resourceVersion is an unconditional update.
  stale["metadata"].erase("resourceVersion");
  EXPECT_EQ(client.Update(kConfigMaps, stale)["data"]["k"], "3");
}

TEST(FakeClientTest, UpdateOfAbsentObjectIsNotFound) {
  FakeClient client;
  try {
    client.Update(kConfigMaps, ConfigMap("ns", "a"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_TRUE(IsNotFound(e));
  }
}

TEST(FakeClientTest, NoOpUpdateKeepsResourceVersion) {
  FakeClient client;
  const json created = client.Create(kConfigMaps, ConfigMap("ns", "a", {{"k", "1"}}));
  EXPECT_EQ(Rv(client.Update(kConfigMaps, created)), Rv(created));
}

TEST(FakeClientTest, GenerationBumpsOnSpecChangesOnly) {
  FakeClient client;
  json w = client.Create(
      kWidgets, {{"metadata", {{"namespace", "ns"}, {"name", "w"}}}, {"spec", {{"size", 1}}}});
  w["metadata"]["labels"] = {{"a", "b"}};
  w = client.Update(kWidgets, w);
  EXPECT_EQ(w["metadata"]["generation"], 1);
  w["spec"]["size"] = 2;
  w = client.Update(kWidgets, w);
  EXPECT_EQ(w["metadata"]["generation"], 2);
  w["status"] = {{"ready", true}};
  w = client.Update(kWidgets, w, Subresource::kStatus);
  EXPECT_EQ(w["metadata"]["generation"], 2);
}

TEST(FakeClientTest, StatusIsKeptApartFromTheMainResource) {
  FakeClient client;
  json w = client.Create(kWidgets, {{"metadata", {{"namespace", "ns"}, {"name", "w"}}},
                                    {"spec", {{"size", 1}}},
                                    {"status", {{"phase", "ignored on create"}}}});
  EXPECT_FALSE(w.contains("status"));

  w["status"] = {{"phase", "Ready"}};
  w["spec"]["size"] = 5;
  w = client.Update(kWidgets, w, Subresource::kStatus);
  EXPECT_EQ(w["status"]["phase"], "Ready");
  EXPECT_EQ(w["spec"]["size"], 1) << "a status write changes only the status";

  w["status"] = {{"phase", "Broken"}};
  w["spec"]["size"] = 7;
  w = client.Update(kWidgets, w);
  EXPECT_EQ(w["status"]["phase"], "Ready") << "a main write keeps the stored status";
  EXPECT_EQ(w["spec"]["size"], 7);

  w = client.Patch(kWidgets, {"ns", "w"}, PatchType::kMerge, {{"status", {{"phase", "Gone"}}}});
  EXPECT_EQ(w["status"]["phase"], "Ready");
  w = client.Patch(kWidgets, {"ns", "w"}, PatchType::kMerge, {{"status", {{"phase", "Done"}}}},
                   Subresource::kStatus);
  EXPECT_EQ(w["status"]["phase"], "Done");
}

TEST(FakeClientTest, ResourcesWithoutStatusSubresourceWriteStatusDirectly) {
  FakeClient client({.without_status_subresource = {kWidgets}});
  json w = client.Create(
      kWidgets, {{"metadata", {{"namespace", "ns"}, {"name", "w"}}}, {"status", {{"phase", "A"}}}});
  EXPECT_EQ(w["status"]["phase"], "A");
  w["status"]["phase"] = "B";
  EXPECT_EQ(client.Update(kWidgets, w)["status"]["phase"], "B");
  EXPECT_THROW(client.Update(kWidgets, w, Subresource::kStatus), ApiError);
}

TEST(FakeClientTest, DeleteWithFinalizersWaitsForTheLastOne) {
  gpuext::testing::FakeClock clock;
  FakeClient client({.clock = &clock});
  json cm = ConfigMap("ns", "a");
  cm["metadata"]["finalizers"] = {"one", "two"};
  cm = client.Create(kConfigMaps, cm);

  client.Delete(kConfigMaps, {"ns", "a"});
  json deleting = *client.Get(kConfigMaps, {"ns", "a"});
  EXPECT_EQ(deleting["metadata"]["deletionTimestamp"], "2026-01-01T00:00:00Z");
  EXPECT_NE(Rv(deleting), Rv(cm));

  json added = deleting;
  added["metadata"]["finalizers"].push_back("three");
  EXPECT_THROW(client.Update(kConfigMaps, added), ApiError);

  deleting["metadata"]["finalizers"] = {"two"};
  deleting = client.Update(kConfigMaps, deleting);
  ASSERT_TRUE(client.Get(kConfigMaps, {"ns", "a"}).has_value());
  client.Patch(kConfigMaps, {"ns", "a"}, PatchType::kMerge,
               {{"metadata", {{"finalizers", nullptr}}}});
  EXPECT_FALSE(client.Get(kConfigMaps, {"ns", "a"}).has_value());
}

TEST(FakeClientTest, DeleteOfAbsentObjectSucceedsAndPreconditionsAreChecked) {
  FakeClient client;
  client.Delete(kConfigMaps, {"ns", "nothing"});
  const json cm = client.Create(kConfigMaps, ConfigMap("ns", "a"));
  EXPECT_THROW(client.Delete(kConfigMaps, {"ns", "a"}, {.precondition_uid = "other"}), ApiError);
  EXPECT_THROW(client.Delete(kConfigMaps, {"ns", "a"}, {.precondition_resource_version = "999999"}),
               ApiError);
  client.Delete(kConfigMaps, {"ns", "a"},
                {.precondition_uid = cm["metadata"]["uid"].get<std::string>()});
  EXPECT_FALSE(client.Get(kConfigMaps, {"ns", "a"}).has_value());
}

TEST(FakeClientTest, ListFiltersByNamespaceLabelsAndFields) {
  FakeClient client;
  client.Create(kConfigMaps, ConfigMap("a", "x", {}, {{"app", "gpu"}}));
  client.Create(kConfigMaps, ConfigMap("a", "y", {}, {{"app", "other"}}));
  client.Create(kConfigMaps, ConfigMap("b", "x", {}, {{"app", "gpu"}}));
  auto names = [&](const ListOptions& options) {
    std::vector<std::string> out;
    const json list = client.List(kConfigMaps, options);
    for (const auto& item : list["items"]) {
      out.push_back(item["metadata"]["namespace"].get<std::string>() + "/" +
                    item["metadata"]["name"].get<std::string>());
    }
    return out;
  };
  EXPECT_EQ(names({}), (std::vector<std::string>{"a/x", "a/y", "b/x"}));
  EXPECT_EQ(names({.ns = "a"}), (std::vector<std::string>{"a/x", "a/y"}));
  EXPECT_EQ(names({.label_selector = "app=gpu"}), (std::vector<std::string>{"a/x", "b/x"}));
  EXPECT_EQ(names({.label_selector = "app notin (gpu)"}), (std::vector<std::string>{"a/y"}));
  EXPECT_EQ(names({.field_selector = "metadata.name=x,metadata.namespace=b"}),
            (std::vector<std::string>{"b/x"}));
  const json list = client.List(kConfigMaps, {});
  EXPECT_EQ(list["kind"], "ConfigMapList");
  EXPECT_EQ(list["metadata"]["resourceVersion"], client.CurrentResourceVersion());
  EXPECT_THROW(client.List(kConfigMaps, {.label_selector = "a in ("}), ApiError);
}

TEST(FakeClientTest, DeleteCollectionDeletesWhatMatches) {
  FakeClient client;
  client.Create(kConfigMaps, ConfigMap("a", "x", {}, {{"app", "gpu"}}));
  client.Create(kConfigMaps, ConfigMap("a", "y", {}, {{"app", "other"}}));
  client.DeleteCollection(kConfigMaps, {.ns = "a", .label_selector = "app=gpu"});
  EXPECT_FALSE(client.Get(kConfigMaps, {"a", "x"}));
  EXPECT_TRUE(client.Get(kConfigMaps, {"a", "y"}));
}

TEST(FakeClientTest, PatchTypes) {
  FakeClient client;
  const json cm = client.Create(kConfigMaps, ConfigMap("ns", "a", {{"k", "1"}, {"drop", "x"}}));
  json out = client.Patch(kConfigMaps, {"ns", "a"}, PatchType::kMerge,
                          {{"data", {{"k", "2"}, {"drop", nullptr}}}});
  EXPECT_EQ(out["data"], (json{{"k", "2"}}));
  out = client.Patch(kConfigMaps, {"ns", "a"}, PatchType::kJson,
                     json::array({{{"op", "add"}, {"path", "/data/j"}, {"value", "v"}}}));
  EXPECT_EQ(out["data"]["j"], "v");
  out = client.Patch(kConfigMaps, {"ns", "a"}, PatchType::kStrategic, {{"data", {{"s", "1"}}}});
  EXPECT_EQ(out["data"]["s"], "1");
  // A failing JSON patch test operation is rejected and changes nothing.
  EXPECT_THROW(client.Patch(kConfigMaps, {"ns", "a"}, PatchType::kJson,
                            json::array({{{"op", "test"}, {"path", "/data/k"}, {"value", "9"}}})),
               ApiError);
  // A merge patch carrying a stale resourceVersion is a conflict, like kube-apiserver.
  try {
    client.Patch(kConfigMaps, {"ns", "a"}, PatchType::kMerge,
                 {{"metadata", {{"resourceVersion", Rv(cm)}}}, {"data", {{"k", "x"}}}});
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_TRUE(IsConflict(e));
  }
  EXPECT_THROW(client.Patch(kConfigMaps, {"ns", "none"}, PatchType::kMerge, json::object()),
               ApiError);
  // Apply creates when absent and merges when present.
  out = client.Patch(kConfigMaps, {"ns", "applied"}, PatchType::kApply,
                     {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"data", {{"a", "1"}}}}, {},
                     {.field_manager = "test"});
  EXPECT_EQ(out["metadata"]["name"], "applied");
  out = client.Patch(kConfigMaps, {"ns", "applied"}, PatchType::kApply, {{"data", {{"b", "2"}}}},
                     {}, {.field_manager = "test"});
  EXPECT_EQ(out["data"], (json{{"a", "1"}, {"b", "2"}}));
}

TEST(FakeClientTest, ClusterScopedObjectsHaveNoNamespace) {
  FakeClient client;
  client.Create(kNodes, {{"metadata", {{"name", "n1"}, {"namespace", "ignored"}}}});
  const auto node = client.Get(kNodes, {"", "n1"});
  ASSERT_TRUE(node);
  EXPECT_FALSE((*node)["metadata"].contains("namespace"));
}

TEST(FakeClientTest, SeedKeepsStatusAndDeletionState) {
  FakeClient client;
  client.Seed(kWidgets, {{"metadata",
                          {{"namespace", "ns"},
                           {"name", "w"},
                           {"finalizers", {"f"}},
                           {"deletionTimestamp", "2025-01-01T00:00:00Z"}}},
                         {"status", {{"phase", "Seeded"}}}});
  const json w = *client.Get(kWidgets, {"ns", "w"});
  EXPECT_EQ(w["status"]["phase"], "Seeded");
  EXPECT_EQ(w["metadata"]["deletionTimestamp"], "2025-01-01T00:00:00Z");
  EXPECT_EQ(w["metadata"]["resourceVersion"], client.CurrentResourceVersion());
}

TEST(FakeClientTest, HooksInjectErrorsPerVerb) {
  FakeClient client;
  client.Create(kConfigMaps, ConfigMap("ns", "a"));
  int gets = 0;
  client.SetHook(FakeClient::Verb::kGet, [&](const FakeClient::Call& call) {
    ++gets;
    EXPECT_EQ(call.key.name, "a");
  });
  client.SetHook(FakeClient::Verb::kUpdate, [](const FakeClient::Call& call) {
    if (call.subresource == Subresource::kStatus) {
      throw ApiError(500, "InternalError", "injected");
    }
  });
  EXPECT_TRUE(client.Get(kConfigMaps, {"ns", "a"}));
  EXPECT_EQ(gets, 1);
  json cm = *client.Get(kConfigMaps, {"ns", "a"});
  EXPECT_THROW(client.Update(kConfigMaps, cm, Subresource::kStatus), ApiError);
  cm["data"] = {{"k", "v"}};
  EXPECT_NO_THROW(client.Update(kConfigMaps, cm));
  client.SetHook(FakeClient::Verb::kUpdate, {});
  EXPECT_NO_THROW(
      client.Update(kConfigMaps, *client.Get(kConfigMaps, {"ns", "a"}), Subresource::kStatus));
}

std::vector<std::string> Drain(WatchStream& stream, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto event = stream.Next();
    if (!event) {
      out.push_back("END");
      break;
    }
    const char* names[] = {"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"};
    std::string line = names[static_cast<int>(event->type)];
    if (event->type == WatchEvent::Type::kError) {
      line += " " + std::to_string(event->object["code"].get<int>());
    } else if (event->type != WatchEvent::Type::kBookmark) {
      line += " " + event->object["metadata"]["name"].get<std::string>();
    }
    out.push_back(line);
  }
  return out;
}

TEST(FakeClientTest, WatchDeliversWritesInOrderAndResumesFromResourceVersion) {
  FakeClient client;
  const std::string start = client.CurrentResourceVersion();
  std::stop_source stop;
  auto stream = client.Watch(kConfigMaps, {.resource_version = start}, stop.get_token());
  json a = client.Create(kConfigMaps, ConfigMap("ns", "a"));
  a["data"] = {{"k", "v"}};
  a = client.Update(kConfigMaps, a);
  client.Delete(kConfigMaps, {"ns", "a"});
  EXPECT_EQ(Drain(*stream, 3), (std::vector<std::string>{"ADDED a", "MODIFIED a", "DELETED a"}));

  // A second watch from the update's resourceVersion replays only what came after.
  auto resumed = client.Watch(kConfigMaps, {.resource_version = Rv(a)}, stop.get_token());
  EXPECT_EQ(Drain(*resumed, 1), (std::vector<std::string>{"DELETED a"}));
  stop.request_stop();
  EXPECT_EQ(stream->Next(), std::nullopt);
}

TEST(FakeClientTest, LabelSelectedWatchSeesObjectsEnterAndLeave) {
  FakeClient client;
  json a = client.Create(kConfigMaps, ConfigMap("ns", "a", {}, {{"app", "no"}}));
  std::stop_source stop;
  auto stream = client.Watch(
      kConfigMaps,
      {.label_selector = "app=gpu", .resource_version = client.CurrentResourceVersion()},
      stop.get_token());
  a["metadata"]["labels"]["app"] = "gpu";
  a = client.Update(kConfigMaps, a);
  a["data"] = {{"x", "y"}};
  a = client.Update(kConfigMaps, a);
  a["metadata"]["labels"]["app"] = "no";
  a = client.Update(kConfigMaps, a);
  EXPECT_EQ(Drain(*stream, 3), (std::vector<std::string>{"ADDED a", "MODIFIED a", "DELETED a"}));
}

TEST(FakeClientTest, WatchFromCompactedVersionIsGone) {
  FakeClient client({.watch_history = 2});
  client.Create(kConfigMaps, ConfigMap("ns", "first"));
  const std::string start = client.CurrentResourceVersion();
  for (const char* name : {"a", "b", "c"}) {
    client.Create(kConfigMaps, ConfigMap("ns", name));
  }
  std::stop_source stop;
  auto stream = client.Watch(kConfigMaps, {.resource_version = start}, stop.get_token());
  EXPECT_EQ(Drain(*stream, 2), (std::vector<std::string>{"ERROR 410", "END"}));

  FakeClient throwing({.gone_as_exception = true});
  throwing.Create(kConfigMaps, ConfigMap("ns", "first"));
  const std::string old = throwing.CurrentResourceVersion();
  throwing.Create(kConfigMaps, ConfigMap("ns", "a"));
  throwing.CompactWatchHistory();
  try {
    throwing.Watch(kConfigMaps, {.resource_version = old}, stop.get_token());
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_TRUE(IsGone(e));
  }
}

TEST(FakeClientTest, WatchFromEmptyVersionStartsWithSyntheticAdds) {
  FakeClient client;
  client.Create(kConfigMaps, ConfigMap("ns", "a"));
  std::stop_source stop;
  auto stream = client.Watch(kConfigMaps, {}, stop.get_token());
  client.Create(kConfigMaps, ConfigMap("ns", "b"));
  EXPECT_EQ(Drain(*stream, 2), (std::vector<std::string>{"ADDED a", "ADDED b"}));
}

TEST(FakeClientTest, BookmarksInjectedErrorsAndClosedWatches) {
  FakeClient client;
  std::stop_source stop;
  auto with = client.Watch(kConfigMaps, {.resource_version = "1"}, stop.get_token());
  auto without = client.Watch(
      kConfigMaps, {.resource_version = "1", .allow_watch_bookmarks = false}, stop.get_token());
  EXPECT_EQ(client.OpenWatches(kConfigMaps), 2U);
  client.SendBookmarks();
  client.InjectWatchError(kConfigMaps, 410);
  EXPECT_EQ(Drain(*with, 3), (std::vector<std::string>{"BOOKMARK", "ERROR 410", "END"}));
  EXPECT_EQ(Drain(*without, 2), (std::vector<std::string>{"ERROR 410", "END"}));
  EXPECT_EQ(client.OpenWatches(kConfigMaps), 0U);

  auto third = client.Watch(kConfigMaps, {.resource_version = "1"}, stop.get_token());
  client.CloseWatches(kConfigMaps);
  EXPECT_EQ(third->Next(), std::nullopt);
}

}  // namespace
}  // namespace gpuext::kube::testing
