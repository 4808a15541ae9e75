// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The libcurl layer under HttpClient (private to gpuext::kube): RAII owners for curl handles,
// one request/response exchange with throttling, auth and retries, and the URL helpers.

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <curl/curl.h>

#include "gpuext/clock.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/kube/token_bucket.h"

namespace gpuext::kube::internal {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

struct CurlShareDeleter {
  void operator()(CURLSH* share) const { curl_share_cleanup(share); }
};
using CurlShare = std::unique_ptr<CURLSH, CurlShareDeleter>;

struct CurlMultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;

// Returns a new easy handle; throws Error(kInternal) when libcurl cannot allocate one.
CurlEasy MakeCurlEasy();

// Appends `headers` to `list`, returning the new head (curl_slist_append semantics, RAII).
void AppendHeader(CurlSlist& list, const std::string& header);

// Percent-encodes a query value (RFC 3986 unreserved characters pass).
std::string QueryEscape(std::string_view value);

// "/api/v1/namespaces/<ns>/<resource>/<name>[/status]" ("/apis/<group>/<version>/..." for named
// groups); ns and name are left out when empty.
std::string ResourcePath(const Resource& resource, const std::string& ns, const std::string& name,
                         Subresource subresource);

struct HttpRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string verb;    // for RequestRecord: LIST instead of GET for collections, etc.
  std::string resource;
  std::string path;  // "/api/v1/namespaces/x/configmaps?limit=500"
  std::string body;
  std::string content_type;  // empty: no body
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, if any
};

// Sends requests to one API server. Safe for concurrent use.
class Transport {
 public:
  Transport(RestConfig config, HttpClientOptions options, Clock& clock);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // One logical request: waits for the token bucket, sends, retries (429 always; 5xx and
  // connection errors for idempotent methods; 401 once after re-reading rotating
  // credentials). Returns the last answer whatever its status. Throws
  // Error(kRetryableInfraDependencies) when no answer came after all attempts.
  HttpResponse Do(const HttpRequest& request);

  // Sets URL, TLS, auth, timeouts and user agent on `handle` (after curl_easy_reset).
  // `headers` receives the handle's header list and must outlive the transfer.
  void Configure(CURL* handle, const std::string& path, const AuthInfo& auth, bool streaming,
                 CurlSlist& headers) const;

  // Blocks until the token bucket allows the next request.
  void Throttle();
  AuthInfo Auth() { return credentials_.Current(); }
  bool InvalidateAuth() { return credentials_.Invalidate(); }
  void Observe(const RequestRecord& record) const;

  [[nodiscard]] const RestConfig& config() const { return config_; }
  [[nodiscard]] const HttpClientOptions& options() const { return options_; }
  [[nodiscard]] Clock& clock() const { return clock_; }

 private:
  // A pooled easy handle, returned on destruction (keeps its connections warm).
  class Lease;

  CurlEasy Acquire();
  void Release(CurlEasy handle);
  static void LockShare(CURL* handle, curl_lock_data data, curl_lock_access access, void* self);
  static void UnlockShare(CURL* handle, curl_lock_data data, void* self);

  const RestConfig config_;
  const HttpClientOptions options_;
  Clock& clock_;
  Credentials credentials_;
  TokenBucket bucket_;
  std::string user_agent_;
  bool http2_ = false;

  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks_;  // one per shared curl data kind
  CurlShare share_;
  std::mutex pool_mutex_;  // guards idle_
  std::vector<CurlEasy> idle_;
};

}  // namespace gpuext::kube::internal
