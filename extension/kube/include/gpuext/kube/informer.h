// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Informer: a shared index informer with client-go's semantics (DESIGN.md §6). It lists a
// resource, then watches it from the list's resourceVersion, keeps every object in an
// indexed in-memory Store and tells its handlers what changed, in order, from one thread.
//
//   kube::Informer pods(client, kPods, {.ns = "kube-system", .resync_period = 10min});
//   pods.AddIndex("node", [](const json& p) { return std::vector{p["spec"].value("nodeName", "")};
//   }); pods.AddEventHandler({.on_add = [&](const kube::ObjectPtr& p, bool) { queue.Add(Key(*p));
//   }}); pods.Start(); pods.WaitForSync(stop, 30s); for (const auto& p : pods.ByIndex("node",
//   "worker-1")) { ... }   // immutable snapshots
//
// Behaviour, as client-go's Reflector + DeltaFIFO + sharedIndexInformer:
//   - The store changes before the handlers hear of the change, so a handler that reads the
//     store sees at least the state it is told about.
//   - Watch streams that end are resumed from the last resourceVersion seen (objects and
//     BOOKMARK events advance it; bookmarks call no handler).
//   - 410 Gone (ApiError from Watch, or an ERROR event with code 410) triggers a full relist
//     that is diffed against the store: on_delete for objects gone (with their last known
//     state), on_update for objects whose resourceVersion changed, on_add for new ones. Nothing
//     is lost and nothing is delivered twice. Unchanged objects produce no event (client-go
//     would send an update for them; controllers get those from the resync instead).
//   - Failed lists and watches, and watches that end without any event, back off through the
//     Clock: 800 ms doubling to 30 s, reset by the next successful list or eventful watch
//     (client-go's reflector defaults, without jitter so tests stay deterministic).
//   - resync_period > 0 re-delivers on_update(obj, obj) for every stored object, once per
//     period (measured with the Clock) after the initial list.
//   - HasSynced() turns true once the handlers have received the initial list.
//
// Thread safety: safe for concurrent use. Handlers run on the informer's dispatcher thread,
// one at a time; they must not block for long (they delay every later notification). An
// exception escaping a handler is logged and the next notification proceeds.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"
#include "gpuext/kube/resource.h"
#include "gpuext/logger.h"

namespace gpuext::kube {

// An immutable snapshot of an object as the cache holds it; never null when handed out.
using ObjectPtr = std::shared_ptr<const nlohmann::json>;

// Maps an object to the index values it is found under (none, one or several).
using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json& obj)>;

// Name of the index every Store has: metadata.namespace ("" for cluster-scoped objects).
inline constexpr std::string_view kNamespaceIndex = "namespace";

// The namespace index: {metadata.namespace}.
[[nodiscard]] std::vector<std::string> NamespaceIndexFunc(const nlohmann::json& obj);
// The uid of every metadata.ownerReferences entry (controller-runtime's owner index).
[[nodiscard]] std::vector<std::string> OwnerUidIndexFunc(const nlohmann::json& obj);
// An index over the value of one label; objects without the label are not indexed.
[[nodiscard]] IndexFunc LabelIndexFunc(std::string label_key);

// The cache key of an object: "namespace/name", or "name" when it has no namespace
// (client-go's MetaNamespaceKeyFunc; the same string as ObjectKey::String()).
[[nodiscard]] std::string CacheKey(const nlohmann::json& obj);

// An indexed map of snapshots by cache key. Reads are safe from any thread while the owner
// writes. Safe for concurrent use.
class Store {
 public:
  Store();

  // Registers an index; existing items are indexed at once. Re-registering a name replaces
  // the function.
  void AddIndex(std::string name, IndexFunc func);

  // nullptr when absent.
  [[nodiscard]] ObjectPtr Get(const std::string& key) const;
  // Every object, sorted by key.
  [[nodiscard]] std::vector<ObjectPtr> List() const;
  [[nodiscard]] std::vector<std::string> ListKeys() const;
  // Objects under `value` of index `index`, sorted by key. Throws Error(kInvalidArgument) for
  // an index that was never added.
  [[nodiscard]] std::vector<ObjectPtr> ByIndex(std::string_view index,
                                               std::string_view value) const;
  [[nodiscard]] std::size_t size() const;

  // Inserts or replaces by CacheKey(*obj); returns the previous snapshot or nullptr.
  ObjectPtr Upsert(ObjectPtr obj);
  // Removes `key`; returns the removed snapshot or nullptr.
  ObjectPtr Remove(const std::string& key);

 private:
  void IndexLocked(const std::string& key, const nlohmann::json& obj, bool add);

  mutable std::shared_mutex mu_;  // Guards everything below.
  std::map<std::string, ObjectPtr, std::less<>> items_;
  std::map<std::string, IndexFunc, std::less<>> index_funcs_;
  // index name → index value → keys.
  std::map<std::string, std::map<std::string, std::set<std::string>, std::less<>>, std::less<>>
      indices_;
};

// Callbacks of one handler; any may be left empty. Snapshots are never null.
struct ResourceEventHandler {
  // is_initial_list: the object came with the informer's first list (or, for a handler added
  // later, was already in the store when the handler was added).
  std::function<void(const ObjectPtr& obj, bool is_initial_list)> on_add = {};
  // old_obj == new_obj (same snapshot) on a resync.
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update = {};
  // The object as the DELETED event carried it, or its last known state when the deletion was
  // only noticed by a relist.
  std::function<void(const ObjectPtr& obj)> on_delete = {};
};

struct InformerOptions {
  std::string ns = {};                         // empty: all namespaces
  std::string label_selector = {};             // as ListOptions::label_selector
  std::string field_selector = {};             // as ListOptions::field_selector
  std::chrono::milliseconds resync_period{0};  // 0: no resync
  std::int64_t page_size = 500;                // List page size
  std::chrono::milliseconds initial_backoff{800};
  std::chrono::milliseconds max_backoff{30000};
  // Asks the server to end each watch after this long (it is then resumed); none when unset.
  std::optional<std::int64_t> watch_timeout_seconds = {};
};

class Informer {
 public:
  Informer(Client& client, Resource resource, InformerOptions options = {},
           Clock& clock = RealClock::Instance(), Logger log = Logger::Root());
  ~Informer();  // Stop()
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Adds a handler. Objects already in the store reach it first as on_add(obj, true), then it
  // sees every later change, in order.
  void AddEventHandler(ResourceEventHandler handler);
  // Adds an index to the store (see Store::AddIndex).
  void AddIndex(std::string name, IndexFunc func);

  // Lists, watches and dispatches until `stop` fires. Blocks. Call it at most once, and not
  // together with Start.
  void Run(std::stop_token stop);
  // Runs Run on a thread owned by the informer. Stop (or the destructor) ends it.
  void Start();
  void Stop();

  [[nodiscard]] bool HasSynced() const;
  // Waits (real time, up to `timeout`) until HasSynced or `stop` fires; returns HasSynced().
  bool WaitForSync(std::stop_token stop, std::chrono::milliseconds timeout) const;

  // Reads of the store; see Store.
  [[nodiscard]] ObjectPtr Get(const ObjectKey& key) const { return store_.Get(key.String()); }
  [[nodiscard]] std::vector<ObjectPtr> List() const { return store_.List(); }
  [[nodiscard]] std::vector<ObjectPtr> ByIndex(std::string_view index,
                                               std::string_view value) const {
    return store_.ByIndex(index, value);
  }
  [[nodiscard]] const Store& store() const { return store_; }
  [[nodiscard]] const Resource& resource() const { return resource_; }
  [[nodiscard]] const InformerOptions& options() const { return options_; }
  // The resourceVersion the next watch would start from ("" before the first list).
  [[nodiscard]] std::string LastSyncResourceVersion() const;

 private:
  struct Notification {
    enum class Kind { kAdd, kUpdate, kDelete, kSynced, kAddHandler };
    Kind kind = Kind::kAdd;
    ObjectPtr old_obj = {};
    ObjectPtr obj = {};
    bool initial = false;
    std::shared_ptr<ResourceEventHandler> handler = {};  // kAddHandler
    std::vector<ObjectPtr> snapshot = {};                // kAddHandler
  };
  enum class WatchEnd { kEnded, kEndedEmpty, kGone, kError, kStopped };

  // Reflector side (informer_reflector.cpp).
  void ListAndReplace();
  WatchEnd WatchOnce(const std::stop_token& stop);
  void ApplyWatchEvent(const WatchEvent& event);
  [[nodiscard]] ObjectPtr Normalize(nlohmann::json obj) const;
  void ResyncLoop(const std::stop_token& stop);
  // Dispatcher side (informer.cpp).
  void Enqueue(Notification n);  // requires apply_mu_
  void DispatchLoop(const std::stop_token& stop);
  void Deliver(const Notification& n);

  Client& client_;
  const Resource resource_;
  const InformerOptions options_;
  Clock& clock_;
  const Logger log_;
  Store store_;

  // Held while the store changes and the matching notification is queued, so the queue order
  // is the store's order. Also guards resource_version_, listed_once_ and kind_.
  mutable std::mutex apply_mu_;
  std::string resource_version_;
  bool listed_once_ = false;
  std::string kind_;  // from the list, for items that come without one

  std::mutex queue_mu_;  // Guards queue_.
  std::condition_variable_any queue_cv_;
  std::deque<Notification> queue_;

  // Dispatcher thread only.
  std::vector<std::shared_ptr<ResourceEventHandler>> handlers_;

  std::atomic<bool> synced_{false};
  mutable std::mutex synced_mu_;  // Pairs with synced_cv_; synced_ itself is atomic.
  mutable std::condition_variable_any synced_cv_;

  std::jthread thread_;  // Start/Stop only
};

}  // namespace gpuext::kube
