// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// ServerSideApply: creation, pruning, shared ownership, conflicts, force and managedFields.
// Expected objects are written out by hand from structured-merge-diff's semantics.

#include "gpuext/emulator/patch/server_side_apply.h"

#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apply_fixtures.h"
#include "gpuext/error.h"

namespace gpuext::emulator::patch {
namespace {

using nlohmann::json;
using testing::Deployment;
using testing::DeploymentSchema;
using testing::Entry;
using testing::kDeploymentFields;
using testing::kT0;
using testing::kT1;
using testing::kT2;
using ::testing::ThrowsMessage;
using testing::WithManagedFields;

struct ApplyCase {
  std::string name;
  std::optional<json> live;
  json applied;
  std::string manager;
  bool force = false;
  json want;
};

void RunApplyCases(const std::vector<ApplyCase>& cases, const PatchSchema* schema) {
  for (const ApplyCase& c : cases) {
    SCOPED_TRACE(c.name);
    const json got =
        ServerSideApply(c.live ? &*c.live : nullptr, c.applied, c.manager, c.force, schema, kT2);
    EXPECT_EQ(got, c.want) << got.dump(2);
  }
}

TEST(ServerSideApplyTest, CreatesAndPrunes) {
  json without_labels_and_replicas = Deployment();
  without_labels_and_replicas["metadata"].erase("labels");
  without_labels_and_replicas["spec"].erase("replicas");
  const json created =
      WithManagedFields(Deployment(), {Entry("kubectl", "Apply", kT1, kDeploymentFields)});

  json pruned = Deployment();
  pruned["metadata"].erase("labels");
  pruned["spec"].erase("replicas");
  pruned =
      WithManagedFields(pruned, {Entry("kubectl", "Apply", kT2, R"({"f:spec": {"f:selector": {},
        "f:template": {"f:metadata": {"f:labels": {"f:app": {}}},
          "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})")});

  json two_containers = Deployment();
  two_containers["spec"]["template"]["spec"]["containers"].push_back(
      {{"name", "extra"}, {"image", "busybox"}});
  const json live_two = WithManagedFields(two_containers, {Entry("kubectl", "Apply", kT1, R"({
      "f:spec": {"f:template": {"f:spec": {"f:containers": {
        "k:{\"name\":\"app\"}": {".": {}, "f:image": {}, "f:name": {}},
        "k:{\"name\":\"extra\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})")});
  json one_container = json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
      "metadata": {"name": "web", "namespace": "default"},
      "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:1"}]}}}})");

  RunApplyCases(
      {
          {"create records the applied fields", std::nullopt, Deployment(), "kubectl", false,
           WithManagedFields(Deployment(), {Entry("kubectl", "Apply", kT2, kDeploymentFields)})},
          {"a field applied before and omitted now is removed, emptied maps with it", created,
           without_labels_and_replicas, "kubectl", false, pruned},
          {"a list item applied before and omitted now is removed", live_two, one_container,
           "kubectl", false, WithManagedFields(Deployment(), {Entry("kubectl", "Apply", kT2, R"({
             "f:spec": {"f:template": {"f:spec": {"f:containers": {
               "k:{\"name\":\"app\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})")})},
          {"re-applying the same configuration changes nothing, time included", created,
           Deployment(), "kubectl", false, created},
      },
      DeploymentSchema());
}

TEST(ServerSideApplyTest, KeepsWhatOtherManagersOwn) {
  json live_object = Deployment();
  live_object["spec"]["paused"] = true;
  const json live = WithManagedFields(
      live_object,
      {Entry("kubectl", "Apply", kT1, kDeploymentFields),
       Entry("other", "Apply", kT0, R"({"f:spec": {"f:paused": {}, "f:replicas": {}}})")});
  json applied = Deployment();
  applied["spec"].erase("replicas");
  applied["metadata"].erase("labels");

  json want = live_object;
  want["metadata"].erase("labels");
  want = WithManagedFields(
      want, {Entry("other", "Apply", kT0, R"({"f:spec": {"f:paused": {}, "f:replicas": {}}})"),
             Entry("kubectl", "Apply", kT2, R"({"f:spec": {"f:selector": {},
               "f:template": {"f:metadata": {"f:labels": {"f:app": {}}},
                 "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})")});

  // An injected sidecar owned by an Update manager survives the applier's own list changes.
  json with_sidecar = Deployment();
  with_sidecar["spec"]["template"]["spec"]["containers"].push_back(
      {{"name", "sidecar"}, {"image", "envoy"}});
  const char* sidecar_fields = R"({"f:spec": {"f:template": {"f:spec": {"f:containers": {
      "k:{\"name\":\"sidecar\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})";
  const json live_sidecar =
      WithManagedFields(with_sidecar, {Entry("injector", "Update", kT0, sidecar_fields),
                                       Entry("kubectl", "Apply", kT1, kDeploymentFields)});
  json new_image = Deployment();
  new_image["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2";
  json want_sidecar = with_sidecar;
  want_sidecar["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2";
  want_sidecar =
      WithManagedFields(want_sidecar, {Entry("kubectl", "Apply", kT2, kDeploymentFields),
                                       Entry("injector", "Update", kT0, sidecar_fields)});

  // Applying the value another manager set shares the field instead of conflicting.
  json replicas_by_other = Deployment();
  const json live_shared = WithManagedFields(
      replicas_by_other, {Entry("other", "Apply", kT0, R"({"f:spec": {"f:replicas": {}}})")});

  RunApplyCases(
      {
          {"a field another manager owns stays when the applier drops it", live, applied, "kubectl",
           false, want},
          {"items another manager owns stay in a keyed list", live_sidecar, new_image, "kubectl",
           false, want_sidecar},
          {"the same value is shared, not a conflict", live_shared, Deployment(), "kubectl", false,
           WithManagedFields(Deployment(),
                             {Entry("other", "Apply", kT0, R"({"f:spec": {"f:replicas": {}}})"),
                              Entry("kubectl", "Apply", kT2, kDeploymentFields)})},
      },
      DeploymentSchema());
}

TEST(ServerSideApplyTest, ReportsConflictsLikeKubeApiserver) {
  struct ConflictCase {
    std::string name;
    json live;
    std::string message;
    std::vector<std::string> fields;
    std::vector<std::string> cause_messages;
  };
  json live_replicas = Deployment();
  live_replicas["spec"]["replicas"] = 5;
  json live_many = live_replicas;
  live_many["metadata"]["labels"]["app"] = "old";
  live_many["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:0";
  const std::vector<ConflictCase> cases = {
      {"another Apply manager",
       WithManagedFields(live_replicas,
                         {Entry("other", "Apply", kT0, R"({"f:spec": {"f:replicas": {}}})")}),
       R"(Apply failed with 1 conflict: conflict with "other": .spec.replicas)",
       {".spec.replicas"},
       {R"(conflict with "other")"}},
      {"an Update manager is named with its apiVersion",
       WithManagedFields(live_replicas, {Entry("kube-controller-manager", "Update", kT0,
                                               R"({"f:spec": {"f:replicas": {}}})")}),
       R"(Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas)",
       {".spec.replicas"},
       {R"(conflict with "kube-controller-manager" using apps/v1)"}},
      {"several managers are listed in order",
       WithManagedFields(
           live_many, {Entry("beta", "Update", kT0, R"({"f:metadata": {"f:labels": {"f:app": {}}},
              "f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {"f:image": {}}}}}}})"),
                       Entry("alpha", "Apply", kT0, R"({"f:spec": {"f:replicas": {}}})")}),
       "Apply failed with 3 conflicts: conflicts with \"alpha\":\n"
       "- .spec.replicas\n"
       "conflicts with \"beta\" using apps/v1:\n"
       "- .metadata.labels.app\n"
       "- .spec.template.spec.containers[name=\"app\"].image",
       {".spec.replicas", ".metadata.labels.app",
        R"(.spec.template.spec.containers[name="app"].image)"},
       {R"(conflict with "alpha")", R"(conflict with "beta" using apps/v1)",
        R"(conflict with "beta" using apps/v1)"}},
  };
  for (const ConflictCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::optional<ApplyConflict> caught;
    try {
      (void)ServerSideApply(&c.live, Deployment(), "kubectl", false, DeploymentSchema(), kT2);
    } catch (const ApplyConflict& e) {
      caught = e;
    }
    ASSERT_TRUE(caught.has_value()) << "no conflict";
    EXPECT_EQ(std::string(caught->what()), c.message);
    EXPECT_EQ(caught->code(), ErrorCode::kConflict);
    EXPECT_EQ(caught->fields, c.fields);
    std::vector<std::string> messages;
    for (const ApplyConflict::Cause& cause : caught->causes) {
      messages.push_back(cause.message);
    }
    EXPECT_EQ(messages, c.cause_messages);
  }
}

TEST(ServerSideApplyTest, ForceTakesOwnership) {
  json live_object = Deployment();
  live_object["spec"]["replicas"] = 5;
  live_object["spec"]["paused"] = true;
  const json live = WithManagedFields(
      live_object,
      {Entry("other", "Apply", kT0, R"({"f:spec": {"f:paused": {}, "f:replicas": {}}})")});
  json want = Deployment();
  want["spec"]["paused"] = true;

  const json live_only_replicas = WithManagedFields(
      live_object, {Entry("hpa", "Update", kT0, R"({"f:spec": {"f:replicas": {}}})")});
  RunApplyCases(
      {
          {"the conflicting field moves to the applier", live, Deployment(), "kubectl", true,
           WithManagedFields(want, {Entry("other", "Apply", kT0, R"({"f:spec": {"f:paused": {}}})"),
                                    Entry("kubectl", "Apply", kT2, kDeploymentFields)})},
          {"a manager left with nothing disappears", live_only_replicas, Deployment(), "kubectl",
           true, WithManagedFields(want, {Entry("kubectl", "Apply", kT2, kDeploymentFields)})},
      },
      DeploymentSchema());
}

TEST(ServerSideApplyTest, MergesSetsAndTreatsListsAtomicallyWithoutSchema) {
  const json cm_live = WithManagedFields(
      json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": "c", "finalizers": ["b"]}})"),
      {Entry("other", "Update", kT0, R"({"f:metadata": {"f:finalizers": {"v:\"b\"": {}}}})")});
  const json cm_applied = json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap",
      "metadata": {"name": "c", "finalizers": ["a"]}})");
  json cm_want = json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap",
      "metadata": {"name": "c", "finalizers": ["b", "a"]}})");
  cm_want["metadata"]["managedFields"] = {
      {{"manager", "kubectl"},
       {"operation", "Apply"},
       {"apiVersion", "v1"},
       {"time", kT2},
       {"fieldsType", "FieldsV1"},
       {"fieldsV1", json::parse(R"({"f:metadata": {"f:finalizers": {"v:\"a\"": {}}}})")}},
      Entry("other", "Update", kT0, R"({"f:metadata": {"f:finalizers": {"v:\"b\"": {}}}})")};
  RunApplyCases({{"a set merges item by item", cm_live, cm_applied, "kubectl", false, cm_want}},
                PatchSchema::ForKind("", "ConfigMap"));

  RunApplyCases(
      {{"without a schema every list is one value and every map merges", std::nullopt, Deployment(),
        "kubectl", false, WithManagedFields(Deployment(), {Entry("kubectl", "Apply", kT2, R"({
               "f:metadata": {"f:labels": {"f:app": {}}},
               "f:spec": {"f:replicas": {}, "f:selector": {"f:matchLabels": {"f:app": {}}},
                          "f:template": {"f:metadata": {"f:labels": {"f:app": {}}},
                                         "f:spec": {"f:containers": {}}}}})")})}},
      nullptr);
}

TEST(ServerSideApplyTest, RefusesInvalidConfigurations) {
  struct ErrorCase {
    std::string name;
    json applied;
    std::string message;
  };
  json with_managed_fields = Deployment();
  with_managed_fields["metadata"]["managedFields"] = json::array();
  json without_key = Deployment();
  without_key["spec"]["template"]["spec"]["containers"][0].erase("name");
  json duplicate = Deployment();
  duplicate["spec"]["template"]["spec"]["containers"].push_back({{"name", "app"}, {"image", "x"}});
  const std::vector<ErrorCase> cases = {
      {"managedFields set", with_managed_fields, "metadata.managedFields must be nil"},
      {"keyed item without its key", without_key,
       "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
       ".spec.template.spec.containers: element 0: associative list with keys has an element "
       "that omits key field \"name\" (and doesn't have default value)"},
      {"two items with one key", duplicate,
       "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
       ".spec.template.spec.containers: duplicate entries for key [name=\"app\"]"},
      {"not an object", json::array(), "the applied configuration is not a JSON object"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(
        [&] {
          (void)ServerSideApply(nullptr, c.applied, "kubectl", false, DeploymentSchema(), kT2);
        },
        ThrowsMessage<Error>(::testing::StrEq(c.message)));
  }
}

}  // namespace
}  // namespace gpuext::emulator::patch
