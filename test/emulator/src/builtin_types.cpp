// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "builtin_types.h"

namespace gpuext::emulator {
namespace {

const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};

// One row of the table below; kept flat so the table reads like `kubectl api-resources`.
struct Row {
  std::string group;
  std::string version;
  std::string resource;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> short_names = {};
  bool status = false;
  bool scale = false;
  bool generation = false;
  std::vector<std::string> categories = {};
  std::vector<std::string> selectable_fields = {};
  bool create_only = false;
};

std::string Singular(const std::string& kind) {
  std::string s = kind;
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

ResourceTypePtr FromRow(const Row& r) {
  auto t = std::make_shared<ResourceType>();
  t->group = r.group;
  t->version = r.version;
  t->resource = r.resource;
  t->kind = r.kind;
  t->list_kind = r.kind + "List";
  t->singular = Singular(r.kind);
  t->short_names = r.short_names;
  t->categories = r.categories;
  t->verbs = r.create_only ? std::vector<std::string>{"create"} : kAllVerbs;
  t->namespaced = r.namespaced;
  t->status_subresource = r.status;
  t->scale_subresource = r.scale;
  t->has_generation = r.generation;
  t->create_only = r.create_only;
  t->selectable_fields = r.selectable_fields;
  t->patch_schema = patch::PatchSchema::ForKind(r.group, r.kind);
  return t;
}

}  // namespace

std::vector<ResourceTypePtr> BuiltinTypes() {
  const std::vector<std::string> all = {"all"};
  const std::vector<Row> rows = {
      // core/v1
      {"", "v1", "configmaps", "ConfigMap", true, {"cm"}},
      {"", "v1", "endpoints", "Endpoints", true, {"ep"}},
      {"",
       "v1",
       "events",
       "Event",
       true,
       {"ev"},
       false,
       false,
       false,
       {},
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}},
      {"",
       "v1",
       "namespaces",
       "Namespace",
       false,
       {"ns"},
       true,
       false,
       false,
       {},
       {"status.phase"}},
      {"", "v1", "nodes", "Node", false, {"no"}, true, false, false, {}, {"spec.unschedulable"}},
      {"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, {"pvc"}, true},
      {"",
       "v1",
       "pods",
       "Pod",
       true,
       {"po"},
       true,
       false,
       false,
       all,
       {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"}},
      {"", "v1", "resourcequotas", "ResourceQuota", true, {"quota"}, true},
      {"", "v1", "secrets", "Secret", true, {}, false, false, false, {}, {"type"}},
      {"", "v1", "serviceaccounts", "ServiceAccount", true, {"sa"}},
      {"", "v1", "services", "Service", true, {"svc"}, true, false, false, all},
      // named groups
      {"admissionregistration.k8s.io",
       "v1",
       "mutatingwebhookconfigurations",
       "MutatingWebhookConfiguration",
       false,
       {},
       false,
       false,
       true},
      {"admissionregistration.k8s.io",
       "v1",
       "validatingwebhookconfigurations",
       "ValidatingWebhookConfiguration",
       false,
       {},
       false,
       false,
       true},
      {"apiextensions.k8s.io",
       "v1",
       "customresourcedefinitions",
       "CustomResourceDefinition",
       false,
       {"crd", "crds"},
       true,
       false,
       true},
      {"apps", "v1", "daemonsets", "DaemonSet", true, {"ds"}, true, false, true, all},
      {"apps", "v1", "deployments", "Deployment", true, {"deploy"}, true, true, true, all},
      {"apps", "v1", "statefulsets", "StatefulSet", true, {"sts"}, true, true, true, all},
      {"authentication.k8s.io",
       "v1",
       "tokenreviews",
       "TokenReview",
       false,
       {},
       false,
       false,
       false,
       {},
       {},
       true},
      {"batch", "v1", "jobs", "Job", true, {}, true, false, true, all, {"status.successful"}},
      {"coordination.k8s.io", "v1", "leases", "Lease", true},
      {"discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true},
      {"events.k8s.io", "v1", "events", "Event", true, {"ev"}},
      {"networking.k8s.io",
       "v1",
       "networkpolicies",
       "NetworkPolicy",
       true,
       {"netpol"},
       false,
       false,
       true},
      {"node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false},
      {"policy",
       "v1",
       "poddisruptionbudgets",
       "PodDisruptionBudget",
       true,
       {"pdb"},
       true,
       false,
       true},
      {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false},
      {"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false},
      {"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true},
      {"rbac.authorization.k8s.io", "v1", "roles", "Role", true},
      {"scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, {"pc"}},
  };
  std::vector<ResourceTypePtr> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    out.push_back(FromRow(r));
  }
  return out;
}

}  // namespace gpuext::emulator
