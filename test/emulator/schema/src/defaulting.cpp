// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// apiextensions-apiserver's structural defaulting (schema/defaulting/algorithm.go).

#include <string>
#include <vector>

#include "mutation.h"

namespace gpuext::emulator::schema::internal {
namespace {

using nlohmann::json;

bool IsNonNullableNull(const json& value, const Node* schema) {
  return value.is_null() && schema != nullptr && !schema->nullable;
}

void DefaultObject(json& object, const Node& node) {
  for (const auto& [name, property] : node.properties) {
    if (!property->default_value) {
      continue;
    }
    const auto it = object.find(name);
    if (it == object.end() || IsNonNullableNull(*it, property.get())) {
      object[name] = *property->default_value;
    }
  }
  for (auto& [key, value] : object.items()) {
    if (const auto it = node.properties.find(key); it != node.properties.end()) {
      ApplyDefaults(value, *it->second);
    } else if (const Node* additional = node.additional_properties.get(); additional != nullptr) {
      if (IsNonNullableNull(value, additional) && additional->default_value) {
        value = *additional->default_value;
      }
      ApplyDefaults(value, *additional);
    }
  }
}

}  // namespace

void ApplyDefaults(json& value, const Node& node) {
  if (value.is_object()) {
    DefaultObject(value, node);
  } else if (value.is_array() && node.items != nullptr) {
    for (json& item : value) {
      if (IsNonNullableNull(item, node.items.get()) && node.items->default_value) {
        item = *node.items->default_value;
      }
      ApplyDefaults(item, *node.items);
    }
  }
}

}  // namespace gpuext::emulator::schema::internal
