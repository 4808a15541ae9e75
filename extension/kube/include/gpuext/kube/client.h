// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// kube::Client: the one interface every component uses to talk to a Kubernetes API
// (DESIGN.md §6). Objects are nlohmann::json; only our own APIs are typed.
//
//   if (auto cm = client.Get(kConfigMaps, {"ns", "name"})) { ... }      // nullopt on 404
//   client.Patch(kConfigMaps, {"ns", "name"}, PatchType::kMerge, {{"data", {{"k", "v"}}}});
//   client.Delete(kConfigMaps, {"ns", "name"});                          // absent is fine
//
// Implementations: HttpClient (http_client.h, libcurl) and kube::testing::FakeClient
// (test/testing). Every implementation is safe for concurrent use. Failures other than the
// documented "answers" (404 on Get/Delete) throw ApiError (api_error.h) or gpuext::Error.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/kube/resource.h"

namespace gpuext::kube {

enum class PatchType {
  kMerge,      // application/merge-patch+json (RFC 7386)
  kJson,       // application/json-patch+json (RFC 6902)
  kStrategic,  // application/strategic-merge-patch+json (built-in kinds only)
  kApply,      // application/apply-patch+yaml (server-side apply; needs field_manager)
};

enum class Subresource { kNone, kStatus };

struct ListOptions {
  std::string ns = {};              // empty: all namespaces (or a cluster-scoped resource)
  std::string label_selector = {};  // "app=x,tier in (a,b)"
  std::string field_selector = {};  // "metadata.name=x"
  std::int64_t limit = 500;         // page size; List follows `continue` until done (0: no paging)
  std::string resource_version = {};  // List: "" (latest) or "0" (any); Watch: start after this
  bool allow_watch_bookmarks = true;  // Watch only
  std::optional<std::int64_t> timeout_seconds = {};  // Watch only: server closes after this
};

struct WriteOptions {
  std::string field_manager = {};  // required for PatchType::kApply
  bool force = false;              // kApply: take ownership of conflicting fields
  bool dry_run = false;            // dryRun=All
};

enum class PropagationPolicy { kDefault, kBackground, kForeground, kOrphan };

struct DeleteOptions {
  PropagationPolicy propagation = PropagationPolicy::kDefault;
  std::optional<std::string> precondition_uid = {};
  std::optional<std::string> precondition_resource_version = {};
  std::optional<std::int64_t> grace_period_seconds = {};
  bool dry_run = false;
};

// One event of a watch. For kError, `object` is the metav1.Status the server sent.
struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type;
  nlohmann::json object;
};

// A server stream of watch events. Next() blocks until an event arrives, and returns nullopt
// when the stream ended (server closed it, timeout_seconds passed, or the stop token given to
// Client::Watch was triggered). A 410 Gone arrives as a kError event (or as ApiError thrown by
// Watch itself); the caller decides whether to relist.
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  virtual std::optional<WatchEvent> Next() = 0;
};

class Client {
 public:
  virtual ~Client() = default;

  // nullopt on 404.
  virtual std::optional<nlohmann::json> Get(const Resource& resource, const ObjectKey& key) = 0;

  // A complete list (kind XList with all items and the list's metadata.resourceVersion);
  // follows `continue` tokens page by page.
  virtual nlohmann::json List(const Resource& resource, const ListOptions& options) = 0;

  // Namespace is taken from obj.metadata.namespace.
  virtual nlohmann::json Create(const Resource& resource, const nlohmann::json& obj,
                                const WriteOptions& options = {}) = 0;

  // PUT with obj.metadata.resourceVersion as precondition; a stale version throws ApiError
  // with IsConflict(). Subresource::kStatus writes only the status.
  virtual nlohmann::json Update(const Resource& resource, const nlohmann::json& obj,
                                Subresource subresource = Subresource::kNone,
                                const WriteOptions& options = {}) = 0;

  virtual nlohmann::json Patch(const Resource& resource, const ObjectKey& key, PatchType type,
                               const nlohmann::json& patch,
                               Subresource subresource = Subresource::kNone,
                               const WriteOptions& options = {}) = 0;

  // 404 counts as success. Returns without waiting for finalizers.
  virtual void Delete(const Resource& resource, const ObjectKey& key,
                      const DeleteOptions& options = {}) = 0;

  // Deletes every object matching options.label_selector/field_selector in options.ns.
  virtual void DeleteCollection(const Resource& resource, const ListOptions& options,
                                const DeleteOptions& delete_options = {}) = 0;

  // Starts a watch; events arrive through the returned stream until it ends or stop fires.
  virtual std::unique_ptr<WatchStream> Watch(const Resource& resource, const ListOptions& options,
                                             std::stop_token stop) = 0;
};

}  // namespace gpuext::kube
