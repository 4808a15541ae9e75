// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The emulator's etcd: every object of every resource in memory, one global monotonic
// resourceVersion, and a bounded history of change events that watches read from.
// Safe for concurrent use.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpuext::emulator {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted };
  Type type = Type::kAdded;
  uint64_t resource_version = 0;
  std::string storage_key;  // "group/resource"
  ObjectPtr object;         // the new object; for kDeleted the last state
  ObjectPtr previous;       // the object before a modification; null for kAdded
};

// Failures of store preconditions; the handlers turn them into Status errors.
struct StoreError : std::runtime_error {
  enum class Kind { kAlreadyExists, kNotFound, kConflict, kTooOld };
  StoreError(Kind k, const std::string& what) : std::runtime_error(what), kind(k) {}
  Kind kind;
};

class ObjectStore {
 public:
  // `history` is how many change events are kept for watches; older resourceVersions are
  // compacted and answered with 410 Gone.
  explicit ObjectStore(size_t history);

  [[nodiscard]] uint64_t ResourceVersion() const;
  // The highest resourceVersion whose event was dropped from the history (0 if none).
  [[nodiscard]] uint64_t CompactedResourceVersion() const;

  [[nodiscard]] ObjectPtr Get(const std::string& key, const std::string& ns,
                              const std::string& name) const;

  struct ListResult {
    std::vector<ObjectPtr> items;  // ordered by namespace, then name
    uint64_t resource_version = 0;
  };
  // Objects of `key` in namespace `ns` (all namespaces when empty) whose "ns/name" sorts after
  // `after` (for continue tokens).
  [[nodiscard]] ListResult List(const std::string& key, const std::string& ns,
                                const std::string& after = {}) const;
  // Every stored object of every resource (garbage collection, snapshots).
  [[nodiscard]] std::vector<std::pair<std::string, ObjectPtr>> All() const;
  [[nodiscard]] bool UidExists(const std::string& uid) const;

  // Stores a new object, stamping metadata.resourceVersion. Throws kAlreadyExists.
  ObjectPtr Create(const std::string& key, nlohmann::json object);
  // Replaces an existing object. `expected_rv` != 0 must equal the stored resourceVersion
  // (kConflict otherwise). Throws kNotFound.
  ObjectPtr Update(const std::string& key, nlohmann::json object, uint64_t expected_rv);
  // Removes an object, recording a DELETED event carrying `final_state` (the object as it was,
  // with a fresh resourceVersion). Throws kNotFound / kConflict like Update.
  ObjectPtr Remove(const std::string& key, const std::string& ns, const std::string& name,
                   uint64_t expected_rv);

  // Events with resourceVersion > `after`, waiting until there is at least one, `deadline`
  // passes or `cancelled()` returns true (polled every 200 ms). Throws kTooOld when `after` is
  // older than the history.
  [[nodiscard]] std::vector<WatchEvent> EventsAfter(uint64_t after,
                                                    std::chrono::steady_clock::time_point deadline,
                                                    const std::function<bool()>& cancelled) const;

  // Called (outside the lock) after every change; used to wake the garbage collector.
  void SetChangeListener(std::function<void()> listener);

  // Serialises every object and the resourceVersion, and restores from that (--data-dir).
  [[nodiscard]] nlohmann::json Snapshot() const;
  void Restore(const nlohmann::json& snapshot);

 private:
  using Objects = std::map<std::string, ObjectPtr>;  // "ns/name" → object

  void Record(WatchEvent event);  // requires mu_
  void Notify();

  const size_t history_;
  mutable std::mutex mu_;  // Guards everything below.
  mutable std::condition_variable changed_;
  uint64_t resource_version_ = 0;
  uint64_t compacted_ = 0;
  std::map<std::string, Objects> objects_;  // storage key → objects
  std::unordered_set<std::string> uids_;
  std::deque<WatchEvent> events_;
  std::function<void()> listener_;
};

// "ns/name" (or "/name" for cluster-scoped objects).
std::string ObjectPath(const std::string& ns, const std::string& name);

}  // namespace gpuext::emulator
