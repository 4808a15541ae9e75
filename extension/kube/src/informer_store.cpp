// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Store: the informer's indexed map of snapshots, and the built-in index functions.
#include <utility>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/kube/informer.h"

namespace gpuext::kube {

using nlohmann::json;

namespace {

std::string MetaString(const json& obj, const char* field) {
  const auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) {
    return {};
  }
  const auto f = m->find(field);
  return f != m->end() && f->is_string() ? f->get<std::string>() : std::string();
}

}  // namespace

std::string CacheKey(const json& obj) {
  const std::string ns = MetaString(obj, "namespace");
  const std::string name = MetaString(obj, "name");
  return ns.empty() ? name : ns + "/" + name;
}

std::vector<std::string> NamespaceIndexFunc(const json& obj) {
  return {MetaString(obj, "namespace")};
}

std::vector<std::string> OwnerUidIndexFunc(const json& obj) {
  std::vector<std::string> out;
  const auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object() || !m->contains("ownerReferences")) {
    return out;
  }
  for (const auto& ref : (*m)["ownerReferences"]) {
    if (ref.is_object() && ref.contains("uid") && ref["uid"].is_string()) {
      out.push_back(ref["uid"].get<std::string>());
    }
  }
  return out;
}

IndexFunc LabelIndexFunc(std::string label_key) {
  return [key = std::move(label_key)](const json& obj) -> std::vector<std::string> {
    const auto m = obj.find("metadata");
    if (m == obj.end() || !m->is_object() || !m->contains("labels")) {
      return {};
    }
    const json& labels = (*m)["labels"];
    const auto it = labels.find(key);
    if (it == labels.end() || !it->is_string()) {
      return {};
    }
    return {it->get<std::string>()};
  };
}

Store::Store() { AddIndex(std::string(kNamespaceIndex), NamespaceIndexFunc); }

void Store::AddIndex(std::string name, IndexFunc func) {
  std::unique_lock lock(mu_);
  auto& index = indices_[name];
  index.clear();
  for (const auto& [key, obj] : items_) {
    for (auto& value : func(*obj)) {
      index[std::move(value)].insert(key);
    }
  }
  index_funcs_[std::move(name)] = std::move(func);
}

void Store::IndexLocked(const std::string& key, const json& obj, bool add) {
  for (const auto& [name, func] : index_funcs_) {
    auto& index = indices_[name];
    for (const auto& value : func(obj)) {
      if (add) {
        index[value].insert(key);
        continue;
      }
      const auto it = index.find(value);
      if (it != index.end()) {
        it->second.erase(key);
        if (it->second.empty()) {
          index.erase(it);
        }
      }
    }
  }
}

ObjectPtr Store::Get(const std::string& key) const {
  std::shared_lock lock(mu_);
  const auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Store::List() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (const auto& [key, obj] : items_) {
    out.push_back(obj);
  }
  return out;
}

std::vector<std::string> Store::ListKeys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [key, obj] : items_) {
    out.push_back(key);
  }
  return out;
}

std::vector<ObjectPtr> Store::ByIndex(std::string_view index, std::string_view value) const {
  std::shared_lock lock(mu_);
  const auto idx = indices_.find(index);
  if (idx == indices_.end()) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("no index named \"{}\"", index));
  }
  std::vector<ObjectPtr> out;
  const auto keys = idx->second.find(value);
  if (keys == idx->second.end()) {
    return out;
  }
  for (const auto& key : keys->second) {
    out.push_back(items_.find(key)->second);
  }
  return out;
}

std::size_t Store::size() const {
  std::shared_lock lock(mu_);
  return items_.size();
}

ObjectPtr Store::Upsert(ObjectPtr obj) {
  std::string key = CacheKey(*obj);
  std::unique_lock lock(mu_);
  ObjectPtr previous;
  const auto it = items_.find(key);
  if (it != items_.end()) {
    previous = it->second;
    IndexLocked(key, *previous, /*add=*/false);
  }
  IndexLocked(key, *obj, /*add=*/true);
  items_.insert_or_assign(std::move(key), std::move(obj));
  return previous;
}

ObjectPtr Store::Remove(const std::string& key) {
  std::unique_lock lock(mu_);
  const auto it = items_.find(key);
  if (it == items_.end()) {
    return nullptr;
  }
  ObjectPtr previous = std::move(it->second);
  items_.erase(it);
  IndexLocked(key, *previous, /*add=*/false);
  return previous;
}

}  // namespace gpuext::kube
