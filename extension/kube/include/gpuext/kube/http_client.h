// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// HttpClient: kube::Client over libcurl (DESIGN.md §6).
//
//   HttpClient client(LoadConfig(flags.kubeconfig), {.component = "controller"});
//   auto cm = client.Get(Resource{"", "v1", "configmaps"}, {"ns", "name"});
//
// One CURLSH share (DNS, TLS sessions, connections) and a pool of reused easy handles give
// keep-alive across threads; HTTP/2 is negotiated when libcurl and the server support it.
// TLS verification is on unless the config says insecure-skip-tls-verify. Requests pass a
// client-side token bucket (QPS/burst) and are retried with exponential backoff on 429 (all
// verbs), 5xx and connection errors (idempotent verbs only), honouring Retry-After; a 401 makes
// rotating credentials (token file, exec plugin) be re-read and the request retried once.
// Non-2xx answers throw ApiError built from the server's metav1.Status.
//
// Safe for concurrent use. curl_global_init runs once on first construction (main should still
// call it before starting threads, as libcurl asks).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/kube/resource.h"

namespace gpuext::kube {

// What the client reports after every HTTP exchange (each retry attempt counts), for the
// Manager's REST client metrics.
struct RequestRecord {
  std::string verb = {};      // "GET", "LIST", "WATCH", "POST", "PUT", "PATCH", "DELETE"
  std::string resource = {};  // Resource::String(), or the path for raw requests
  int code = 0;               // HTTP status; 0 when no answer came (connection error)
  std::chrono::nanoseconds duration{};
};

struct HttpClientOptions {
  double qps = 20;  // <= 0: no client-side throttling
  int burst = 30;
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  std::chrono::milliseconds request_timeout = std::chrono::seconds(60);  // not for watches
  int max_attempts = 5;  // per request, retries included
  std::chrono::milliseconds initial_backoff = std::chrono::milliseconds(100);
  std::chrono::milliseconds max_backoff = std::chrono::seconds(10);
  std::string component = "client";  // user agent: gardener-extension-gpu/<version> (<component>)
  std::string version = "dev";
  bool http2 = true;  // negotiate HTTP/2 over TLS when possible (falls back to 1.1)
  // Called after every exchange from the requesting thread; must be cheap and thread-safe.
  std::function<void(const RequestRecord&)> observer = {};
};

class HttpClient final : public Client {
 public:
  // `clock` is used for throttling and backoff waits and must outlive the client.
  explicit HttpClient(RestConfig config, HttpClientOptions options = {},
                      Clock& clock = RealClock::Instance());
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

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

  // GET of a raw API path ("/apis/apps/v1"), for discovery. nullopt on 404.
  std::optional<nlohmann::json> GetPath(const std::string& path);

  [[nodiscard]] const RestConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Builds the ApiError for a non-2xx answer from its body: a metav1.Status (reason, message,
// details.causes) when the body is one, else the HTTP status and the body's first line.
[[nodiscard]] ApiError ApiErrorFromResponse(int http_status, std::string_view body);

// The "Retry-After" delay of an answer: delay-seconds only (HTTP dates are not used by
// kube-apiserver). nullopt when absent or unparseable.
[[nodiscard]] std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value);

}  // namespace gpuext::kube
