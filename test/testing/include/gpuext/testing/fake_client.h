// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// FakeClient: an in-memory kube::Client that models the API server semantics controllers rely
// on (DESIGN.md §6, STYLE.md §10), in the manner of controller-runtime's fake client.
//
//   kube::testing::FakeClient client;
//   client.Seed(kConfigMaps, {{"metadata", {{"namespace", "ns"}, {"name", "a"}}}});
//   client.SetHook(FakeClient::Verb::kUpdate, [](const FakeClient::Call& call) {
//     throw kube::ApiError(500, "InternalError", "injected");
//   });
//
// What it models:
//   - metadata.resourceVersion: one global counter, written as a decimal string, bumped by
//     every write that changes the object (a write that changes nothing is a no-op without a
//     bump, as in kube-apiserver). metadata.uid and creationTimestamp are set on create,
//     metadata.generation starts at 1 and bumps when anything outside metadata and status
//     changes. generateName is honoured.
//   - 409 Conflict on Update/Patch whose metadata.resourceVersion is stale (an empty one means
//     an unconditional update), 409 AlreadyExists on Create of an existing name, 404 NotFound
//     on Update/Patch of an absent object (Get answers nullopt, Delete succeeds).
//   - Finalizers: Delete of an object with finalizers sets deletionTimestamp and keeps it;
//     the write that removes its last finalizer deletes it. New finalizers cannot be added to
//     an object that is being deleted (422). Propagation policies add no finalizers here.
//   - Status subresource: by default every resource has one, so Update/Patch without
//     Subresource keep the stored status, Subresource::kStatus changes only the status, and
//     Create drops the status it is given (Seed keeps it). Resources listed in
//     FakeClientOptions::without_status_subresource behave as CRDs without one: a plain write
//     changes everything and kStatus is a 404.
//   - Label selectors (kube::LabelSelector) and field selectors (any dotted path, as
//     kube::FieldSelector; the server only supports metadata.name/namespace for most kinds).
//   - Patches: merge (RFC 7386) and JSON (RFC 6902). Strategic merge is treated as a merge
//     patch (lists are replaced, not merged by key). Apply is treated as merge-create-or-update:
//     the object is created from the patch when absent, merged into when present; no field
//     ownership is tracked.
//   - Watch: events come from writes, in resourceVersion order, filtered by namespace and
//     selectors (an object that stops matching a label selector arrives as DELETED, one that
//     starts matching as ADDED). A watch from a resourceVersion replays the retained history;
//     one older than the history (see CompactWatchHistory, watch_history) gets 410 Gone as an
//     ERROR event (as kube-apiserver does) or, with gone_as_exception, as ApiError thrown by
//     Watch. A watch from "" or "0" first sends ADDED for every existing object.
//     SendBookmarks, InjectWatchError and CloseWatches drive the other paths.
//   - Hooks: one std::function per verb, called before the verb runs and outside the client's
//     lock (a hook may call the client). Throwing from it injects the error; returning lets the
//     call proceed.
//
// Thread safety: safe for concurrent use.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"

namespace gpuext::kube::testing {

struct FakeClientOptions {
  // Wall time for creationTimestamp/deletionTimestamp; RealClock when null. Not owned.
  Clock* clock = nullptr;
  // Change events kept for watches that resume from a resourceVersion.
  std::size_t watch_history = 10000;
  // A watch from a compacted resourceVersion: false (default) answers a stream with one ERROR
  // event (code 410, reason Expired) as kube-apiserver does; true throws ApiError(410).
  bool gone_as_exception = false;
  // Resources that behave as having no status subresource (see the file comment).
  std::vector<Resource> without_status_subresource = {};
};

class FakeClient final : public Client {
 public:
  enum class Verb { kGet, kList, kCreate, kUpdate, kPatch, kDelete, kDeleteCollection, kWatch };

  // What a hook sees. Pointers are null where the verb has no such argument.
  struct Call {
    Verb verb = Verb::kGet;
    Resource resource = {};
    ObjectKey key = {};                         // empty for List/Watch/DeleteCollection
    const nlohmann::json* object = nullptr;     // Create/Update: the object sent
    const nlohmann::json* patch = nullptr;      // Patch: the patch sent
    const ListOptions* list_options = nullptr;  // List/Watch/DeleteCollection
    Subresource subresource = Subresource::kNone;
  };
  using Hook = std::function<void(const Call&)>;

  explicit FakeClient(FakeClientOptions options = {});
  ~FakeClient() override;
  FakeClient(const FakeClient&) = delete;
  FakeClient& operator=(const FakeClient&) = delete;

  // Stores `object` as is (status, finalizers and deletionTimestamp included), filling in
  // uid, creationTimestamp, generation and a new resourceVersion. Emits no watch event.
  // Throws ApiError AlreadyExists if the name is taken.
  void Seed(const Resource& resource, nlohmann::json object);

  // Replaces the hook of `verb`; an empty function removes it.
  void SetHook(Verb verb, Hook hook);

  // Sends a BOOKMARK carrying the current resourceVersion to every open watch that allowed
  // bookmarks.
  void SendBookmarks();
  // Sends an ERROR event (metav1.Status with `code`; 410 → reason Expired) to every open watch
  // of `resource` and ends those watches.
  void InjectWatchError(const Resource& resource, int code = 410);
  // Ends every open watch of `resource` (their Next() returns nullopt once drained).
  void CloseWatches(const Resource& resource);
  // Forgets the watch history: a watch from any earlier resourceVersion gets 410 Gone.
  void CompactWatchHistory();
  // The current value of the global resourceVersion counter.
  [[nodiscard]] std::string CurrentResourceVersion() const;
  // Number of watches currently open (not yet ended) on `resource`.
  [[nodiscard]] std::size_t OpenWatches(const Resource& resource) const;

  std::optional<nlohmann::json> Get(const Resource& resource, const ObjectKey& key) override;
  nlohmann::json List(const Resource& resource, const ListOptions& options) override;
  nlohmann::json Create(const Resource& resource, const nlohmann::json& obj,
                        const WriteOptions& options = {}) override;
  nlohmann::json Update(const Resource& resource, const nlohmann::json& obj,
                        Subresource subresource = Subresource::kNone,
                        const WriteOptions& options = {}) override;
  nlohmann::json Patch(const Resource& resource, const ObjectKey& key, PatchType type,
                       const nlohmann::json& patch, Subresource subresource = Subresource::kNone,
                       const WriteOptions& options = {}) override;
  void Delete(const Resource& resource, const ObjectKey& key,
              const DeleteOptions& options = {}) override;
  void DeleteCollection(const Resource& resource, const ListOptions& options,
                        const DeleteOptions& delete_options = {}) override;
  std::unique_ptr<WatchStream> Watch(const Resource& resource, const ListOptions& options,
                                     std::stop_token stop) override;

  // Shared between the client and its open streams (defined in fake_client_watch.cpp).
  struct Watcher;

 private:
  struct HistoryEntry {
    std::string resource_key;
    std::int64_t resource_version = 0;
    WatchEvent::Type type = WatchEvent::Type::kAdded;
    nlohmann::json old_object;  // null for ADDED
    nlohmann::json object;
  };
  using Objects = std::map<ObjectKey, nlohmann::json>;

  void RunHook(const Call& call) const;
  [[nodiscard]] bool HasStatusSubresource(const Resource& resource) const;
  // The following require mu_ held.
  Objects& ObjectsOf(const Resource& resource);
  std::string NextResourceVersion();
  nlohmann::json CreateLocked(const Resource& resource, nlohmann::json obj, bool keep_status,
                              bool record);
  nlohmann::json UpdateLocked(const Resource& resource, nlohmann::json obj, Subresource sub);
  void DeleteLocked(const Resource& resource, const ObjectKey& key, const DeleteOptions& options);
  void RemoveLocked(const Resource& resource, Objects::iterator it);
  void Record(const Resource& resource, WatchEvent::Type type, const nlohmann::json& old_object,
              const nlohmann::json& object);
  void Dispatch(const HistoryEntry& entry);

  const FakeClientOptions options_;
  Clock& clock_;

  mutable std::mutex hooks_mu_;  // Guards hooks_.
  std::map<Verb, Hook> hooks_;

  mutable std::mutex mu_;                   // Guards everything below.
  std::map<std::string, Objects> objects_;  // by Resource::String()
  std::int64_t resource_version_ = 0;
  std::int64_t next_uid_ = 0;
  std::deque<HistoryEntry> history_;
  std::int64_t compacted_rv_ = 0;  // watches from below this get 410
  std::vector<std::shared_ptr<Watcher>> watchers_;
};

}  // namespace gpuext::kube::testing
