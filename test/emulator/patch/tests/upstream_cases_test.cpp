// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// Cases whose expected results come from real Kubernetes, not from this code: the raw
// apply-to-current tables of k8s.io/apimachinery's strategicpatch tests (mergingList is keyed by
// name, mergingIntList is a set), the kubectl patch and server-side apply pages of the Kubernetes
// documentation, and conflict messages as kube-apiserver prints them.

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/emulator/patch/server_side_apply.h"
#include "gpuext/emulator/patch/strategic_merge.h"

namespace gpuext::emulator::patch {
namespace {

using nlohmann::json;

// The merge metadata of upstream's test struct (MergeItem).
const PatchSchema& UpstreamTestSchema() {
  static const PatchSchema schema({
      {.path = "mergingList",
       .strategy = FieldStrategy::kMergeByKey,
       .merge_key = "name",
       .retain_keys = false},
      {.path = "mergingIntList",
       .strategy = FieldStrategy::kMergeSet,
       .merge_key = "",
       .retain_keys = false},
      {.path = "nonMergingList",
       .strategy = FieldStrategy::kReplace,
       .merge_key = "",
       .retain_keys = false},
  });
  return schema;
}

struct PatchCase {
  std::string name;
  std::string current;
  std::string patch;
  std::string result;
};

TEST(UpstreamStrategicMergeTest, MatchesApimachineryTables) {
  const std::vector<PatchCase> cases = {
      {"add map and delete map from merging list",
       R"({"mergingList":[{"name":1},{"name":2,"other":"b"},{"name":4,"other":"c"}]})",
       R"({"$setElementOrder/mergingList":[{"name":2},{"name":3}],
           "mergingList":[{"name":3},{"name":1,"$patch":"delete"}]})",
       R"({"mergingList":[{"name":2,"other":"b"},{"name":4,"other":"c"},{"name":3}]})"},
      {"add and delete an item in a list and preserve order",
       R"({"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"},{"name":3,"value":3}]})",
       R"({"$setElementOrder/mergingList":[{"name":4},{"name":2},{"name":1}],
           "mergingList":[{"name":4,"value":4},{"name":3,"$patch":"delete"}]})",
       R"({"mergingList":[{"name":4,"value":4},{"name":2,"value":2,"other":"b"},{"name":1,"other":"a"}]})"},
      {"add an item in a list and preserve order",
       R"({"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"}]})",
       R"({"$setElementOrder/mergingList":[{"name":3},{"name":1},{"name":2}],
           "mergingList":[{"name":3,"value":3}]})",
       R"({"mergingList":[{"name":3,"value":3},{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"}]})"},
      {"add map to merging list by pointer",
       R"({"mergingList":[{"name":1,"other":"a"},{"name":3}]})",
       R"({"$setElementOrder/mergingList":[{"name":1},{"name":2}],"mergingList":[{"name":2}]})",
       R"({"mergingList":[{"name":1,"other":"a"},{"name":2},{"name":3}]})"},
      {"set elements order in a list with server-only items",
       R"({"mergingList":[{"name":1,"other":"a"},{"name":3,"value":3},{"name":4,"value":4},{"name":2,"value":2},{"name":9}]})",
       R"({"$setElementOrder/mergingList":[{"name":4},{"name":2},{"name":3},{"name":1}]})",
       R"({"mergingList":[{"name":4,"value":4},{"name":2,"value":2},{"name":3,"value":3},{"name":1,"other":"a"},{"name":9}]})"},
      {"set elements order in a list with server-only items 2",
       R"({"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2},{"name":9},{"name":3,"value":3},{"name":4,"value":4}]})",
       R"({"$setElementOrder/mergingList":[{"name":2},{"name":1},{"name":4},{"name":3}]})",
       R"({"mergingList":[{"name":2,"value":2},{"name":1,"other":"a"},{"name":9},{"name":4,"value":4},{"name":3,"value":3}]})"},
      {"set elements order in a list with server-only items 3",
       R"({"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2},{"name":7},{"name":9},{"name":8},{"name":3,"value":3},{"name":4,"value":4}]})",
       R"({"$setElementOrder/mergingList":[{"name":2},{"name":1},{"name":4},{"name":3}]})",
       R"({"mergingList":[{"name":2,"value":2},{"name":1,"other":"a"},{"name":7},{"name":9},{"name":8},{"name":4,"value":4},{"name":3,"value":3}]})"},
      {"add and delete items in lists of scalars", R"({"mergingIntList":[1,2,3,4]})",
       R"({"$setElementOrder/mergingIntList":[1,2,4],"$deleteFromPrimitiveList/mergingIntList":[3]})",
       R"({"mergingIntList":[1,2,4]})"},
      {"$deleteFromPrimitiveList of nonexistent item in primitive list",
       R"({"mergingIntList":[1,2]})", R"({"$deleteFromPrimitiveList/mergingIntList":[3]})",
       R"({"mergingIntList":[1,2]})"},
      {"$setElementOrder contains item that is not present in the int list",
       R"({"mergingIntList":[1,3]})", R"({"$setElementOrder/mergingIntList":[3,2,1]})",
       R"({"mergingIntList":[3,1]})"},
      {"replace list of scalars", R"({"nonMergingList":[1,2]})", R"({"nonMergingList":[2,3]})",
       R"({"nonMergingList":[2,3]})"},
  };
  for (const PatchCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(
        StrategicMergePatch(json::parse(c.current), json::parse(c.patch), UpstreamTestSchema()),
        json::parse(c.result));
  }
}

// "Update API Objects in Place Using kubectl patch" (kubernetes.io task page): the patched
// Deployment lists the new redis container before nginx, and tolerations are replaced.
TEST(UpstreamStrategicMergeTest, MatchesKubectlPatchDocumentation) {
  const json deployment = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"patch-demo"},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"nginx"}},
      "template":{"metadata":{"labels":{"app":"nginx"}},
        "spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx"}],
                "tolerations":[{"effect":"NoSchedule","key":"dedicated","value":"test-team"}]}}}})");
  const PatchSchema& schema = *PatchSchema::ForKind("apps", "Deployment");

  const json containers = StrategicMergePatch(
      deployment,
      json::parse(
          R"({"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-2","image":"redis"}]}}}})"),
      schema);
  EXPECT_EQ(
      containers["spec"]["template"]["spec"]["containers"],
      json::parse(
          R"([{"name":"patch-demo-ctr-2","image":"redis"},{"name":"patch-demo-ctr","image":"nginx"}])"));

  const json tolerations = StrategicMergePatch(
      containers,
      json::parse(
          R"({"spec":{"template":{"spec":{"tolerations":[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]}}}})"),
      schema);
  EXPECT_EQ(tolerations["spec"]["template"]["spec"]["tolerations"],
            json::parse(R"([{"effect":"NoSchedule","key":"disktype","value":"ssd"}])"));
  EXPECT_EQ(tolerations["spec"]["template"]["spec"]["containers"].size(), 2U);
}

// "Server-Side Apply" (kubernetes.io reference page): the managedFields of an applied ConfigMap.
TEST(UpstreamServerSideApplyTest, MatchesDocumentedManagedFields) {
  const json applied = json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
    "metadata":{"name":"test-cm","namespace":"default","labels":{"test-label":"test"}},
    "data":{"key":"some value"}})");
  const json got = ServerSideApply(nullptr, applied, "kubectl", false,
                                   PatchSchema::ForKind("", "ConfigMap"), "2010-10-10T00:00:00Z");
  EXPECT_EQ(got["metadata"]["managedFields"], json::parse(R"([{
    "manager": "kubectl", "operation": "Apply", "apiVersion": "v1",
    "time": "2010-10-10T00:00:00Z", "fieldsType": "FieldsV1",
    "fieldsV1": {"f:metadata": {"f:labels": {"f:test-label": {}}}, "f:data": {"f:key": {}}}}])"));
  EXPECT_EQ(got["data"], applied["data"]);
}

// The conflict kubectl users meet when switching a Deployment from client-side to server-side
// apply with a new image.
TEST(UpstreamServerSideApplyTest, MatchesClientSideApplyConflictMessage) {
  const json live = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"nginx","namespace":"default","managedFields":[{
      "manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1",
      "time":"2026-08-20T10:00:00Z","fieldsType":"FieldsV1",
      "fieldsV1":{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{
        ".":{},"f:image":{},"f:name":{}}}}}}}}]},
    "spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.14.2"}]}}}})");
  const json applied = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"nginx","namespace":"default"},
    "spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.16.1"}]}}}})");
  try {
    (void)ServerSideApply(&live, applied, "kubectl", false,
                          PatchSchema::ForKind("apps", "Deployment"), "2026-08-21T10:00:00Z");
    FAIL() << "no conflict";
  } catch (const ApplyConflict& e) {
    EXPECT_STREQ(e.what(),
                 "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using "
                 "apps/v1: .spec.template.spec.containers[name=\"nginx\"].image");
  }
}

}  // namespace
}  // namespace gpuext::emulator::patch
