// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "gpuext/emulator/patch/patch_schema.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"

namespace gpuext::emulator::patch {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(PatchSchemaTest, ServesEveryBuiltinKindThatSupportsStrategicMerge) {
  struct Case {
    std::string group;
    std::string kind;
  };
  const std::vector<Case> cases = {
      {"", "Pod"},
      {"", "Service"},
      {"", "ConfigMap"},
      {"", "Secret"},
      {"", "Namespace"},
      {"", "Node"},
      {"", "ServiceAccount"},
      {"", "Endpoints"},
      {"", "Event"},
      {"", "ResourceQuota"},
      {"apps", "Deployment"},
      {"apps", "DaemonSet"},
      {"apps", "StatefulSet"},
      {"batch", "Job"},
      {"rbac.authorization.k8s.io", "Role"},
      {"rbac.authorization.k8s.io", "ClusterRole"},
      {"rbac.authorization.k8s.io", "RoleBinding"},
      {"rbac.authorization.k8s.io", "ClusterRoleBinding"},
      {"coordination.k8s.io", "Lease"},
      {"node.k8s.io", "RuntimeClass"},
      {"admissionregistration.k8s.io", "MutatingWebhookConfiguration"},
      {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"},
      {"events.k8s.io", "Event"},
      {"discovery.k8s.io", "EndpointSlice"},
      {"apiextensions.k8s.io", "CustomResourceDefinition"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.group + "/" + c.kind);
    const PatchSchema* schema = PatchSchema::ForKind(c.group, c.kind);
    ASSERT_NE(schema, nullptr);
    // Every built-in kind carries metav1.ObjectMeta.
    const PatchField* finalizers = schema->Find("metadata.finalizers");
    ASSERT_NE(finalizers, nullptr);
    EXPECT_EQ(finalizers->strategy, FieldStrategy::kMergeSet);
    EXPECT_EQ(schema, PatchSchema::ForKind(c.group, c.kind)) << "schemas are built once";
  }
}

TEST(PatchSchemaTest, ReturnsNullForKindsWithoutStrategicMerge) {
  struct Case {
    std::string name;
    std::string group;
    std::string kind;
  };
  const std::vector<Case> cases = {
      {"custom resource", "core.gardener.cloud", "Shoot"}, {"unknown core kind", "", "Widget"},
      {"known kind in the wrong group", "apps", "Pod"},    {"group spelled as core", "core", "Pod"},
      {"kind is case sensitive", "apps", "deployment"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(PatchSchema::ForKind(c.group, c.kind), nullptr);
  }
}

// Expected values are the patchStrategy/patchMergeKey tags of k8s.io/api.
TEST(PatchSchemaTest, CarriesUpstreamMergeKeys) {
  struct Case {
    std::string group;
    std::string kind;
    std::string path;
    FieldStrategy strategy;
    std::string merge_key;
    bool retain_keys = false;
  };
  using S = FieldStrategy;
  const std::vector<Case> cases = {
      {"", "Pod", "spec.containers", S::kMergeByKey, "name"},
      {"", "Pod", "spec.initContainers", S::kMergeByKey, "name"},
      {"", "Pod", "spec.ephemeralContainers", S::kMergeByKey, "name"},
      {"", "Pod", "spec.containers.env", S::kMergeByKey, "name"},
      {"", "Pod", "spec.initContainers.env", S::kMergeByKey, "name"},
      {"", "Pod", "spec.containers.volumeMounts", S::kMergeByKey, "mountPath"},
      {"", "Pod", "spec.ephemeralContainers.volumeMounts", S::kMergeByKey, "mountPath"},
      {"", "Pod", "spec.containers.volumeDevices", S::kMergeByKey, "devicePath"},
      {"", "Pod", "spec.containers.ports", S::kMergeByKey, "containerPort"},
      {"", "Pod", "spec.volumes", S::kMergeByKey, "name", true},
      {"", "Pod", "spec.imagePullSecrets", S::kMergeByKey, "name"},
      {"", "Pod", "spec.hostAliases", S::kMergeByKey, "ip"},
      {"", "Pod", "spec.topologySpreadConstraints", S::kMergeByKey, "topologyKey"},
      {"", "Pod", "spec.tolerations", S::kReplace, ""},
      {"", "Pod", "status.conditions", S::kMergeByKey, "type"},
      {"", "Pod", "status.podIPs", S::kMergeByKey, "ip"},
      {"", "Pod", "metadata.ownerReferences", S::kMergeByKey, "uid"},
      {"", "Pod", "metadata.finalizers", S::kMergeSet, ""},
      {"", "Service", "spec.ports", S::kMergeByKey, "port"},
      {"", "Node", "status.conditions", S::kMergeByKey, "type"},
      {"", "Node", "status.addresses", S::kMergeByKey, "type"},
      {"", "Node", "spec.podCIDRs", S::kMergeSet, ""},
      {"", "Node", "spec.taints", S::kReplace, ""},
      {"", "ServiceAccount", "secrets", S::kMergeByKey, "name"},
      {"apps", "Deployment", "spec.template.spec.containers", S::kMergeByKey, "name"},
      {"apps", "Deployment", "spec.template.spec.containers.env", S::kMergeByKey, "name"},
      {"apps", "Deployment", "spec.template.metadata.finalizers", S::kMergeSet, ""},
      {"apps", "Deployment", "spec.strategy", S::kMergeMap, "", true},
      {"apps", "Deployment", "spec.selector", S::kAtomicMap, ""},
      {"apps", "Deployment", "status.conditions", S::kMergeByKey, "type"},
      {"apps", "DaemonSet", "spec.template.spec.volumes", S::kMergeByKey, "name", true},
      {"apps", "StatefulSet", "spec.volumeClaimTemplates", S::kReplace, ""},
      {"batch", "Job", "spec.template.spec.initContainers.volumeMounts", S::kMergeByKey,
       "mountPath"},
      {"rbac.authorization.k8s.io", "RoleBinding", "subjects", S::kReplace, ""},
      {"rbac.authorization.k8s.io", "ClusterRole", "rules", S::kReplace, ""},
      {"admissionregistration.k8s.io", "MutatingWebhookConfiguration", "webhooks", S::kMergeByKey,
       "name"},
      {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration", "webhooks", S::kMergeByKey,
       "name"},
      {"node.k8s.io", "RuntimeClass", "scheduling.tolerations", S::kReplace, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.kind + " " + c.path);
    const PatchSchema* schema = PatchSchema::ForKind(c.group, c.kind);
    ASSERT_NE(schema, nullptr);
    const PatchField* field = schema->Find(c.path);
    ASSERT_NE(field, nullptr);
    EXPECT_EQ(field->path, c.path);
    EXPECT_EQ(field->strategy, c.strategy);
    EXPECT_EQ(field->merge_key, c.merge_key);
    EXPECT_EQ(field->retain_keys, c.retain_keys);
  }
}

TEST(PatchSchemaTest, HasNoEntryForPlainFields) {
  const PatchSchema* schema = PatchSchema::ForKind("apps", "Deployment");
  ASSERT_NE(schema, nullptr);
  for (const char* path : {"spec.replicas", "spec.template.spec.containers.args", "metadata.labels",
                           "spec.containers", "containers"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(schema->Find(path), nullptr);
  }
}

TEST(PatchSchemaTest, BuildsFromExplicitEntriesWithLaterEntriesWinning) {
  const PatchSchema schema({
      {.path = "spec.items",
       .strategy = FieldStrategy::kReplace,
       .merge_key = "",
       .retain_keys = false},
      {.path = "spec.items",
       .strategy = FieldStrategy::kMergeByKey,
       .merge_key = "id",
       .retain_keys = false},
  });
  const PatchField* field = schema.Find("spec.items");
  ASSERT_NE(field, nullptr);
  EXPECT_EQ(field->strategy, FieldStrategy::kMergeByKey);
  EXPECT_EQ(field->merge_key, "id");
  EXPECT_EQ(schema.fields().size(), 1U);
}

TEST(PatchSchemaTest, RejectsMergeByKeyWithoutKey) {
  EXPECT_THAT(
      [] {
        PatchSchema schema({{.path = "spec.items",
                             .strategy = FieldStrategy::kMergeByKey,
                             .merge_key = "",
                             .retain_keys = false}});
      },
      ThrowsMessage<Error>(HasSubstr("field spec.items merges by key but names no merge key")));
}

TEST(JoinPathTest, JoinsWithDots) {
  EXPECT_EQ(JoinPath("", "spec"), "spec");
  EXPECT_EQ(JoinPath("spec", "containers"), "spec.containers");
  EXPECT_EQ(JoinPath("spec.template", "spec"), "spec.template.spec");
}

}  // namespace
}  // namespace gpuext::emulator::patch
