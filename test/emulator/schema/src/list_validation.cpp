// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <map>
#include <string>
#include <vector>

#include "render.h"
#include "traversal.h"
#include "validators.h"

namespace gpuext::emulator::schema::internal {
namespace {

using nlohmann::json;

// Indices of the second occurrence of every repeated key, as listtype's validateListSet.
std::vector<size_t> SecondOccurrences(const std::vector<std::string>& keys) {
  std::map<std::string, int> seen;
  std::vector<size_t> out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (++seen[keys[i]] == 2) {
      out.push_back(i);
    }
  }
  return out;
}

void CheckSet(const json& list, const std::string& path, FieldErrorList& out) {
  std::vector<std::string> keys;
  for (const json& item : list) {
    keys.push_back(item.dump());  // distinguishes 1, 1.0 and "1" as Go's comparison does
  }
  for (const size_t i : SecondOccurrences(keys)) {
    out.push_back(FieldError::Duplicate(IndexPath(path, i), ValueText(list[i])));
  }
}

// The key of a list-type map element as the JSON object of its key fields ({} for null).
json MapKey(const Node& node, const json& item) {
  json key = json::object();
  if (item.is_object()) {
    for (const std::string& field : node.list_map_keys) {
      if (const auto it = item.find(field); it != item.end()) {
        key[field] = *it;
      }
    }
  }
  return key;
}

void CheckMap(const Node& node, const json& list, const std::string& path, FieldErrorList& out) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_null() && !list[i].is_object()) {
      out.push_back(FieldError::Invalid(IndexPath(path, i), ValueText(list[i]),
                                        "must be an object for an array of list-type map"));
      return;
    }
  }
  std::vector<std::string> keys;
  for (const json& item : list) {
    keys.push_back(MapKey(node, item).dump());
  }
  for (const size_t i : SecondOccurrences(keys)) {
    out.push_back(FieldError::Duplicate(IndexPath(path, i), keys[i]));
  }
}

void WalkListTypes(const Node& node, const json& value, const std::string& path, bool root,
                   FieldErrorList& out) {
  if (value.is_array() && node.list_type == "set") {
    CheckSet(value, path, out);
  } else if (value.is_array() && node.list_type == "map") {
    CheckMap(node, value, path, out);
  }
  ForEachChild(node, value, path, root, [&](const ChildRef& child) {
    WalkListTypes(child.schema, child.value, child.path, false, out);
  });
}

}  // namespace

FieldErrorList ValidateListTypes(const Node& root, const json& object) {
  FieldErrorList errors;
  WalkListTypes(root, object, "", true, errors);
  return errors;
}

}  // namespace gpuext::emulator::schema::internal
