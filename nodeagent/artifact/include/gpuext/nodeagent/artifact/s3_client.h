// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// S3Client: the object operations the S3 blob store needs, over libcurl (DESIGN.md §14.6
// "S3 client"). libcurl signs every request itself (CURLOPT_AWS_SIGV4 "aws:amz:<region>:s3");
// this client only hands it a canonical URL (s3_url.h) and sets x-amz-content-sha256 to the
// payload's hex sha256 (curl 7.88 signs that header as the payload hash and adds none itself).
//
//   S3Client s3({.endpoint = "https://s3.example", .region = "eu-central-1",
//                .bucket = "gpu-drivers", .credentials = {.access_key_id = id,
//                .secret_access_key = secret}});
//   s3.PutObject("manifests/x.json", text);
//   if (auto info = s3.HeadObject("blobs/…")) { … info->size … }
//   for (const S3ListEntry& e : s3.ListAll("manifests/")) { … }
//
// Keys are relative to config.prefix; every key in and out of the client omits it. A failed
// request throws S3Error: the HTTP status, S3's error code and message, the bucket and key, and
// what to fix ("check the secretAccessKey in …" for SignatureDoesNotMatch). Secrets never reach
// a message or a log. Safe for concurrent use (easy handles are pooled, so connections are kept
// alive across requests).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/s3_url.h"

namespace gpuext::nodeagent::artifact {

// S3 credentials (the keys accessKeyId, secretAccessKey[, securityToken] of the Secret named by
// cache.s3.secretRef). Never logged or put into messages.
struct S3Credentials {
  std::string access_key_id = {};
  std::string secret_access_key = {};
  std::string session_token = {};  // optional: sent as x-amz-security-token
};

struct S3ClientConfig {
  // cache.s3.endpoint: "http(s)://host[:port][/path]". Required: the caller derives the AWS
  // default for the region (DESIGN.md §8.1) when the user left it empty.
  std::string endpoint = {};
  std::string region = {};
  std::string bucket = {};
  std::string prefix = {};  // cache.s3.prefix; a trailing '/' is added when missing
  bool force_path_style = false;
  std::string ca_file = {};  // PEM bundle for https; "" = the system store
  std::string ca_pem = {};   // PEM text instead of a file
  S3Credentials credentials = {};
  // Named in error messages so that the fix points at the right object
  // ("Secret ref-gpu-cache-s3").
  std::string credentials_source = "the S3 credentials Secret";
  std::int64_t part_size = std::int64_t{16} << 20;  // multipart part size (>= 5 MiB on AWS)
  std::int64_t multipart_threshold = std::int64_t{16} << 20;  // files above this use multipart
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // Requests that can be replayed (not POSTs, not downloads into a file, which the caller
  // resumes) are retried after connection failures and 500/502/503/504 answers, waiting
  // retry_backoff, then twice as long, and so on.
  int max_attempts = 3;
  std::chrono::milliseconds retry_backoff = std::chrono::milliseconds(200);
  // A transfer slower than 1 KiB/s for this long is aborted (large blobs have no total limit).
  std::chrono::milliseconds low_speed_time = std::chrono::seconds(60);
};

// A failed S3 request. code() maps the S3 error: bad credentials → kInfraUnauthorized, a
// missing bucket → kConfigurationProblem, throttling → kInfraRateLimits, 5xx and connection
// failures → kRetryableInfraDependencies.
class S3Error : public Error {
 public:
  S3Error(ErrorCode code, const std::string& message, long http_status, std::string s3_code)
      : Error(code, message), http_status_(http_status), s3_code_(std::move(s3_code)) {}
  // 0 when no HTTP answer came (connection failure).
  [[nodiscard]] long http_status() const { return http_status_; }
  // "SignatureDoesNotMatch", "NoSuchKey", …; "" when the body carried none.
  [[nodiscard]] const std::string& s3_code() const { return s3_code_; }

 private:
  long http_status_;
  std::string s3_code_;
};

struct S3ObjectInfo {
  std::int64_t size = 0;
  std::string etag = {};  // as the server sent it, quotes included
};

struct S3Object {
  std::string body = {};
  std::string etag = {};
};

struct S3ListEntry {
  std::string key = {};  // without the prefix
  std::int64_t size = 0;
  std::string etag = {};
};

struct S3ListPage {
  std::vector<S3ListEntry> entries = {};
  std::string next_continuation_token = {};  // "" on the last page
};

// The result of a ranged download into a file.
struct S3Download {
  std::int64_t written = 0;     // bytes appended to the file by this call
  std::int64_t total_size = 0;  // the object's full size
  std::string etag = {};
  bool range_not_satisfiable = false;  // 416: the offset was at or past the end
};

// Extra request headers ("Content-Type", "If-None-Match", …), sent and signed as given.
using S3Headers = std::vector<std::pair<std::string, std::string>>;

class S3Client {
 public:
  // Throws gpuext::Error(kConfigurationProblem) for a bad endpoint, a missing region, bucket or
  // credential, or a virtual-hosted configuration that cannot work. `clock` paces retries and
  // must outlive the client.
  explicit S3Client(S3ClientConfig config, Clock& clock = RealClock::Instance());
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  [[nodiscard]] const S3ClientConfig& config() const { return config_; }
  // The normalised prefix ("" or ending in '/').
  [[nodiscard]] const std::string& prefix() const { return prefix_; }
  // The URL of `key` (relative to the prefix) with `query`; "" names the bucket.
  [[nodiscard]] std::string Url(std::string_view key, const S3Query& query = {}) const;

  // Stores `body` under `key` and returns the new ETag.
  std::string PutObject(std::string_view key, std::string_view body, const S3Headers& headers = {});
  // Conditional writes: nullopt when the condition failed (412, or 409 for a concurrent
  // conditional write), the new ETag otherwise. A server without conditional writes ignores the
  // header and always writes (S3BlobStore probes for this).
  [[nodiscard]] std::optional<std::string> PutObjectIfAbsent(std::string_view key,
                                                             std::string_view body);
  [[nodiscard]] std::optional<std::string> PutObjectIfMatch(std::string_view key,
                                                            std::string_view body,
                                                            std::string_view etag);
  // Streams a file (single PUT up to multipart_threshold, multipart above it). `sha256_hex` is
  // the file's hash when the caller knows it (else it is computed). Returns the ETag. A failed
  // multipart upload is aborted before the error is rethrown.
  std::string PutFile(std::string_view key, const std::filesystem::path& file,
                      std::string_view sha256_hex = {}, const S3Headers& headers = {});

  // nullopt when the object does not exist.
  [[nodiscard]] std::optional<S3ObjectInfo> HeadObject(std::string_view key);
  [[nodiscard]] std::optional<S3Object> GetObject(std::string_view key);
  // Appends the object's bytes from `offset` on (a Range request when offset > 0) to `file`,
  // which must hold exactly `offset` bytes already (or not exist when offset is 0). nullopt when
  // the object does not exist.
  [[nodiscard]] std::optional<S3Download> GetObjectToFile(std::string_view key,
                                                          const std::filesystem::path& file,
                                                          std::int64_t offset = 0);
  // A missing object is fine.
  void DeleteObject(std::string_view key);

  // One page of ListObjectsV2 under `prefix` (relative to the store prefix), keys sorted.
  [[nodiscard]] S3ListPage ListObjectsV2(std::string_view prefix,
                                         std::string_view continuation_token = {},
                                         int max_keys = 1000);
  // Every page.
  [[nodiscard]] std::vector<S3ListEntry> ListAll(std::string_view prefix, int page_size = 1000);

  // Multipart upload, for callers that drive it themselves; PutFile uses these.
  [[nodiscard]] std::string CreateMultipartUpload(std::string_view key,
                                                  const S3Headers& headers = {});
  // Returns the part's ETag. part_number counts from 1.
  [[nodiscard]] std::string UploadPart(std::string_view key, std::string_view upload_id,
                                       int part_number, std::string_view body);
  // parts: the ETags in part order. Returns the object's ETag.
  std::string CompleteMultipartUpload(std::string_view key, std::string_view upload_id,
                                      const std::vector<std::string>& part_etags);
  void AbortMultipartUpload(std::string_view key, std::string_view upload_id);

  // The pooled request machinery (s3_request.cpp); public only so that the private request
  // code can name it.
  struct Request;
  struct Response;

 private:
  void ValidateConfig();
  // One exchange, with retries for replayable requests.
  Response Perform(Request& request);
  Response PerformOnce(Request& request);
  // Throws S3Error for a non-2xx response (the caller handles its expected statuses first).
  [[noreturn]] void ThrowFor(const Request& request, const Response& response) const;
  std::string PutFileMultipart(std::string_view key, const std::filesystem::path& file,
                               std::int64_t size, const S3Headers& headers);
  std::optional<std::string> PutConditional(std::string_view key, std::string_view body,
                                            const S3Headers& headers);

  S3ClientConfig config_;
  Clock& clock_;
  S3Endpoint endpoint_;
  std::string prefix_;
  std::string sigv4_;  // "aws:amz:<region>:s3"

  struct HandlePool;
  std::unique_ptr<HandlePool> pool_;
};

}  // namespace gpuext::nodeagent::artifact
