// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/handler.h"

#include <string>
#include <utility>
#include <vector>

#include "gpuext/kube/object.h"

namespace gpuext::kube {
namespace {

using nlohmann::json;

// The group of an apiVersion: "apps/v1" → "apps", "v1" → "".
std::string GroupOf(const std::string& api_version) {
  const auto slash = api_version.find('/');
  return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
}

std::string StringAt(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

MapFunc EnqueueRequestForObject() {
  return [](const json& obj) {
    return std::vector<Request>{{.ns = Namespace(obj), .name = Name(obj)}};
  };
}

MapFunc EnqueueRequestForOwner(OwnerSelector owner) {
  return [owner = std::move(owner)](const json& obj) {
    std::vector<Request> out;
    for (const json& ref : OwnerReferences(obj)) {
      if (!ref.is_object()) {
        continue;
      }
      // Any version of the owner's group and kind, as controller-runtime compares GroupKind.
      if (StringAt(ref, "kind") != owner.kind ||
          GroupOf(StringAt(ref, "apiVersion")) != owner.group) {
        continue;
      }
      if (owner.only_controller) {
        const auto it = ref.find("controller");
        if (it == ref.end() || !it->is_boolean() || !it->get<bool>()) {
          continue;
        }
      }
      const std::string name = StringAt(ref, "name");
      if (!name.empty()) {
        out.push_back({.ns = owner.namespaced ? Namespace(obj) : std::string(), .name = name});
      }
    }
    return out;
  };
}

MapFunc EnqueueRequestsFromLabel(std::string label_key, std::optional<std::string> ns) {
  return [label_key = std::move(label_key), ns = std::move(ns)](const json& obj) {
    const auto labels = Labels(obj);
    const auto it = labels.find(label_key);
    if (it == labels.end() || it->second.empty()) {
      return std::vector<Request>{};
    }
    return std::vector<Request>{{.ns = ns.value_or(Namespace(obj)), .name = it->second}};
  };
}

}  // namespace gpuext::kube
