// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Discovery-based kind → resource mapping (client-go's DeferredDiscoveryRESTMapper, reduced to
// what controllers need: one group version at a time, refreshed once on a miss).
#include "gpuext/kube/rest_mapper.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/kube/http_client.h"

namespace gpuext::kube {

using nlohmann::json;

RestMapper::RestMapper(HttpClient& client) : client_(client) {}

bool RestMapper::RefreshLocked(const std::string& api_version) {
  const bool core = api_version.find('/') == std::string::npos;
  const std::string path = core ? "/api/" + api_version : "/apis/" + api_version;
  const std::optional<json> list = client_.GetPath(path);
  if (!list || !list->is_object()) {
    cache_.erase(api_version);
    return false;
  }
  std::string group;
  std::string version = api_version;
  if (!core) {
    group = api_version.substr(0, api_version.find('/'));
    version = api_version.substr(api_version.find('/') + 1);
  }
  std::map<std::string, Resource> kinds;
  for (const json& r : list->value("resources", json::array())) {
    if (!r.is_object()) {
      continue;
    }
    const std::string name = r.value("name", "");
    const std::string kind = r.value("kind", "");
    if (name.empty() || kind.empty() || name.find('/') != std::string::npos) {
      continue;  // subresources ("deployments/status") share the kind of their parent
    }
    kinds.emplace(kind, Resource{group, version, name, r.value("namespaced", false)});
  }
  cache_[api_version] = std::move(kinds);
  return true;
}

Resource RestMapper::ResourceFor(std::string_view api_version, std::string_view kind) {
  std::lock_guard lock(mutex_);
  const auto lookup = [&]() -> std::optional<Resource> {
    const auto gv = cache_.find(api_version);
    if (gv == cache_.end()) {
      return std::nullopt;
    }
    const auto it = gv->second.find(std::string(kind));
    return it == gv->second.end() ? std::nullopt : std::optional<Resource>(it->second);
  };
  if (auto found = lookup()) {
    return *found;
  }
  // A miss: the group version is new to us, or a CRD was added since; ask once more.
  if (!RefreshLocked(std::string(api_version))) {
    throw Error(ErrorCode::kNotFound,
                fmt::format("no API group version \"{}\" on the server", api_version));
  }
  if (auto found = lookup()) {
    return *found;
  }
  throw Error(ErrorCode::kNotFound,
              fmt::format("no resource for kind \"{}\" in \"{}\"", kind, api_version));
}

std::vector<std::string> RestMapper::GroupVersions() {
  std::vector<std::string> out;
  if (const auto core = client_.GetPath("/api")) {
    for (const json& v : core->value("versions", json::array())) {
      if (v.is_string()) {
        out.push_back(v.get<std::string>());
      }
    }
  }
  if (const auto groups = client_.GetPath("/apis")) {
    for (const json& g : groups->value("groups", json::array())) {
      for (const json& v : g.value("versions", json::array())) {
        if (v.is_object() && v.contains("groupVersion")) {
          out.push_back(v["groupVersion"].get<std::string>());
        }
      }
    }
  }
  return out;
}

void RestMapper::Reset() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

}  // namespace gpuext::kube
