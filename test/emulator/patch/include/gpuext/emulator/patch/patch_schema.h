// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Patch metadata for the kinds kube-emulator serves: which lists merge by key, which merge as sets
// of primitives, and which are replaced whole. It plays the role of the `patchStrategy` and
// `patchMergeKey` struct tags of k8s.io/api, which kube-apiserver reads by reflection.
//
//   const PatchSchema* schema = PatchSchema::ForKind("apps", "Deployment");
//   const PatchField* f = schema->Find("spec.template.spec.containers");  // kMergeByKey on "name"
//
// Field paths name fields only and look through list items: the env of any container of a
// Deployment is "spec.template.spec.containers.env". A path the schema does not know is a plain
// field: maps merge, lists are replaced.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gpuext::emulator::patch {

// How a write merges one field.
enum class FieldStrategy {
  // A list of objects merged item by item, matching items on `merge_key`
  // (patchStrategy=merge + patchMergeKey; listType=map for server-side apply).
  kMergeByKey,
  // A list of primitives merged as a set (patchStrategy=merge without a key; listType=set),
  // such as metadata.finalizers.
  kMergeSet,
  // A list replaced as a whole (no patch tags; listType=atomic). The default for unknown lists;
  // listed explicitly where the table documents a list that was checked and has no strategy.
  kReplace,
  // A map merged key by key: the default for maps, listed only to record `retain_keys`
  // (apps/v1 DeploymentSpec.strategy).
  kMergeMap,
  // A map that strategic merge patch merges key by key but server-side apply owns as one value
  // (structType=atomic, as every metav1.LabelSelector is).
  kAtomicMap,
};

// The patch metadata of one field path. Value type.
struct PatchField {
  std::string path;  // "spec.template.spec.containers"
  FieldStrategy strategy = FieldStrategy::kReplace;
  std::string merge_key;     // set for kMergeByKey only: "name"
  bool retain_keys = false;  // patchStrategy also names retainKeys
};

// The patch metadata of one kind. Immutable after construction, so safe for concurrent use.
class PatchSchema {
 public:
  // Builds a schema from explicit entries, for kinds the built-in table lacks (a server may build
  // one from a CRD's x-kubernetes-list-type/x-kubernetes-list-map-keys). A later entry for the same
  // path replaces an earlier one. Throws gpuext::Error(kInvalidArgument) for a kMergeByKey entry
  // without a merge key.
  explicit PatchSchema(std::vector<PatchField> fields);

  // The built-in kinds the emulator serves that support strategic merge patch: core/v1 Pod,
  // Service, ConfigMap, Secret, Namespace, Node, ServiceAccount, Endpoints, Event, ResourceQuota;
  // apps/v1 Deployment, DaemonSet, StatefulSet; batch/v1 Job; rbac Role/ClusterRole/RoleBinding/
  // ClusterRoleBinding; coordination Lease; node.k8s.io RuntimeClass; admissionregistration
  // Mutating/ValidatingWebhookConfiguration; also events.k8s.io Event, discovery.k8s.io
  // EndpointSlice and apiextensions.k8s.io CustomResourceDefinition. `group` is the API group as
  // in a GroupVersionKind: "" for core, "apps", "rbac.authorization.k8s.io", ...
  // Returns nullptr for anything else (custom resources: the server answers 415 as
  // kube-apiserver does). The returned schema lives for the whole program.
  [[nodiscard]] static const PatchSchema* ForKind(std::string_view group, std::string_view kind);

  // Returns the entry for a field path, or nullptr when the path has no metadata.
  [[nodiscard]] const PatchField* Find(std::string_view path) const;

  // Every entry, ordered by path.
  [[nodiscard]] std::vector<PatchField> fields() const;

 private:
  std::map<std::string, PatchField, std::less<>> fields_;
};

// Joins a parent field path and a field name: JoinPath("spec", "containers") == "spec.containers",
// JoinPath("", "spec") == "spec".
[[nodiscard]] std::string JoinPath(std::string_view parent, std::string_view field);

}  // namespace gpuext::emulator::patch
