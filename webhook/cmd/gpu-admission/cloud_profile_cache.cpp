// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "cloud_profile_cache.h"

#include <nlohmann/json.hpp>

namespace gpuext::admission {

using nlohmann::json;

webhook::CloudProfileLookup CachedCloudProfileLookup(kube::Cache& cache) {
  kube::Informer& profiles = cache.GetInformer(kCloudProfiles);
  kube::Informer& namespaced = cache.GetInformer(kNamespacedCloudProfiles);
  return [&profiles, &namespaced](const webhook::CloudProfileRef& ref) -> std::optional<json> {
    if (ref.kind != "NamespacedCloudProfile") {
      const kube::ObjectPtr profile = profiles.Get({.ns = "", .name = ref.name});
      return profile ? std::optional<json>(*profile) : std::nullopt;
    }
    const kube::ObjectPtr object = namespaced.Get({.ns = ref.ns, .name = ref.name});
    if (!object) {
      return std::nullopt;
    }
    const json status = object->value("status", json::object());
    if (status.is_object() && status.contains("cloudProfileSpec")) {
      json effective = *object;
      effective["spec"] = status["cloudProfileSpec"];
      return effective;
    }
    const json parent = object->value("spec", json::object()).value("parent", json::object());
    if (parent.is_object() && parent.value("kind", "CloudProfile") == "CloudProfile") {
      const kube::ObjectPtr profile =
          profiles.Get({.ns = "", .name = parent.value("name", std::string())});
      if (profile) {
        return *profile;
      }
    }
    return *object;
  };
}

}  // namespace gpuext::admission
