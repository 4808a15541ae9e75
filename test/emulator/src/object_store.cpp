// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "object_store.h"

#include <algorithm>

#include <fmt/format.h>

namespace gpuext::emulator {
namespace {

std::string MetaString(const nlohmann::json& obj, const char* field) {
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) {
    return {};
  }
  const auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : std::string();
}

uint64_t StoredVersion(const nlohmann::json& obj) {
  const std::string rv = MetaString(obj, "resourceVersion");
  return rv.empty() ? 0 : std::stoull(rv);
}

}  // namespace

std::string ObjectPath(const std::string& ns, const std::string& name) { return ns + "/" + name; }

ObjectStore::ObjectStore(size_t history) : history_(std::max<size_t>(history, 1)) {}

uint64_t ObjectStore::ResourceVersion() const {
  std::lock_guard lock(mu_);
  return resource_version_;
}

uint64_t ObjectStore::CompactedResourceVersion() const {
  std::lock_guard lock(mu_);
  return compacted_;
}

ObjectPtr ObjectStore::Get(const std::string& key, const std::string& ns,
                           const std::string& name) const {
  std::lock_guard lock(mu_);
  const auto objects = objects_.find(key);
  if (objects == objects_.end()) {
    return nullptr;
  }
  const auto it = objects->second.find(ObjectPath(ns, name));
  return it == objects->second.end() ? nullptr : it->second;
}

ObjectStore::ListResult ObjectStore::List(const std::string& key, const std::string& ns,
                                          const std::string& after) const {
  std::lock_guard lock(mu_);
  ListResult result{.items = {}, .resource_version = resource_version_};
  const auto objects = objects_.find(key);
  if (objects == objects_.end()) {
    return result;
  }
  // Keys sort by "ns/name", so one namespace is a contiguous range.
  const std::string prefix = ns.empty() ? std::string() : ns + "/";
  auto it = after.empty() ? objects->second.lower_bound(prefix)
                          : objects->second.upper_bound(std::max(after, prefix));
  for (; it != objects->second.end(); ++it) {
    if (!prefix.empty() && it->first.compare(0, prefix.size(), prefix) != 0) {
      break;
    }
    result.items.push_back(it->second);
  }
  return result;
}

std::vector<std::pair<std::string, ObjectPtr>> ObjectStore::All() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, ObjectPtr>> out;
  for (const auto& [key, objects] : objects_) {
    for (const auto& [path, obj] : objects) {
      out.emplace_back(key, obj);
    }
  }
  return out;
}

bool ObjectStore::UidExists(const std::string& uid) const {
  std::lock_guard lock(mu_);
  return uids_.contains(uid);
}

ObjectPtr ObjectStore::Create(const std::string& key, nlohmann::json object) {
  ObjectPtr stored;
  {
    std::lock_guard lock(mu_);
    const std::string path =
        ObjectPath(MetaString(object, "namespace"), MetaString(object, "name"));
    Objects& objects = objects_[key];
    if (objects.contains(path)) {
      throw StoreError(StoreError::Kind::kAlreadyExists, path);
    }
    object["metadata"]["resourceVersion"] = std::to_string(++resource_version_);
    stored = std::make_shared<const nlohmann::json>(std::move(object));
    objects.emplace(path, stored);
    uids_.insert(MetaString(*stored, "uid"));
    Record({WatchEvent::Type::kAdded, resource_version_, key, stored, nullptr});
  }
  Notify();
  return stored;
}

ObjectPtr ObjectStore::Update(const std::string& key, nlohmann::json object, uint64_t expected_rv) {
  ObjectPtr stored;
  {
    std::lock_guard lock(mu_);
    const std::string path =
        ObjectPath(MetaString(object, "namespace"), MetaString(object, "name"));
    Objects& objects = objects_[key];
    const auto it = objects.find(path);
    if (it == objects.end()) {
      throw StoreError(StoreError::Kind::kNotFound, path);
    }
    if (expected_rv != 0 && StoredVersion(*it->second) != expected_rv) {
      throw StoreError(StoreError::Kind::kConflict, path);
    }
    ObjectPtr previous = it->second;
    object["metadata"]["resourceVersion"] = std::to_string(++resource_version_);
    stored = std::make_shared<const nlohmann::json>(std::move(object));
    it->second = stored;
    Record({WatchEvent::Type::kModified, resource_version_, key, stored, std::move(previous)});
  }
  Notify();
  return stored;
}

ObjectPtr ObjectStore::Remove(const std::string& key, const std::string& ns,
                              const std::string& name, uint64_t expected_rv) {
  ObjectPtr final_state;
  {
    std::lock_guard lock(mu_);
    Objects& objects = objects_[key];
    const auto it = objects.find(ObjectPath(ns, name));
    if (it == objects.end()) {
      throw StoreError(StoreError::Kind::kNotFound, ObjectPath(ns, name));
    }
    if (expected_rv != 0 && StoredVersion(*it->second) != expected_rv) {
      throw StoreError(StoreError::Kind::kConflict, ObjectPath(ns, name));
    }
    nlohmann::json last = *it->second;
    last["metadata"]["resourceVersion"] = std::to_string(++resource_version_);
    final_state = std::make_shared<const nlohmann::json>(std::move(last));
    uids_.erase(MetaString(*final_state, "uid"));
    ObjectPtr previous = it->second;
    objects.erase(it);
    Record({WatchEvent::Type::kDeleted, resource_version_, key, final_state, std::move(previous)});
  }
  Notify();
  return final_state;
}

void ObjectStore::Record(WatchEvent event) {
  events_.push_back(std::move(event));
  while (events_.size() > history_) {
    compacted_ = events_.front().resource_version;
    events_.pop_front();
  }
}

void ObjectStore::Notify() {
  changed_.notify_all();
  std::function<void()> listener;
  {
    std::lock_guard lock(mu_);
    listener = listener_;
  }
  if (listener) {
    listener();
  }
}

std::vector<WatchEvent> ObjectStore::EventsAfter(uint64_t after,
                                                 std::chrono::steady_clock::time_point deadline,
                                                 const std::function<bool()>& cancelled) const {
  std::unique_lock lock(mu_);
  for (;;) {
    if (after < compacted_) {
      throw StoreError(StoreError::Kind::kTooOld,
                       fmt::format("too old resource version: {} ({})", after, compacted_ + 1));
    }
    if (after < resource_version_) {
      // Events are ordered by resourceVersion: binary search for the first one after `after`.
      const auto first = std::upper_bound(
          events_.begin(), events_.end(), after,
          [](uint64_t rv, const WatchEvent& e) { return rv < e.resource_version; });
      return {first, events_.end()};
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline || (cancelled && cancelled())) {
      return {};
    }
    changed_.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(200)));
  }
}

void ObjectStore::SetChangeListener(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  listener_ = std::move(listener);
}

nlohmann::json ObjectStore::Snapshot() const {
  std::lock_guard lock(mu_);
  nlohmann::json snapshot = {{"resourceVersion", resource_version_},
                             {"objects", nlohmann::json::object()}};
  for (const auto& [key, objects] : objects_) {
    nlohmann::json& list = snapshot["objects"][key];
    list = nlohmann::json::array();
    for (const auto& [path, obj] : objects) {
      list.push_back(*obj);
    }
  }
  return snapshot;
}

void ObjectStore::Restore(const nlohmann::json& snapshot) {
  {
    std::lock_guard lock(mu_);
    objects_.clear();
    uids_.clear();
    events_.clear();
    resource_version_ = snapshot.at("resourceVersion").get<uint64_t>();
    // Watches cannot resume across a restart: everything before now is compacted.
    compacted_ = resource_version_;
    for (const auto& [key, list] : snapshot.at("objects").items()) {
      for (const nlohmann::json& obj : list) {
        const std::string path = ObjectPath(MetaString(obj, "namespace"), MetaString(obj, "name"));
        objects_[key][path] = std::make_shared<const nlohmann::json>(obj);
        uids_.insert(MetaString(obj, "uid"));
      }
    }
  }
  Notify();
}

}  // namespace gpuext::emulator
