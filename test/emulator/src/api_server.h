// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The API machinery behind the HTTP layer: the verbs of kube-apiserver over the registry and
// the store, with defaulting, admission, validation, finalizers and generations as upstream
// does them. Safe for concurrent use.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "api_request.h"
#include "gpuext/emulator/admission/webhook_dispatcher.h"
#include "gpuext/logger.h"
#include "object_store.h"
#include "registry.h"

namespace gpuext::emulator {

struct ApiServerOptions {
  size_t watch_history = 10000;
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(5)};
  size_t max_body_bytes = 3 * 1024 * 1024;
};

class ApiServer {
 public:
  ApiServer(ApiServerOptions options, Logger log);
  ~ApiServer();

  Registry& registry() { return registry_; }
  ObjectStore& store() { return store_; }

  // Verbs. Each throws ApiStatus for anything kube-apiserver answers with a Status.
  nlohmann::json Get(const ApiRequest& req);
  nlohmann::json List(const ApiRequest& req);
  nlohmann::json Create(const ApiRequest& req);
  nlohmann::json Update(const ApiRequest& req);
  nlohmann::json Patch(const ApiRequest& req);
  nlohmann::json Delete(const ApiRequest& req);
  nlohmann::json DeleteCollection(const ApiRequest& req);

  // Checks a watch request (selectors, resourceVersion, sendInitialEvents) before the
  // response starts; throws ApiStatus.
  void ValidateWatch(const ApiRequest& req);
  // Streams watch events (one JSON object per call of `write`) until the timeout, `stop` or
  // `write` returning false (client gone). Validates the request and throws ApiStatus before
  // the first write (410 for a compacted resourceVersion); later failures become ERROR events.
  void Watch(const ApiRequest& req, const std::function<bool(const nlohmann::json&)>& write,
             std::stop_token stop);

  // Creates or replaces an object from a file given with --load (no admission).
  void Load(const nlohmann::json& object);

  // Garbage collection and namespace finalisation: runs until `stop`.
  void RunGarbageCollector(std::stop_token stop);
  // One pass of the collector (tests, and after --load).
  void CollectGarbageOnce();

  // Replaces the store's content with a snapshot (--data-dir) and serves its CRDs.
  void RestoreSnapshot(const nlohmann::json& snapshot);

  // How TokenReviews authenticate a token (the server's token list).
  void SetTokenAuthenticator(std::function<std::optional<UserInfo>(const std::string&)> auth) {
    authenticate_token_ = std::move(auth);
  }

 private:
  friend class WritePath;
  friend class GarbageCollector;

  nlohmann::json CreateObject(const ApiRequest& req, nlohmann::json obj);
  nlohmann::json UpdateObject(const ApiRequest& req, nlohmann::json obj, uint64_t expected_rv,
                              bool allow_create);
  nlohmann::json DeleteObject(const ApiRequest& req, const ObjectPtr& current,
                              const std::string& propagation, uint64_t expected_rv,
                              const std::string& expected_uid);
  nlohmann::json MergeForUpdate(const ApiRequest& req, const nlohmann::json& current,
                                nlohmann::json obj);
  void ValidateForWrite(const ResourceType& type, const nlohmann::json& obj,
                        const nlohmann::json* old_obj);
  void CheckNamespaceWritable(const ResourceType& type, const std::string& ns);
  void RejectIfCrdTerminating(const ResourceType& type);
  nlohmann::json ReviewToken(const nlohmann::json& review);
  // Registers a CRD's versions (and marks it Established) or unregisters a deleted one.
  void AfterWrite(const ResourceType& type, const nlohmann::json* obj, bool deleted);
  void RemoveIfFinalized(const ResourceType& type, const nlohmann::json& obj);
  admission::Environment AdmissionEnvironment();
  std::optional<std::string> ResolveService(const std::string& ns, const std::string& name,
                                            int port) const;

  ApiServerOptions options_;
  Logger log_;
  Registry registry_;
  ObjectStore store_;
  std::unique_ptr<admission::WebhookDispatcher> admission_;
  std::function<std::optional<UserInfo>(const std::string&)> authenticate_token_;
  std::mutex gc_mu_;  // Guards gc_pending_ together with gc_wakeup_.
  std::condition_variable_any gc_wakeup_;
  bool gc_pending_ = false;
};

}  // namespace gpuext::emulator
