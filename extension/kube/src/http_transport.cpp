// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// One request/response exchange with the API server over libcurl: connection reuse through a
// share and a handle pool, client-side throttling, credentials and retries.
#include "http_transport.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::kube::internal {

namespace {

std::once_flag curl_init_once;

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t ReadHeader(char* data, size_t size, size_t count, void* out) {
  const std::string_view line(data, size * count);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (line.size() > kRetryAfter.size()) {
    std::string name(line.substr(0, kRetryAfter.size()));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name == kRetryAfter) {
      std::string value(line.substr(kRetryAfter.size()));
      const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
      value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
      value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
      *static_cast<std::string*>(out) = value;
    }
  }
  return size * count;
}

bool Idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE";
}

bool RetryableStatus(int status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

void SetBlob(CURL* handle, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(handle, option, &blob);
}

}  // namespace

CurlEasy MakeCurlEasy() {
  CurlEasy handle(curl_easy_init());
  if (handle == nullptr) {
    throw Error(ErrorCode::kInternal, "curl_easy_init failed");
  }
  return handle;
}

void AppendHeader(CurlSlist& list, const std::string& header) {
  curl_slist* head = curl_slist_append(list.get(), header.c_str());
  if (head == nullptr) {
    throw Error(ErrorCode::kInternal, "curl_slist_append failed");
  }
  (void)list.release();
  list.reset(head);
}

std::string QueryEscape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

class Transport::Lease {
 public:
  explicit Lease(Transport& transport) : transport_(transport), handle_(transport.Acquire()) {}
  ~Lease() { transport_.Release(std::move(handle_)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  [[nodiscard]] CURL* get() const { return handle_.get(); }

 private:
  Transport& transport_;
  CurlEasy handle_;
};

Transport::Transport(RestConfig config, HttpClientOptions options, Clock& clock)
    : config_(std::move(config)),
      options_(std::move(options)),
      clock_(clock),
      credentials_(config_, clock),
      bucket_(clock, options_.qps, options_.burst) {
  std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (config_.server.empty()) {
    throw Error(ErrorCode::kConfigurationProblem, "REST config: server is empty");
  }
  user_agent_ = fmt::format("gardener-extension-gpu/{} ({})", options_.version, options_.component);
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  http2_ = options_.http2 && (info->features & CURL_VERSION_HTTP2) != 0;
  share_.reset(curl_share_init());
  if (share_ == nullptr) {
    throw Error(ErrorCode::kInternal, "curl_share_init failed");
  }
  curl_share_setopt(share_.get(), CURLSHOPT_LOCKFUNC, &Transport::LockShare);
  curl_share_setopt(share_.get(), CURLSHOPT_UNLOCKFUNC, &Transport::UnlockShare);
  curl_share_setopt(share_.get(), CURLSHOPT_USERDATA, this);
  curl_share_setopt(share_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(share_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
}

Transport::~Transport() {
  // Easy handles go before the share they use.
  std::lock_guard lock(pool_mutex_);
  idle_.clear();
}

void Transport::LockShare(CURL* /*handle*/, curl_lock_data data, curl_lock_access /*access*/,
                          void* self) {
  static_cast<Transport*>(self)->share_locks_[static_cast<size_t>(data)].lock();
}

void Transport::UnlockShare(CURL* /*handle*/, curl_lock_data data, void* self) {
  static_cast<Transport*>(self)->share_locks_[static_cast<size_t>(data)].unlock();
}

CurlEasy Transport::Acquire() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      CurlEasy handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  return MakeCurlEasy();
}

void Transport::Release(CurlEasy handle) {
  std::lock_guard lock(pool_mutex_);
  idle_.push_back(std::move(handle));
}

void Transport::Configure(CURL* handle, const std::string& path, const AuthInfo& auth,
                          bool streaming, CurlSlist& headers) const {
  curl_easy_reset(handle);
  const std::string url = config_.server + path;
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  if (!streaming) {
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(options_.request_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_SHARE, share_.get());
  }
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  if (http2_) {
    curl_easy_setopt(handle, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  }
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "https,http");
  if (config_.insecure_skip_tls_verify) {
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!config_.ca_pem.empty()) {
      SetBlob(handle, CURLOPT_CAINFO_BLOB, config_.ca_pem);
    }
  }
  if (!auth.client_cert_pem.empty()) {
    curl_easy_setopt(handle, CURLOPT_SSLCERTTYPE, "PEM");
    SetBlob(handle, CURLOPT_SSLCERT_BLOB, auth.client_cert_pem);
    curl_easy_setopt(handle, CURLOPT_SSLKEYTYPE, "PEM");
    SetBlob(handle, CURLOPT_SSLKEY_BLOB, auth.client_key_pem);
  }
  AppendHeader(headers, "Accept: application/json");
  if (!auth.bearer_token.empty()) {
    AppendHeader(headers, "Authorization: Bearer " + auth.bearer_token);
  }
  // Not "Expect: 100-continue" on large bodies: one round trip less, as Go's client.
  AppendHeader(headers, "Expect:");
}

void Transport::Throttle() {
  const auto wait = bucket_.Reserve();
  if (wait > std::chrono::steady_clock::duration::zero()) {
    clock_.SleepFor(wait, std::stop_token());
  }
}

void Transport::Observe(const RequestRecord& record) const {
  if (options_.observer) {
    options_.observer(record);
  }
}

HttpResponse Transport::Do(const HttpRequest& request) {
  const bool idempotent = Idempotent(request.method);
  const int max_attempts = std::max(1, options_.max_attempts);
  bool auth_retried = false;
  auto backoff =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.initial_backoff);
  std::string last_error;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    Throttle();
    const AuthInfo auth = credentials_.Current();
    HttpResponse response;
    CURLcode rc = CURLE_OK;
    const auto started = std::chrono::steady_clock::now();
    {
      Lease lease(*this);
      CURL* handle = lease.get();
      CurlSlist headers;
      Configure(handle, request.path, auth, /*streaming=*/false, headers);
      if (!request.content_type.empty()) {
        AppendHeader(headers, "Content-Type: " + request.content_type);
      }
      curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      if (request.method == "GET") {
        curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
      } else if (!request.body.empty() || request.method != "DELETE") {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
      }
      curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &AppendBody);
      curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
      curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &ReadHeader);
      curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response.retry_after);
      rc = curl_easy_perform(handle);
      long status = 0;
      curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
      response.status = rc == CURLE_OK ? static_cast<int>(status) : 0;
      // Credentials live in the handle's blobs until the next reset; drop them now.
      curl_easy_reset(handle);
    }
    Observe(RequestRecord{request.verb, request.resource, response.status,
                          std::chrono::steady_clock::now() - started});
    const bool last = attempt == max_attempts;
    if (rc != CURLE_OK) {
      last_error = curl_easy_strerror(rc);
      if (!idempotent || last) {
        break;
      }
    } else if (response.status == 401 && !auth_retried && credentials_.Invalidate()) {
      // A rotated token file or an expired plugin credential: read it again, once.
      auth_retried = true;
      continue;
    } else if (!last &&
               (response.status == 429 || (idempotent && RetryableStatus(response.status)))) {
      const auto retry_after = ParseRetryAfter(response.retry_after);
      const auto wait =
          retry_after
              ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(*retry_after)
              : backoff;
      clock_.SleepFor(wait, std::stop_token());
      backoff = std::min<std::chrono::steady_clock::duration>(backoff * 2, options_.max_backoff);
      continue;
    } else {
      return response;
    }
    clock_.SleepFor(backoff, std::stop_token());
    backoff = std::min<std::chrono::steady_clock::duration>(backoff * 2, options_.max_backoff);
  }
  throw Error(ErrorCode::kRetryableInfraDependencies,
              fmt::format("{} {}{}: {}", request.method, config_.server,
                          request.path.substr(0, request.path.find('?')), last_error));
}

}  // namespace gpuext::kube::internal
