// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Taking a resource URL apart as kube-apiserver's RequestInfoFactory does:
//   /api/v1/namespaces/ns/pods/name/status  → group "", version v1, ns, pods, name, status
//   /apis/apps/v1/deployments               → cluster-wide list/watch

#include <optional>
#include <string>

namespace gpuext::emulator {

struct ResourcePath {
  std::string group;
  std::string version;
  std::string ns;
  std::string resource;
  std::string name;
  std::string subresource;
  bool legacy_watch = false;  // the deprecated /watch/ prefix
};

// nullopt when the path is not a resource path (discovery and the like).
std::optional<ResourcePath> ParseResourcePath(const std::string& path);

// The verb for an HTTP method on a parsed path: get/list/watch/create/update/patch/delete/
// deletecollection; "" for an unsupported method.
std::string VerbFor(const std::string& method, const ResourcePath& path, bool watch_param);

}  // namespace gpuext::emulator
