// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// apiextensions-apiserver's pruning (schema/pruning/algorithm.go) with unknown-field paths, and
// PruneNonNullableNullsWithoutDefaults (schema/defaulting/prunenulls.go).

#include <algorithm>
#include <string>
#include <vector>

#include "mutation.h"
#include "render.h"

namespace gpuext::emulator::schema::internal {
namespace {

using nlohmann::json;

bool IsMetaField(std::string_view key) {
  return key == "apiVersion" || key == "kind" || key == "metadata";
}

// The schema a value under `key` is pruned with, and whether the key is known at all.
struct KeySchema {
  bool known = false;
  const Node* schema = nullptr;  // null for additionalProperties: true (everything below goes)
};

KeySchema SchemaForKey(const Node& node, std::string_view key) {
  if (const auto it = node.properties.find(key); it != node.properties.end()) {
    return {true, it->second.get()};
  }
  if (node.additional_properties != nullptr || node.additional_properties_allowed) {
    return {true, node.additional_properties.get()};
  }
  return {};
}

std::vector<std::string> Keys(const json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) {
    keys.push_back(item.key());
  }
  return keys;
}

class Pruner {
 public:
  // `embedded` is true for the root and x-kubernetes-embedded-resource objects: their
  // apiVersion, kind and metadata stay untouched.
  void Prune(json& value, const Node* schema, const std::string& path, bool embedded) {
    if (schema != nullptr && schema->preserve_unknown_fields) {
      SkipPrune(value, *schema, path, embedded);
      return;
    }
    if (value.is_object()) {
      for (const std::string& key : Keys(value)) {
        if (schema != nullptr && embedded && IsMetaField(key)) {
          continue;
        }
        const KeySchema child = schema == nullptr ? KeySchema{} : SchemaForKey(*schema, key);
        if (child.known) {
          Prune(value[key], child.schema, ChildPath(path, key), IsEmbedded(child.schema));
        } else {
          if (!IsMetaField(key) || !path.empty()) {
            unknown_.push_back(ChildPath(path, key));
          }
          value.erase(key);
        }
      }
    } else if (value.is_array()) {
      const Node* items = schema == nullptr ? nullptr : schema->items.get();
      for (size_t i = 0; i < value.size(); ++i) {
        Prune(value[i], items, IndexPath(path, i), IsEmbedded(items));
      }
    }
  }

  std::vector<std::string> TakeUnknown() {
    std::sort(unknown_.begin(), unknown_.end());
    return std::move(unknown_);
  }

 private:
  static bool IsEmbedded(const Node* schema) {
    return schema != nullptr && schema->embedded_resource;
  }

  // Under x-kubernetes-preserve-unknown-fields: keep unknown keys, prune declared ones.
  void SkipPrune(json& value, const Node& schema, const std::string& path, bool embedded) {
    if (value.is_object()) {
      for (const std::string& key : Keys(value)) {
        if (embedded && IsMetaField(key)) {
          continue;
        }
        const KeySchema child = SchemaForKey(schema, key);
        if (child.known) {
          Prune(value[key], child.schema, ChildPath(path, key), IsEmbedded(child.schema));
        }
      }
    } else if (value.is_array() && schema.items != nullptr) {
      for (size_t i = 0; i < value.size(); ++i) {
        SkipPrune(value[i], *schema.items, IndexPath(path, i), IsEmbedded(schema.items.get()));
      }
    }
  }

  std::vector<std::string> unknown_;
};

void PruneNulls(json& value, const Node* schema, bool root) {
  if (value.is_object()) {
    for (const std::string& key : Keys(value)) {
      if (root && key == "metadata") {
        continue;
      }
      const Node* child = schema == nullptr ? nullptr : ChildSchema(*schema, key);
      if (value[key].is_null() && child != nullptr && !child->nullable && !child->default_value) {
        value.erase(key);
      } else {
        PruneNulls(value[key], child, false);
      }
    }
  } else if (value.is_array()) {
    for (json& item : value) {
      PruneNulls(item, schema == nullptr ? nullptr : schema->items.get(), false);
    }
  }
}

}  // namespace

std::vector<std::string> PruneUnknownFields(json& object, const Node& root) {
  Pruner pruner;
  pruner.Prune(object, &root, "", true);
  PruneNulls(object, &root, true);
  return pruner.TakeUnknown();
}

}  // namespace gpuext::emulator::schema::internal
