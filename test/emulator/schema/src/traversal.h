// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The schema-guided walk shared by the list-type, embedded-resource and CEL validators, with
// field.Path-style paths: properties "spec.x", additionalProperties "spec.labels[key]", items
// "spec.list[2]".

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "node.h"
#include "render.h"

namespace gpuext::emulator::schema::internal {

// One child value of an object or array together with its schema.
struct ChildRef {
  const Node& schema;
  const nlohmann::json& value;
  std::string path;
  std::string_view key;  // the object key; empty for array items
  bool is_item = false;
};

// Calls fn(const ChildRef&) for every child of `value` that `node` has a schema for; the root's
// metadata is skipped (the server validates ObjectMeta).
template <typename Fn>
void ForEachChild(const Node& node, const nlohmann::json& value, const std::string& path, bool root,
                  Fn&& fn) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (root && key == "metadata") {
        continue;
      }
      if (const auto it = node.properties.find(key); it != node.properties.end()) {
        fn(ChildRef{*it->second, child, ChildPath(path, key), key, false});
      } else if (node.additional_properties != nullptr) {
        fn(ChildRef{*node.additional_properties, child, KeyPath(path, key), key, false});
      }
    }
  } else if (value.is_array() && node.items != nullptr) {
    for (size_t i = 0; i < value.size(); ++i) {
      fn(ChildRef{*node.items, value[i], IndexPath(path, i), {}, true});
    }
  }
}

// The old value `child` correlates with: same key, or same list-map keys (nullptr if none).
inline const nlohmann::json* CorrelateChild(const Node& parent, const nlohmann::json* old_parent,
                                            const ChildRef& child) {
  return child.is_item ? CorrelateListItem(parent, old_parent, child.value)
                       : CorrelateKey(old_parent, child.key);
}

}  // namespace gpuext::emulator::schema::internal
