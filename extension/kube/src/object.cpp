// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/object.h"

#include <algorithm>

namespace gpuext::kube {

using nlohmann::json;

namespace {

const json& Metadata(const json& obj) {
  static const json kEmpty = json::object();
  if (!obj.is_object()) {
    return kEmpty;
  }
  const auto it = obj.find("metadata");
  return it != obj.end() && it->is_object() ? *it : kEmpty;
}

std::string StringField(const json& parent, const char* key) {
  const auto it = parent.find(key);
  return it != parent.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::map<std::string, std::string> StringMap(const json& parent, const char* key) {
  std::map<std::string, std::string> out;
  const auto it = parent.find(key);
  if (it == parent.end() || !it->is_object()) {
    return out;
  }
  for (const auto& [k, v] : it->items()) {
    if (v.is_string()) {
      out.emplace(k, v.get<std::string>());
    }
  }
  return out;
}

json& MutableMetadataMap(json& obj, const char* key) {
  json& metadata = obj["metadata"];
  if (!metadata.is_object()) {
    metadata = json::object();
  }
  json& map = metadata[key];
  if (!map.is_object()) {
    map = json::object();
  }
  return map;
}

}  // namespace

std::string Name(const json& obj) { return StringField(Metadata(obj), "name"); }
std::string Namespace(const json& obj) { return StringField(Metadata(obj), "namespace"); }
std::string Uid(const json& obj) { return StringField(Metadata(obj), "uid"); }
std::string ResourceVersion(const json& obj) {
  return StringField(Metadata(obj), "resourceVersion");
}

std::int64_t Generation(const json& obj) {
  const json& metadata = Metadata(obj);
  const auto it = metadata.find("generation");
  return it != metadata.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::map<std::string, std::string> Labels(const json& obj) {
  return StringMap(Metadata(obj), "labels");
}

std::map<std::string, std::string> Annotations(const json& obj) {
  return StringMap(Metadata(obj), "annotations");
}

std::vector<std::string> Finalizers(const json& obj) {
  std::vector<std::string> out;
  const json& metadata = Metadata(obj);
  const auto it = metadata.find("finalizers");
  if (it == metadata.end() || !it->is_array()) {
    return out;
  }
  for (const auto& f : *it) {
    if (f.is_string()) {
      out.push_back(f.get<std::string>());
    }
  }
  return out;
}

bool HasFinalizer(const json& obj, std::string_view finalizer) {
  const auto all = Finalizers(obj);
  return std::find(all.begin(), all.end(), finalizer) != all.end();
}

bool IsBeingDeleted(const json& obj) {
  const json& metadata = Metadata(obj);
  const auto it = metadata.find("deletionTimestamp");
  return it != metadata.end() && !it->is_null();
}

json OwnerReferences(const json& obj) {
  const json& metadata = Metadata(obj);
  const auto it = metadata.find("ownerReferences");
  return it != metadata.end() && it->is_array() ? *it : json::array();
}

json Conditions(const json& obj) {
  if (!obj.is_object()) {
    return json::array();
  }
  const auto status = obj.find("status");
  if (status == obj.end() || !status->is_object()) {
    return json::array();
  }
  const auto it = status->find("conditions");
  return it != status->end() && it->is_array() ? *it : json::array();
}

std::optional<json> FindCondition(const json& obj, std::string_view type) {
  for (const auto& c : Conditions(obj)) {
    if (c.is_object() && StringField(c, "type") == type) {
      return c;
    }
  }
  return std::nullopt;
}

ObjectKey Key(const json& obj) { return ObjectKey{Namespace(obj), Name(obj)}; }

void SetLabel(json& obj, const std::string& key, const std::string& value) {
  MutableMetadataMap(obj, "labels")[key] = value;
}

void SetAnnotation(json& obj, const std::string& key, const std::string& value) {
  MutableMetadataMap(obj, "annotations")[key] = value;
}

bool AddFinalizer(json& obj, const std::string& finalizer) {
  if (HasFinalizer(obj, finalizer)) {
    return false;
  }
  json& metadata = obj["metadata"];
  if (!metadata.is_object()) {
    metadata = json::object();
  }
  json& list = metadata["finalizers"];
  if (!list.is_array()) {
    list = json::array();
  }
  list.push_back(finalizer);
  return true;
}

bool RemoveFinalizer(json& obj, std::string_view finalizer) {
  if (!HasFinalizer(obj, finalizer)) {
    return false;
  }
  json& list = obj["metadata"]["finalizers"];
  json kept = json::array();
  for (const auto& f : list) {
    if (!(f.is_string() && f.get<std::string>() == finalizer)) {
      kept.push_back(f);
    }
  }
  list = std::move(kept);
  return true;
}

}  // namespace gpuext::kube
