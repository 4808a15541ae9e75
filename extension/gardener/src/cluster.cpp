// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/cluster.h"

#include "gpuext/error.h"

namespace gpuext::gardener {

using nlohmann::json;

namespace {

// Follows a path of object keys; null when any step is missing or not an object.
const json& At(const json& root, std::initializer_list<const char*> path) {
  static const json kNull;
  const json* node = &root;
  for (const char* key : path) {
    if (!node->is_object()) {
      return kNull;
    }
    const auto it = node->find(key);
    if (it == node->end()) {
      return kNull;
    }
    node = &*it;
  }
  return *node;
}

std::string StringAt(const json& root, std::initializer_list<const char*> path) {
  const json& value = At(root, path);
  return value.is_string() ? value.get<std::string>() : std::string();
}

}  // namespace

Cluster Cluster::FromObject(const json& cluster) {
  Cluster result;
  result.name_ = StringAt(cluster, {"metadata", "name"});
  const json& shoot = At(cluster, {"spec", "shoot"});
  if (!shoot.is_object()) {
    throw Error(ErrorCode::kInvalidArgument,
                "Cluster " + result.name_ + ": spec.shoot: Required value: gardenlet writes the " +
                    "Shoot here; the Cluster object is incomplete");
  }
  const json& profile = At(cluster, {"spec", "cloudProfile"});
  if (!profile.is_object()) {
    throw Error(ErrorCode::kInvalidArgument,
                "Cluster " + result.name_ +
                    ": spec.cloudProfile: Required value: gardenlet writes the CloudProfile " +
                    "here; the Cluster object is incomplete");
  }
  result.shoot_ = shoot;
  result.cloud_profile_ = profile;
  if (const json& seed = At(cluster, {"spec", "seed"}); seed.is_object()) {
    result.seed_ = seed;
  }
  return result;
}

std::vector<json> Cluster::Pools() const {
  const json& workers = At(shoot_, {"spec", "provider", "workers"});
  if (!workers.is_array()) {
    return {};
  }
  return {workers.begin(), workers.end()};
}

std::optional<json> Cluster::PoolByName(std::string_view name) const {
  for (const json& pool : Pools()) {
    if (StringAt(pool, {"name"}) == name) {
      return pool;
    }
  }
  return std::nullopt;
}

std::optional<json> Cluster::ExtensionOfType(std::string_view type) const {
  const json& extensions = At(shoot_, {"spec", "extensions"});
  if (!extensions.is_array()) {
    return std::nullopt;
  }
  for (const json& extension : extensions) {
    if (StringAt(extension, {"type"}) == type && At(extension, {"disabled"}) != true) {
      return extension;
    }
  }
  return std::nullopt;
}

bool Cluster::IsHibernated() const {
  return At(shoot_, {"spec", "hibernation", "enabled"}) == true;
}

bool Cluster::IsBeingDeleted() const {
  return !At(shoot_, {"metadata", "deletionTimestamp"}).is_null();
}

bool Cluster::IsFailed() const {
  return StringAt(shoot_, {"status", "lastOperation", "state"}) == "Failed";
}

bool Cluster::IsMigrating() const {
  return StringAt(shoot_, {"status", "lastOperation", "type"}) == "Migrate";
}

std::string Cluster::TechnicalID() const {
  std::string id = StringAt(shoot_, {"status", "technicalID"});
  return id.empty() ? name_ : id;
}

std::string Cluster::KubernetesVersion() const {
  return StringAt(shoot_, {"spec", "kubernetes", "version"});
}

std::optional<std::string> Cluster::ReferencedResourceSecretName(std::string_view name) const {
  const json& resources = At(shoot_, {"spec", "resources"});
  if (!resources.is_array()) {
    return std::nullopt;
  }
  for (const json& resource : resources) {
    if (StringAt(resource, {"name"}) == name) {
      const std::string target = StringAt(resource, {"resourceRef", "name"});
      if (target.empty()) {
        return std::nullopt;
      }
      return "ref-" + target;
    }
  }
  return std::nullopt;
}

}  // namespace gpuext::gardener
