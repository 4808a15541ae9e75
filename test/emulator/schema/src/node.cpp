// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "node.h"

#include <algorithm>

#include "render.h"

namespace gpuext::emulator::schema::internal {

using nlohmann::json;

namespace {

bool NumberEquals(const json& a, const json& b) {
  if (IsGoInt(a) && IsGoInt(b)) {
    return a.get<int64_t>() == b.get<int64_t>();
  }
  return a.get<double>() == b.get<double>();
}

// A list-type set or map list: same size, every element has an equal counterpart.
bool UnorderedListEquals(const Node& list, const json& a, const json& b) {
  if (a.size() != b.size()) {
    return false;
  }
  const Node* items = list.items.get();
  for (const json& element : a) {
    const json* counterpart = nullptr;
    if (list.list_type == "map") {
      counterpart = CorrelateListItem(list, &b, element);
    } else {
      const auto it = std::find_if(b.begin(), b.end(), [&](const json& other) {
        return ValueEquals(items, element, other);
      });
      counterpart = it == b.end() ? nullptr : &*it;
    }
    if (counterpart == nullptr || !ValueEquals(items, element, *counterpart)) {
      return false;
    }
  }
  return true;
}

bool ArrayEquals(const Node* schema, const json& a, const json& b) {
  if (schema != nullptr && (schema->list_type == "set" || schema->list_type == "map")) {
    return UnorderedListEquals(*schema, a, b);
  }
  if (a.size() != b.size()) {
    return false;
  }
  const Node* items = schema == nullptr ? nullptr : schema->items.get();
  for (size_t i = 0; i < a.size(); ++i) {
    if (!ValueEquals(items, a[i], b[i])) {
      return false;
    }
  }
  return true;
}

bool ObjectEquals(const Node* schema, const json& a, const json& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (const auto& [key, value] : a.items()) {
    const auto it = b.find(key);
    const Node* child = schema == nullptr ? nullptr : ChildSchema(*schema, key);
    if (it == b.end() || !ValueEquals(child, value, *it)) {
      return false;
    }
  }
  return true;
}

}  // namespace

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
      if (a != item.end() && !ValueEquals(nullptr, *a, *b)) {
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

bool ValueEquals(const Node* schema, const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    return NumberEquals(a, b);
  }
  if (a.type() != b.type()) {
    return false;
  }
  if (a.is_array()) {
    return ArrayEquals(schema, a, b);
  }
  if (a.is_object()) {
    return ObjectEquals(schema, a, b);
  }
  return a == b;
}

}  // namespace gpuext::emulator::schema::internal
