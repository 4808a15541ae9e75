// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "node.h"

#include "render.h"

namespace gpuext::emulator::schema::internal {

using nlohmann::json;

const Node* ChildSchema(const Node& node, std::string_view key) {
  if (const auto it = node.properties.find(key); it != node.properties.end()) {
    return it->second.get();
  }
  return node.additional_properties.get();
}

const json* CorrelateKey(const json* old_object, std::string_view key) {
  if (old_object == nullptr || !old_object->is_object()) {
    return nullptr;
  }
  const auto it = old_object->find(key);
  return it == old_object->end() ? nullptr : &*it;
}

const json* CorrelateListItem(const Node& list, const json* old_list, const json& item) {
  if (list.list_type != "map" || old_list == nullptr || !old_list->is_array() ||
      !item.is_object()) {
    return nullptr;
  }
  const auto same_keys = [&](const json& candidate) {
    for (const std::string& key : list.list_map_keys) {
      const auto a = item.find(key);
      const auto b = candidate.find(key);
      if ((a == item.end()) != (b == candidate.end())) {
        return false;
      }
      if (a != item.end() && !JsonValueEquals(*a, *b)) {
        return false;
      }
    }
    return true;
  };
  for (const json& candidate : *old_list) {
    if (candidate.is_object() && same_keys(candidate)) {
      return &candidate;
    }
  }
  return nullptr;
}

}  // namespace gpuext::emulator::schema::internal
