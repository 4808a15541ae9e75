// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// One S3 exchange over libcurl: pooled easy handles, SigV4 by libcurl, bodies from memory or a
// file, responses into memory or a file, and the mapping of S3 errors to S3Error with a fix.
#include "s3_request.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "gpuext/nodeagent/artifact/s3_xml.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::artifact {

namespace {

constexpr std::size_t kS3MaxErrorBody = 64 * 1024;

struct S3CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using S3CurlEasy = std::unique_ptr<CURL, S3CurlEasyDeleter>;

struct S3CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using S3CurlSlist = std::unique_ptr<curl_slist, S3CurlSlistDeleter>;

// What the libcurl callbacks of one exchange share.
struct S3Transfer {
  CURL* handle = nullptr;
  const S3Client::Request* request = nullptr;
  S3Client::Response* response = nullptr;
  // Request body source.
  std::string_view memory_body = {};
  int body_fd = -1;
  std::int64_t body_offset = 0;
  std::int64_t body_left = 0;
  // Set when writing to out_fd failed (errno), so the caller reports it instead of curl's
  // generic "write error".
  int write_errno = 0;
  bool truncated = false;
};

std::size_t S3ReadBody(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<S3Transfer*>(user);
  const std::size_t want = std::min<std::size_t>(
      size * count, static_cast<std::size_t>(std::max<std::int64_t>(t->body_left, 0)));
  if (want == 0) {
    return 0;
  }
  if (t->body_fd < 0) {
    std::memcpy(buffer, t->memory_body.data() + t->body_offset, want);
    t->body_offset += static_cast<std::int64_t>(want);
    t->body_left -= static_cast<std::int64_t>(want);
    return want;
  }
  while (true) {
    const ssize_t n = ::pread(t->body_fd, buffer, want, t->body_offset);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return CURL_READFUNC_ABORT;  // the file shrank or broke while being sent
    }
    t->body_offset += n;
    t->body_left -= n;
    return static_cast<std::size_t>(n);
  }
}

bool S3WriteAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::size_t S3WriteResponse(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<S3Transfer*>(user);
  const std::size_t total = size * count;
  long status = 0;
  curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &status);
  const bool success = status >= 200 && status < 300;
  if (success && t->request->out_fd >= 0) {
    if (status == 200 && t->request->truncate_on_full_answer && !t->truncated) {
      // The server ignored our Range and sends the whole object: start the file over.
      if (::ftruncate(t->request->out_fd, 0) != 0) {
        t->write_errno = errno;
        return 0;
      }
      t->truncated = true;
    }
    if (!S3WriteAll(t->request->out_fd, data, total)) {
      t->write_errno = errno;
      return 0;
    }
    t->response->written += static_cast<std::int64_t>(total);
    return total;
  }
  if (success || t->response->body.size() < kS3MaxErrorBody) {
    t->response->body.append(data, total);
  }
  return total;
}

std::size_t S3WriteHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<S3Transfer*>(user);
  const std::size_t total = size * count;
  const std::string_view line(data, total);
  const auto colon = line.find(':');
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after 100 Continue or a redirect)
  } else if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    t->response->headers.emplace_back(std::move(name), std::string(value));
  }
  return total;
}

void S3AppendHeader(S3CurlSlist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) {
    throw Error(ErrorCode::kInternal, "curl_slist_append failed");
  }
  static_cast<void>(list.release());
  list.reset(next);
}

// The body file of a PUT from a file, open for the duration of one exchange; fd -1 otherwise.
struct S3BodyFile {
  explicit S3BodyFile(const S3Client::Request& request) {
    if (request.method != "PUT" || request.body_file.empty()) {
      return;
    }
    fd = ::open(request.body_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw Error(ErrorCode::kInternal,
                  fmt::format("open {}: {}", request.body_file.string(), std::strerror(errno)));
    }
  }
  ~S3BodyFile() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  S3BodyFile(const S3BodyFile&) = delete;
  S3BodyFile& operator=(const S3BodyFile&) = delete;
  int fd = -1;
};

// x-amz-content-sha256 (always: curl 7.88 signs it as the payload hash), the session token, and
// the request's own headers.
S3CurlSlist S3RequestHeaders(const S3Client::Request& request, const std::string& session_token) {
  S3CurlSlist headers;
  const std::string payload_hash =
      request.payload_sha256.empty() ? Sha256Hex(request.body) : request.payload_sha256;
  S3AppendHeader(headers, "x-amz-content-sha256: " + payload_hash);
  if (!session_token.empty()) {
    S3AppendHeader(headers, "x-amz-security-token: " + session_token);
  }
  for (const auto& [name, value] : request.headers) {
    S3AppendHeader(headers, name + ": " + value);
  }
  return headers;
}

void S3SetConnectionOptions(CURL* h, const S3ClientConfig& config) {
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(
      h, CURLOPT_LOW_SPEED_TIME,
      static_cast<long>(std::max<std::int64_t>(config.low_speed_time.count() / 1000, 1)));
  if (!config.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, config.ca_file.c_str());
  }
  if (!config.ca_pem.empty()) {
    // libcurl copies the blob (CURL_BLOB_COPY), so the struct may go out of scope.
    curl_blob ca_blob{.data = const_cast<char*>(config.ca_pem.data()),
                      .len = config.ca_pem.size(),
                      .flags = CURL_BLOB_COPY};
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca_blob);
  }
}

void S3SetCallbacks(CURL* h, S3Transfer& transfer) {
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, S3WriteResponse);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, S3WriteHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
}

void S3SetMethodAndBody(CURL* h, const S3Client::Request& request, int body_fd,
                        S3Transfer& transfer) {
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    transfer.body_fd = body_fd;
    transfer.memory_body = request.body;
    transfer.body_left =
        body_fd >= 0 ? request.body_size : static_cast<std::int64_t>(request.body.size());
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, S3ReadBody);
    curl_easy_setopt(h, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(transfer.body_left));
  } else if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

// What to do about an S3 error code, and how serious it is.
struct S3Fix {
  ErrorCode code;
  std::string fix;
};

S3Fix S3FixFor(const S3ClientConfig& config, long status, const std::string& s3_code) {
  const std::string& secret = config.credentials_source;
  if (s3_code == "SignatureDoesNotMatch") {
    return {ErrorCode::kInfraUnauthorized,
            fmt::format("check the secretAccessKey in {} (and that the endpoint does not rewrite "
                        "requests)",
                        secret)};
  }
  if (s3_code == "InvalidAccessKeyId") {
    return {ErrorCode::kInfraUnauthorized, fmt::format("check the accessKeyId in {}", secret)};
  }
  if (s3_code == "ExpiredToken" || s3_code == "InvalidToken" || s3_code == "TokenRefreshRequired") {
    return {ErrorCode::kInfraUnauthorized,
            fmt::format("renew the securityToken in {} or remove it for long-lived keys", secret)};
  }
  if (s3_code == "RequestTimeTooSkewed") {
    return {ErrorCode::kRetryableConfigurationProblem,
            "this machine's clock is off; fix its time synchronisation (NTP)"};
  }
  if (s3_code == "AccessDenied" || status == 403) {
    return {ErrorCode::kInfraUnauthorized,
            fmt::format("the credentials in {} lack permission on bucket {} (readers need "
                        "s3:GetObject and s3:ListBucket, writers also s3:PutObject and "
                        "s3:DeleteObject)",
                        secret, config.bucket)};
  }
  if (s3_code == "NoSuchBucket") {
    return {ErrorCode::kConfigurationProblem,
            fmt::format("check cache.s3.bucket ({}) and cache.s3.region, or create the bucket",
                        config.bucket)};
  }
  if (s3_code == "PermanentRedirect" || s3_code == "AuthorizationHeaderMalformed" ||
      s3_code == "IllegalLocationConstraintException") {
    return {ErrorCode::kConfigurationProblem,
            fmt::format("cache.s3.region \"{}\" is not the bucket's region; set the bucket's "
                        "region",
                        config.region)};
  }
  if (s3_code == "SlowDown" || status == 429 || status == 503) {
    return {ErrorCode::kInfraRateLimits, "the endpoint throttles requests; retry later"};
  }
  if (status >= 500) {
    return {ErrorCode::kRetryableInfraDependencies, "the endpoint failed; retry later"};
  }
  return {ErrorCode::kInternal, "see the S3 error code"};
}

}  // namespace

struct S3Client::HandlePool {
  std::mutex mu;  // guards free_handles
  std::vector<S3CurlEasy> free_handles;

  S3CurlEasy Take() {
    {
      std::lock_guard lock(mu);
      if (!free_handles.empty()) {
        S3CurlEasy handle = std::move(free_handles.back());
        free_handles.pop_back();
        curl_easy_reset(handle.get());  // keeps the connection cache
        return handle;
      }
    }
    S3CurlEasy handle(curl_easy_init());
    if (handle == nullptr) {
      throw Error(ErrorCode::kInternal, "curl_easy_init failed");
    }
    return handle;
  }
  void Give(S3CurlEasy handle) {
    std::lock_guard lock(mu);
    free_handles.push_back(std::move(handle));
  }
};

S3Client::Response S3Client::Perform(Request& request) {
  const bool replayable = request.out_fd < 0 && request.method != "POST";
  auto backoff = config_.retry_backoff;
  for (int attempt = 1;; ++attempt) {
    const bool last = !replayable || attempt >= config_.max_attempts;
    try {
      Response response = PerformOnce(request);
      const long s = response.status;
      if (last || !(s == 500 || s == 502 || s == 503 || s == 504)) {
        return response;
      }
    } catch (const S3Error& e) {
      if (last || e.http_status() != 0 || e.code() != ErrorCode::kRetryableInfraDependencies) {
        throw;
      }
    }
    clock_.SleepUntil(clock_.SteadyNow() + backoff, std::stop_token());
    backoff *= 2;
  }
}

S3Client::Response S3Client::PerformOnce(Request& request) {
  Response response;
  const S3BodyFile body_file(request);  // before taking a handle: a failure here loses none
  S3CurlEasy handle = pool_->Take();
  CURL* h = handle.get();
  S3Transfer transfer{.handle = h, .request = &request, .response = &response};
  const std::string url = Url(request.key, request.query);
  const S3CurlSlist headers = S3RequestHeaders(request, config_.credentials.session_token);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4_.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, config_.credentials.access_key_id.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, config_.credentials.secret_access_key.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  S3SetConnectionOptions(h, config_);
  S3SetCallbacks(h, transfer);
  S3SetMethodAndBody(h, request, body_file.fd, transfer);

  const CURLcode rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  // Forget the credentials in the pooled handle; the next request sets its own.
  curl_easy_setopt(h, CURLOPT_PASSWORD, "");
  pool_->Give(std::move(handle));
  if (transfer.write_errno != 0) {
    throw Error(ErrorCode::kInternal,
                fmt::format("S3 GET s3://{}/{}{}: writing the download failed: {}", config_.bucket,
                            prefix_, request.key, std::strerror(transfer.write_errno)));
  }
  if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
    throw S3Error(ErrorCode::kConfigurationProblem,
                  fmt::format("S3 {} s3://{}/{}{}: the TLS certificate of {} is not trusted ({}); "
                              "give the CA bundle that signed it, or fix the endpoint",
                              request.method, config_.bucket, prefix_, request.key,
                              config_.endpoint, curl_easy_strerror(rc)),
                  0, "");
  }
  if (rc != CURLE_OK) {
    throw S3Error(
        ErrorCode::kRetryableInfraDependencies,
        fmt::format("S3 {} s3://{}/{}{}: no answer from {}: {}", request.method, config_.bucket,
                    prefix_, request.key, config_.endpoint, curl_easy_strerror(rc)),
        0, "");
  }
  return response;
}

void S3Client::ThrowFor(const Request& request, const Response& response) const {
  std::string s3_code = XmlChildText(response.body, "Code").value_or("");
  std::string message = XmlChildText(response.body, "Message").value_or("");
  if (s3_code.empty() && response.status == 403) {
    s3_code = "AccessDenied";  // HEAD answers carry no body
  }
  if (s3_code.empty() && response.status == 404 && request.key.empty()) {
    s3_code = "NoSuchBucket";
  }
  const S3Fix fix = S3FixFor(config_, response.status, s3_code);
  const std::string object =
      request.key.empty() ? fmt::format("s3://{}/{}", config_.bucket, prefix_)
                          : fmt::format("s3://{}/{}{}", config_.bucket, prefix_, request.key);
  throw S3Error(fix.code,
                fmt::format("S3 {} {}: HTTP {} {}{}{}; {}", request.method, object, response.status,
                            s3_code.empty() ? "(no error code)" : s3_code,
                            message.empty() ? "" : ": ", message, fix.fix),
                response.status, s3_code);
}

S3Client::S3Client(S3ClientConfig config, Clock& clock)
    : config_(std::move(config)), clock_(clock), endpoint_(ParseS3Endpoint(config_.endpoint)) {
  static std::once_flag curl_once;
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  ValidateConfig();
  pool_ = std::make_unique<HandlePool>();
}

S3Client::~S3Client() = default;

}  // namespace gpuext::nodeagent::artifact
