// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "managed_fields.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace gpuext::emulator::patch::internal {

using nlohmann::json;

bool IsTracked(const FieldPath& path) {
  static const std::vector<FieldPath> kStripped = {
      {"f:apiVersion"},
      {"f:kind"},
      {"f:metadata", "f:name"},
      {"f:metadata", "f:namespace"},
      {"f:metadata", "f:creationTimestamp"},
      {"f:metadata", "f:selfLink"},
      {"f:metadata", "f:uid"},
      {"f:metadata", "f:clusterName"},
      {"f:metadata", "f:generation"},
      {"f:metadata", "f:managedFields"},
      {"f:metadata", "f:resourceVersion"},
  };
  return std::none_of(kStripped.begin(), kStripped.end(),
                      [&](const FieldPath& s) { return IsAtOrUnder(path, s); });
}

std::string Manager::Get(const char* key) const { return StringAt(entry, key); }

std::string Manager::Display() const {
  std::string out = json(Get("manager")).dump();
  if (!Get("subresource").empty()) {
    out += " with subresource " + json(Get("subresource")).dump();
  }
  if (Get("operation") == "Update") {
    out += " using " + Get("apiVersion");
  }
  return out;
}

std::string StringAt(const json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<Manager> DecodeManagers(const json& object) {
  std::vector<Manager> managers;
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) {
    return managers;
  }
  auto entries = meta->find("managedFields");
  if (entries == meta->end() || !entries->is_array()) {
    return managers;
  }
  for (const json& entry : *entries) {
    if (!entry.is_object()) {
      continue;
    }
    Manager m{.entry = entry, .fields = {}, .changed = false};
    if (auto fields = entry.find("fieldsV1"); fields != entry.end()) {
      for (const FieldPath& path : DecodeFieldsV1(*fields)) {
        if (IsTracked(path)) {
          m.fields.insert(path);
        }
      }
    }
    managers.push_back(std::move(m));
  }
  return managers;
}

FieldValues TrackedFields(const json& object, const PatchSchema* schema) {
  FieldValues values = CollectFields(object, schema, nullptr);
  std::erase_if(values, [](const auto& kv) { return !IsTracked(kv.first); });
  return values;
}

FieldSet Changed(const FieldValues& before, const FieldValues& after) {
  FieldSet out;
  for (const auto& [path, value] : after) {
    auto it = before.find(path);
    const bool item = path.back().starts_with("k:") || path.back().starts_with("v:");
    if (it == before.end() || (!item && *it->second != *value)) {
      out.insert(path);
    }
  }
  return out;
}

FieldSet Removed(const FieldValues& before, const FieldValues& after) {
  FieldSet out;
  for (const auto& [path, value] : before) {
    if (!after.contains(path)) {
      out.insert(path);
    }
  }
  return out;
}

void StoreManagers(json& object, std::vector<Manager> managers) {
  std::erase_if(managers, [](const Manager& m) { return m.fields.empty(); });
  auto key = [](const Manager& m) {
    return std::make_tuple(m.Get("operation"), m.Get("time"), m.Get("manager"), m.Get("apiVersion"),
                           m.Get("subresource"));
  };
  std::sort(managers.begin(), managers.end(),
            [&](const Manager& a, const Manager& b) { return key(a) < key(b); });
  if (managers.empty()) {
    if (object.contains("metadata") && object["metadata"].is_object()) {
      object["metadata"].erase("managedFields");
    }
    return;
  }
  json out = json::array();
  for (Manager& m : managers) {
    if (m.changed) {
      m.entry["fieldsType"] = "FieldsV1";
      m.entry["fieldsV1"] = EncodeFieldsV1(m.fields);
    }
    out.push_back(std::move(m.entry));
  }
  object["metadata"]["managedFields"] = std::move(out);
}

}  // namespace gpuext::emulator::patch::internal
