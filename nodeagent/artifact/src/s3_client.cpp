// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/s3_client.h"

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gpuext/nodeagent/artifact/s3_xml.h"
#include "gpuext/sha256.h"
#include "s3_request.h"

namespace gpuext::nodeagent::artifact {

namespace {

[[noreturn]] void S3ThrowMissing(std::string_view field) {
  throw Error(ErrorCode::kConfigurationProblem,
              fmt::format("S3 client: {} is required; set it in the cache.s3 configuration or its "
                          "credentials Secret",
                          field));
}

std::int64_t S3ParseInt(std::string_view text) {
  std::int64_t value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return -1;
  }
  return value;
}

}  // namespace

namespace internal {

std::string S3FileSha256(const std::filesystem::path& file) { return Sha256File(file).sha256_hex; }

}  // namespace internal

void S3Client::ValidateConfig() {
  if (config_.region.empty()) {
    S3ThrowMissing("cache.s3.region");
  }
  if (config_.bucket.empty()) {
    S3ThrowMissing("cache.s3.bucket");
  }
  if (config_.credentials.access_key_id.empty()) {
    S3ThrowMissing("accessKeyId");
  }
  if (config_.credentials.secret_access_key.empty()) {
    S3ThrowMissing("secretAccessKey");
  }
  if (config_.part_size < 1 || config_.multipart_threshold < 1) {
    throw Error(ErrorCode::kInvalidArgument,
                "S3 client: part_size and multipart_threshold must be positive");
  }
  prefix_ = config_.prefix;
  while (prefix_.starts_with('/')) {
    prefix_.erase(0, 1);
  }
  if (!prefix_.empty() && !prefix_.ends_with('/')) {
    prefix_.push_back('/');
  }
  sigv4_ = "aws:amz:" + config_.region + ":s3";
  static_cast<void>(Url(""));  // refuses an impossible virtual-hosted setup now, not later
}

std::string S3Client::Url(std::string_view key, const S3Query& query) const {
  const std::string full = key.empty() ? std::string() : prefix_ + std::string(key);
  return S3ObjectUrl(endpoint_, config_.bucket, config_.force_path_style, full, query);
}

std::string S3Client::PutObject(std::string_view key, std::string_view body,
                                const S3Headers& headers) {
  Request request{.method = "PUT", .key = std::string(key), .headers = headers, .body = body};
  const Response response = Perform(request);
  if (!response.ok()) {
    ThrowFor(request, response);
  }
  return response.Header("etag");
}

std::optional<std::string> S3Client::PutConditional(std::string_view key, std::string_view body,
                                                    const S3Headers& headers) {
  Request request{.method = "PUT", .key = std::string(key), .headers = headers, .body = body};
  const Response response = Perform(request);
  if (response.status == 412 || response.status == 409) {
    return std::nullopt;
  }
  if (!response.ok()) {
    ThrowFor(request, response);
  }
  return response.Header("etag");
}

std::optional<std::string> S3Client::PutObjectIfAbsent(std::string_view key,
                                                       std::string_view body) {
  return PutConditional(key, body, {{"If-None-Match", "*"}});
}

std::optional<std::string> S3Client::PutObjectIfMatch(std::string_view key, std::string_view body,
                                                      std::string_view etag) {
  return PutConditional(key, body, {{"If-Match", std::string(etag)}});
}

std::string S3Client::PutFile(std::string_view key, const std::filesystem::path& file,
                              std::string_view sha256_hex, const S3Headers& headers) {
  std::error_code ec;
  const auto size = static_cast<std::int64_t>(std::filesystem::file_size(file, ec));
  if (ec) {
    throw Error(ErrorCode::kInternal, fmt::format("stat {}: {}", file.string(), ec.message()));
  }
  if (size > config_.multipart_threshold) {
    return PutFileMultipart(key, file, size, headers);
  }
  Request request{.method = "PUT",
                  .key = std::string(key),
                  .headers = headers,
                  .body_file = file,
                  .body_size = size,
                  .payload_sha256 =
                      sha256_hex.empty() ? internal::S3FileSha256(file) : std::string(sha256_hex)};
  const Response response = Perform(request);
  if (!response.ok()) {
    ThrowFor(request, response);
  }
  return response.Header("etag");
}

std::optional<S3ObjectInfo> S3Client::HeadObject(std::string_view key) {
  Request request{.method = "HEAD", .key = std::string(key)};
  const Response response = Perform(request);
  if (response.status == 404) {
    return std::nullopt;
  }
  if (!response.ok()) {
    ThrowFor(request, response);
  }
  return S3ObjectInfo{.size = S3ParseInt(response.Header("content-length")),
                      .etag = response.Header("etag")};
}

std::optional<S3Object> S3Client::GetObject(std::string_view key) {
  Request request{.method = "GET", .key = std::string(key)};
  Response response = Perform(request);
  if (response.status == 404 && XmlChildText(response.body, "Code") != "NoSuchBucket") {
    return std::nullopt;
  }
  if (!response.ok()) {
    ThrowFor(request, response);
  }
  return S3Object{.body = std::move(response.body), .etag = response.Header("etag")};
}

std::optional<S3Download> S3Client::GetObjectToFile(std::string_view key,
                                                    const std::filesystem::path& file,
                                                    std::int64_t offset) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error(ErrorCode::kInternal,
                fmt::format("create {}: {}", file.string(), std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size != offset) {
    ::close(fd);
    throw Error(ErrorCode::kInternal,
                fmt::format("download {}: the file holds {} bytes, not the offset {}",
                            file.string(), static_cast<std::int64_t>(st.st_size), offset));
  }
  Request request{.method = "GET",
                  .key = std::string(key),
                  .out_fd = fd,
                  .truncate_on_full_answer = offset > 0};
  if (offset > 0) {
    request.headers.emplace_back("Range", fmt::format("bytes={}-", offset));
  }
  Response response;
  try {
    response = Perform(request);
  } catch (...) {
    ::close(fd);
    throw;
  }
  const int close_rc = ::close(fd);
  if (response.status == 404 && XmlChildText(response.body, "Code") != "NoSuchBucket") {
    return std::nullopt;
  }
  if (response.status == 416) {
    return S3Download{.range_not_satisfiable = true};
  }
  if (!response.ok()) {
    ThrowFor(request, response);
  }
  if (close_rc != 0) {
    throw Error(ErrorCode::kInternal,
                fmt::format("close {}: {}", file.string(), std::strerror(errno)));
  }
  S3Download out{.written = response.written, .etag = response.Header("etag")};
  const std::string range = response.Header("content-range");
  if (response.status == 206 && range.find('/') != std::string::npos) {
    out.total_size = S3ParseInt(std::string_view(range).substr(range.find('/') + 1));
  } else {
    out.total_size = response.written;
  }
  return out;
}

void S3Client::DeleteObject(std::string_view key) {
  Request request{.method = "DELETE", .key = std::string(key)};
  const Response response = Perform(request);
  if (response.status == 404 && XmlChildText(response.body, "Code") != "NoSuchBucket") {
    return;
  }
  if (!response.ok()) {
    ThrowFor(request, response);
  }
}

S3ListPage S3Client::ListObjectsV2(std::string_view prefix, std::string_view continuation_token,
                                   int max_keys) {
  Request request{.method = "GET",
                  .query = {{"list-type", "2"},
                            {"prefix", prefix_ + std::string(prefix)},
                            {"max-keys", std::to_string(max_keys)}}};
  if (!continuation_token.empty()) {
    request.query.emplace_back("continuation-token", std::string(continuation_token));
  }
  const Response response = Perform(request);
  if (!response.ok()) {
    ThrowFor(request, response);
  }
  S3ListPage page;
  for (const std::string_view contents : XmlElements(response.body, "Contents")) {
    std::string key = XmlChildText(contents, "Key").value_or("");
    if (!key.starts_with(prefix_)) {
      continue;
    }
    key.erase(0, prefix_.size());
    page.entries.push_back({.key = std::move(key),
                            .size = S3ParseInt(XmlChildText(contents, "Size").value_or("")),
                            .etag = XmlChildText(contents, "ETag").value_or("")});
  }
  if (XmlChildText(response.body, "IsTruncated") == "true") {
    page.next_continuation_token =
        XmlChildText(response.body, "NextContinuationToken").value_or("");
    if (page.next_continuation_token.empty()) {
      throw S3Error(ErrorCode::kInternal,
                    fmt::format("S3 list s3://{}/{}{}: the answer is truncated but carries no "
                                "NextContinuationToken; the endpoint does not speak "
                                "ListObjectsV2",
                                config_.bucket, prefix_, prefix),
                    response.status, "");
    }
  }
  return page;
}

std::vector<S3ListEntry> S3Client::ListAll(std::string_view prefix, int page_size) {
  std::vector<S3ListEntry> out;
  std::string token;
  do {
    S3ListPage page = ListObjectsV2(prefix, token, page_size);
    for (S3ListEntry& entry : page.entries) {
      out.push_back(std::move(entry));
    }
    token = std::move(page.next_continuation_token);
  } while (!token.empty());
  return out;
}

}  // namespace gpuext::nodeagent::artifact
