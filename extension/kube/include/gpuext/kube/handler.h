// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Event mappers: which Requests an event on a watched object triggers (controller-runtime's
// handler.EventHandler implementations). A Controller applies the mapper of a watch to the
// object of every create, delete and generic event, and to both the old and the new object
// of an update (so a label or owner that changed reaches both the old and the new target).
//
//   controller.For(kShoots)                                          // the object itself
//       .Watches(kConfigMaps, EnqueueRequestForOwner({.group = "core.gardener.cloud",
//                                                     .kind = "Shoot"}))
//       .Watches(kNodes, EnqueueRequestsFromLabel("worker.gardener.cloud/pool", "garden"));
//
// Mappers are pure functions of the object; they must not block. Safe for concurrent use.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/kube/reconciler.h"

namespace gpuext::kube {

// Maps an object to the requests it triggers (none, one or several).
using MapFunc = std::function<std::vector<Request>(const nlohmann::json& obj)>;

// The object itself: {metadata.namespace, metadata.name}.
[[nodiscard]] MapFunc EnqueueRequestForObject();

struct OwnerSelector {
  std::string group = {};  // API group of the owner kind ("" for the core group); any version
  std::string kind = {};   // "Shoot"
  // Only the ownerReference with controller: true (controller-runtime's OnlyControllerOwner).
  bool only_controller = true;
  // The owner kind is namespaced: requests get the object's namespace; else "".
  bool namespaced = true;
};

// The owners of the object named by its metadata.ownerReferences that match `owner`.
[[nodiscard]] MapFunc EnqueueRequestForOwner(OwnerSelector owner);

// {ns, value of label `label_key`}: objects that point at their reconcile target by a label.
// `ns` unset: the object's own namespace. Objects without the label (or with an empty value)
// map to nothing.
[[nodiscard]] MapFunc EnqueueRequestsFromLabel(std::string label_key,
                                               std::optional<std::string> ns = std::nullopt);

}  // namespace gpuext::kube
