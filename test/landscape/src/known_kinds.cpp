// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/landscape/known_kinds.h"

#include <algorithm>

#include "gpuext/error.h"

namespace gpuext::landscape {
namespace {

KnownKind Kind(std::string kind, const std::string& api_version, std::string plural,
               bool namespaced) {
  const auto slash = api_version.find('/');
  const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  const std::string version =
      slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  return {std::move(kind), api_version, {group, version, std::move(plural), namespaced}};
}

}  // namespace

const std::vector<KnownKind>& KnownKinds() {
  static const std::vector<KnownKind> kinds = [] {
    std::vector<KnownKind> out = {
        Kind("ClusterPolicy", "nvidia.com/v1", "clusterpolicies", false),
        Kind("ClusterRole", "rbac.authorization.k8s.io/v1", "clusterroles", false),
        Kind("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebindings", false),
        Kind("ConfigMap", "v1", "configmaps", true),
        Kind("CustomResourceDefinition", "apiextensions.k8s.io/v1", "customresourcedefinitions",
             false),
        Kind("DaemonSet", "apps/v1", "daemonsets", true),
        Kind("Deployment", "apps/v1", "deployments", true),
        Kind("NVIDIADriver", "nvidia.com/v1alpha1", "nvidiadrivers", false),
        Kind("Namespace", "v1", "namespaces", false),
        Kind("NetworkPolicy", "networking.k8s.io/v1", "networkpolicies", true),
        Kind("NodeFeatureRule", "nfd.k8s-sigs.io/v1alpha1", "nodefeaturerules", false),
        Kind("PersistentVolumeClaim", "v1", "persistentvolumeclaims", true),
        Kind("PodDisruptionBudget", "policy/v1", "poddisruptionbudgets", true),
        Kind("PriorityClass", "scheduling.k8s.io/v1", "priorityclasses", false),
        Kind("ResourceQuota", "v1", "resourcequotas", true),
        Kind("Role", "rbac.authorization.k8s.io/v1", "roles", true),
        Kind("RoleBinding", "rbac.authorization.k8s.io/v1", "rolebindings", true),
        Kind("RuntimeClass", "node.k8s.io/v1", "runtimeclasses", false),
        Kind("Secret", "v1", "secrets", true),
        Kind("Service", "v1", "services", true),
        Kind("ServiceAccount", "v1", "serviceaccounts", true),
        Kind("StatefulSet", "apps/v1", "statefulsets", true),
    };
    return out;
  }();
  return kinds;
}

kube::Resource ResolveKnownKind(const std::string& api_version, const std::string& kind) {
  const std::vector<KnownKind>& kinds = KnownKinds();
  const auto it = std::find_if(kinds.begin(), kinds.end(), [&](const KnownKind& k) {
    return k.kind == kind && k.api_version == api_version;
  });
  if (it == kinds.end()) {
    throw Error(ErrorCode::kNotFound, "no resource known for " + api_version + " " + kind);
  }
  return it->resource;
}

}  // namespace gpuext::landscape
