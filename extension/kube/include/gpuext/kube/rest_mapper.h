// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// RestMapper: which resource serves a kind, found through API discovery and cached.
//
//   RestMapper mapper(client);
//   Resource r = mapper.ResourceFor("apps/v1", "Deployment");   // {apps, v1, deployments, true}
//
// Each group version's resource list (GET /api/v1 or /apis/<group>/<version>) is fetched on
// first use and cached; a kind missing from the cache refreshes its group version once (a CRD
// may have been installed since), then throws Error(kNotFound). Safe for concurrent use.

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/kube/resource.h"

namespace gpuext::kube {

class HttpClient;

class RestMapper {
 public:
  // `client` must outlive the mapper.
  explicit RestMapper(HttpClient& client);

  // The resource for `kind` in `api_version` ("v1", "apps/v1"). Throws Error(kNotFound) when
  // the group version or the kind is unknown to the server even after a refresh.
  [[nodiscard]] Resource ResourceFor(std::string_view api_version, std::string_view kind);

  // Every group version the server serves ("v1", "apps/v1", ...) from GET /api and /apis.
  [[nodiscard]] std::vector<std::string> GroupVersions();

  // Drops the whole cache (the next lookups rediscover).
  void Reset();

 private:
  // Fetches one group version's resources; false when the server does not serve it.
  bool RefreshLocked(const std::string& api_version);

  HttpClient& client_;
  std::mutex mutex_;  // guards cache_
  // apiVersion → kind → resource (top-level resources only; subresources are skipped).
  std::map<std::string, std::map<std::string, Resource>, std::less<>> cache_;
};

}  // namespace gpuext::kube
