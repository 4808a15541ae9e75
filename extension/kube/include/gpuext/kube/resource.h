// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// How objects are addressed: group/version/resource (+ scope) and namespace/name.
//
//   const kube::Resource kConfigMaps{"", "v1", "configmaps"};
//   client.Get(kConfigMaps, {"kube-system", "cluster-info"});

#include <string>

namespace gpuext::kube {

struct Resource {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, lower case: "configmaps"
  bool namespaced = true;

  // "configmaps" or "leases.coordination.k8s.io" (as kubectl names them; for logs and metrics).
  [[nodiscard]] std::string String() const {
    return group.empty() ? resource : resource + "." + group;
  }
  // "v1" or "coordination.k8s.io/v1".
  [[nodiscard]] std::string ApiVersion() const {
    return group.empty() ? version : group + "/" + version;
  }
  friend bool operator==(const Resource&, const Resource&) = default;
};

struct ObjectKey {
  std::string ns = {};  // empty for cluster-scoped objects
  std::string name = {};

  // "ns/name" or "name", the workqueue and cache key format of client-go.
  [[nodiscard]] std::string String() const { return ns.empty() ? name : ns + "/" + name; }
  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
  friend auto operator<=>(const ObjectKey&, const ObjectKey&) = default;
};

}  // namespace gpuext::kube
