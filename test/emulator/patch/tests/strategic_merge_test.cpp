// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// StrategicMergePatch: plain merging, every merge key of the built-in table, and every directive.
// Expected results are written from kube-apiserver's semantics, not produced by this code.

#include "gpuext/emulator/patch/strategic_merge.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gpuext::emulator::patch {
namespace {

using nlohmann::json;

struct Case {
  std::string name;
  std::string group;
  std::string kind;
  std::string original;
  std::string patch;
  std::string want;
};

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const PatchSchema* schema = PatchSchema::ForKind(c.group, c.kind);
    ASSERT_NE(schema, nullptr);
    const json got = StrategicMergePatch(json::parse(c.original), json::parse(c.patch), *schema);
    EXPECT_EQ(got, json::parse(c.want)) << got.dump();
  }
}

TEST(StrategicMergePatchTest, MergesMapsAndDeletesWithNull) {
  RunCases({
      {"maps merge recursively", "apps", "Deployment",
       R"({"metadata":{"labels":{"a":"1"}},"spec":{"replicas":1}})",
       R"({"metadata":{"labels":{"b":"2"}}})",
       R"({"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"replicas":1}})"},
      {"null deletes a field and leaves the emptied map", "apps", "Deployment",
       R"({"metadata":{"labels":{"a":"1"}}})", R"({"metadata":{"labels":{"a":null}}})",
       R"({"metadata":{"labels":{}}})"},
      {"null for an absent field is dropped", "apps", "Deployment", R"({"spec":{"replicas":1}})",
       R"({"spec":{"paused":null}})", R"({"spec":{"replicas":1}})"},
      {"scalars are replaced", "apps", "Deployment", R"({"spec":{"replicas":1}})",
       R"({"spec":{"replicas":3}})", R"({"spec":{"replicas":3}})"},
      {"a value of another type replaces", "", "ConfigMap",
       R"({"metadata":{"annotations":{"a":"1"}}})", R"({"metadata":{"annotations":"x"}})",
       R"({"metadata":{"annotations":"x"}})"},
      {"a new subtree loses its nulls", "apps", "Deployment", R"({"spec":{}})",
       R"({"spec":{"template":{"metadata":{"labels":{"a":"1","b":null}}}}})",
       R"({"spec":{"template":{"metadata":{"labels":{"a":"1"}}}}})"},
      {"a new subtree loses maps carrying $patch", "apps", "Deployment", R"({"spec":{}})",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"a","$patch":"delete"},{"name":"b"}]}}}})",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"b"}]}}}})"},
      {"null patch changes nothing", "", "Secret", R"({"data":{"k":"dg=="}})", "null",
       R"({"data":{"k":"dg=="}})"},
      {"null inside a merged list item deletes its field", "", "Pod",
       R"({"spec":{"containers":[{"name":"a","image":"x","command":["c"]}]}})",
       R"({"spec":{"containers":[{"name":"a","command":null}]}})",
       R"({"spec":{"containers":[{"name":"a","image":"x"}]}})"},
  });
}

TEST(StrategicMergePatchTest, MergesListsByTheirMergeKeys) {
  RunCases({
      {"containers by name", "", "Pod",
       R"({"spec":{"containers":[{"name":"a","image":"a1"},{"name":"b","image":"b1"}]}})",
       R"({"spec":{"containers":[{"name":"b","image":"b2"}]}})",
       R"({"spec":{"containers":[{"name":"a","image":"a1"},{"name":"b","image":"b2"}]}})"},
      {"a container the live list lacks goes first", "", "Pod",
       R"({"spec":{"containers":[{"name":"a","image":"a1"}]}})",
       R"({"spec":{"containers":[{"name":"c","image":"c1"}]}})",
       R"({"spec":{"containers":[{"name":"c","image":"c1"},{"name":"a","image":"a1"}]}})"},
      {"initContainers by name", "", "Pod",
       R"({"spec":{"initContainers":[{"name":"i","image":"x","args":["a"]}]}})",
       R"({"spec":{"initContainers":[{"name":"i","image":"y"}]}})",
       R"({"spec":{"initContainers":[{"name":"i","image":"y","args":["a"]}]}})"},
      {"ephemeralContainers by name", "", "Pod",
       R"({"spec":{"ephemeralContainers":[{"name":"debug","image":"busybox"}]}})",
       R"({"spec":{"ephemeralContainers":[{"name":"debug","tty":true}]}})",
       R"({"spec":{"ephemeralContainers":[{"name":"debug","image":"busybox","tty":true}]}})"},
      {"Deployment template env by name", "apps", "Deployment",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"x","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}}}})",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"3"}]}]}}}})",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"x","env":[{"name":"A","value":"1"},{"name":"B","value":"3"}]}]}}}})"},
      {"Job template containers by name", "batch", "Job",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"run","image":"x"}]}}}})",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"run","image":"y"}]}}}})",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"run","image":"y"}]}}}})"},
      {"volumes by name", "apps", "DaemonSet",
       R"({"spec":{"template":{"spec":{"volumes":[{"name":"a","emptyDir":{}},{"name":"b","hostPath":{"path":"/b"}}]}}}})",
       R"({"spec":{"template":{"spec":{"volumes":[{"name":"b","hostPath":{"type":"Directory"}}]}}}})",
       R"({"spec":{"template":{"spec":{"volumes":[{"name":"a","emptyDir":{}},{"name":"b","hostPath":{"path":"/b","type":"Directory"}}]}}}})"},
      {"volumeMounts by mountPath", "", "Pod",
       R"({"spec":{"containers":[{"name":"c","volumeMounts":[{"mountPath":"/a","name":"v1"},{"mountPath":"/b","name":"v2"}]}]}})",
       R"({"spec":{"containers":[{"name":"c","volumeMounts":[{"mountPath":"/b","name":"v3"}]}]}})",
       R"({"spec":{"containers":[{"name":"c","volumeMounts":[{"mountPath":"/a","name":"v1"},{"mountPath":"/b","name":"v3"}]}]}})"},
      {"volumeDevices by devicePath", "", "Pod",
       R"({"spec":{"containers":[{"name":"c","volumeDevices":[{"devicePath":"/dev/a","name":"v1"}]}]}})",
       R"({"spec":{"containers":[{"name":"c","volumeDevices":[{"devicePath":"/dev/a","name":"v2"}]}]}})",
       R"({"spec":{"containers":[{"name":"c","volumeDevices":[{"devicePath":"/dev/a","name":"v2"}]}]}})"},
      {"container ports by containerPort", "", "Pod",
       R"({"spec":{"containers":[{"name":"c","ports":[{"containerPort":80,"name":"http"},{"containerPort":443,"name":"https"}]}]}})",
       R"({"spec":{"containers":[{"name":"c","ports":[{"containerPort":443,"name":"tls"}]}]}})",
       R"({"spec":{"containers":[{"name":"c","ports":[{"containerPort":80,"name":"http"},{"containerPort":443,"name":"tls"}]}]}})"},
      {"Service ports by port", "", "Service",
       R"({"spec":{"ports":[{"port":80,"targetPort":8080,"name":"http"}]}})",
       R"({"spec":{"ports":[{"port":80,"targetPort":9090}]}})",
       R"({"spec":{"ports":[{"port":80,"targetPort":9090,"name":"http"}]}})"},
      {"imagePullSecrets by name", "", "Pod", R"({"spec":{"imagePullSecrets":[{"name":"a"}]}})",
       R"({"spec":{"imagePullSecrets":[{"name":"b"}]}})",
       R"({"spec":{"imagePullSecrets":[{"name":"b"},{"name":"a"}]}})"},
      {"hostAliases by ip, their hostnames replaced", "", "Pod",
       R"({"spec":{"hostAliases":[{"ip":"10.0.0.1","hostnames":["a"]},{"ip":"10.0.0.2","hostnames":["b"]}]}})",
       R"({"spec":{"hostAliases":[{"ip":"10.0.0.1","hostnames":["c"]}]}})",
       R"({"spec":{"hostAliases":[{"ip":"10.0.0.1","hostnames":["c"]},{"ip":"10.0.0.2","hostnames":["b"]}]}})"},
      {"topologySpreadConstraints by topologyKey", "apps", "Deployment",
       R"({"spec":{"template":{"spec":{"topologySpreadConstraints":[{"topologyKey":"zone","maxSkew":1}]}}}})",
       R"({"spec":{"template":{"spec":{"topologySpreadConstraints":[{"topologyKey":"zone","maxSkew":2}]}}}})",
       R"({"spec":{"template":{"spec":{"topologySpreadConstraints":[{"topologyKey":"zone","maxSkew":2}]}}}})"},
      {"tolerations are replaced", "", "Pod",
       R"({"spec":{"tolerations":[{"key":"a","operator":"Exists"}]}})",
       R"({"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}})",
       R"({"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}})"},
      {"ownerReferences by uid", "", "ConfigMap",
       R"({"metadata":{"ownerReferences":[{"uid":"u1","name":"a","kind":"K","apiVersion":"v1"},{"uid":"u2","name":"b","kind":"K","apiVersion":"v1"}]}})",
       R"({"metadata":{"ownerReferences":[{"uid":"u2","controller":true}]}})",
       R"({"metadata":{"ownerReferences":[{"uid":"u1","name":"a","kind":"K","apiVersion":"v1"},{"uid":"u2","name":"b","kind":"K","apiVersion":"v1","controller":true}]}})"},
      {"finalizers merge as a set, new ones first", "", "Namespace",
       R"({"metadata":{"finalizers":["a","b"]}})", R"({"metadata":{"finalizers":["c","a"]}})",
       R"({"metadata":{"finalizers":["c","a","b"]}})"},
      {"finalizers already present are not repeated", "", "Secret",
       R"({"metadata":{"finalizers":["a","b"]}})", R"({"metadata":{"finalizers":["b"]}})",
       R"({"metadata":{"finalizers":["a","b"]}})"},
      {"node conditions by type", "", "Node",
       R"({"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"MemoryPressure","status":"False"}]}})",
       R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})",
       R"({"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"MemoryPressure","status":"False"}]}})"},
      {"node addresses by type", "", "Node",
       R"({"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n1"}]}})",
       R"({"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.2"}]}})",
       R"({"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.2"},{"type":"Hostname","address":"n1"}]}})"},
      {"pod status conditions by type", "", "Pod",
       R"({"status":{"conditions":[{"type":"PodScheduled","status":"True"}]}})",
       R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})",
       R"({"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]}})"},
      {"webhooks by name", "admissionregistration.k8s.io", "ValidatingWebhookConfiguration",
       R"({"webhooks":[{"name":"a.example.com","failurePolicy":"Fail"},{"name":"b.example.com","failurePolicy":"Fail"}]})",
       R"({"webhooks":[{"name":"a.example.com","failurePolicy":"Ignore"}]})",
       R"({"webhooks":[{"name":"a.example.com","failurePolicy":"Ignore"},{"name":"b.example.com","failurePolicy":"Fail"}]})"},
      {"subjects are replaced", "rbac.authorization.k8s.io", "RoleBinding",
       R"({"subjects":[{"kind":"User","name":"a"}]})",
       R"({"subjects":[{"kind":"User","name":"b"}]})",
       R"({"subjects":[{"kind":"User","name":"b"}]})"},
      {"lists the schema does not know are replaced", "", "Pod",
       R"({"spec":{"containers":[{"name":"a","args":["x","y"]}]}})",
       R"({"spec":{"containers":[{"name":"a","args":["z"]}]}})",
       R"({"spec":{"containers":[{"name":"a","args":["z"]}]}})"},
  });
}

TEST(StrategicMergePatchTest, AppliesDirectives) {
  RunCases({
      {"$patch: replace on a map", "", "ConfigMap", R"({"metadata":{"labels":{"a":"1","b":"2"}}})",
       R"({"metadata":{"labels":{"$patch":"replace","c":"3"}}})",
       R"({"metadata":{"labels":{"c":"3"}}})"},
      {"$patch: delete on a map leaves it empty", "", "ConfigMap",
       R"({"metadata":{"labels":{"a":"1"}}})", R"({"metadata":{"labels":{"$patch":"delete"}}})",
       R"({"metadata":{"labels":{}}})"},
      {"$patch: replace on the whole object", "", "ConfigMap",
       R"({"metadata":{"name":"x","labels":{"a":"1"}},"data":{"k":"v"}})",
       R"({"$patch":"replace","metadata":{"name":"x"}})", R"({"metadata":{"name":"x"}})"},
      {"$patch: replace in a list", "", "Pod",
       R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})",
       R"({"spec":{"containers":[{"name":"c","image":"c"},{"$patch":"replace"}]}})",
       R"({"spec":{"containers":[{"name":"c","image":"c"}]}})"},
      {"$patch: delete on a list item", "", "Pod",
       R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})",
       R"({"spec":{"containers":[{"name":"a","$patch":"delete"}]}})",
       R"({"spec":{"containers":[{"name":"b"}]}})"},
      {"$deleteFromPrimitiveList removes set items", "", "ConfigMap",
       R"({"metadata":{"finalizers":["a","b","c"]}})",
       R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["b","x"]}})",
       R"({"metadata":{"finalizers":["a","c"]}})"},
      {"$deleteFromPrimitiveList for an absent list adds nothing", "", "ConfigMap",
       R"({"metadata":{"name":"x"}})",
       R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}})",
       R"({"metadata":{"name":"x"}})"},
      {"$setElementOrder reorders the live list", "", "Pod",
       R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})",
       R"({"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}]}})",
       R"({"spec":{"containers":[{"name":"b"},{"name":"a"}]}})"},
      {"$setElementOrder places a new item", "", "Pod",
       R"({"spec":{"containers":[{"name":"a","image":"a"}]}})",
       R"({"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"c"}],"containers":[{"name":"c","image":"c"}]}})",
       R"({"spec":{"containers":[{"name":"a","image":"a"},{"name":"c","image":"c"}]}})"},
      {"$setElementOrder on a set of primitives", "", "Namespace",
       R"({"metadata":{"finalizers":["a","b"]}})",
       R"({"metadata":{"$setElementOrder/finalizers":["b","c","a"],"finalizers":["c"]}})",
       R"({"metadata":{"finalizers":["b","c","a"]}})"},
      {"$retainKeys drops the keys it does not list", "apps", "Deployment",
       R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})",
       R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})",
       R"({"spec":{"strategy":{"type":"Recreate"}}})"},
      {"$retainKeys inside a volume", "", "Pod",
       R"({"spec":{"volumes":[{"name":"v","emptyDir":{}}]}})",
       R"({"spec":{"volumes":[{"name":"v","$retainKeys":["hostPath","name"],"hostPath":{"path":"/x"}}]}})",
       R"({"spec":{"volumes":[{"name":"v","hostPath":{"path":"/x"}}]}})"},
      {"directive keys never reach a replaced list", "", "Pod",
       R"({"spec":{"tolerations":[{"key":"a"}]}})",
       R"({"spec":{"tolerations":[{"key":"b","$patch":"delete","value":null}]}})",
       R"({"spec":{"tolerations":[{"key":"b"}]}})"},
  });
}

TEST(StrategicMergePatchTest, DoesNotModifyItsInputs) {
  const json original = json::parse(
      R"({"metadata":{"finalizers":["a"],"labels":{"x":"1"}},"spec":{"containers":[{"name":"a","image":"1"},{"name":"b"}]}})");
  const json patch = json::parse(
      R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"labels":{"x":null}},"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"a","image":"2"}]}})");
  const json original_copy = original;
  const json patch_copy = patch;
  const json got = StrategicMergePatch(original, patch, *PatchSchema::ForKind("", "Pod"));
  EXPECT_EQ(original, original_copy);
  EXPECT_EQ(patch, patch_copy);
  EXPECT_EQ(
      got,
      json::parse(
          R"({"metadata":{"finalizers":[],"labels":{}},"spec":{"containers":[{"name":"b"},{"name":"a","image":"2"}]}})"));
}

}  // namespace
}  // namespace gpuext::emulator::patch
