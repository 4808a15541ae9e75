// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/http_cache_client.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/sha256.h"
#include "http_cache_transport.h"

namespace gpuext::nodeagent::artifact {

namespace {

namespace hc = http_cache_internal;
using nlohmann::json;

hc::TransportOptions HttpCacheClientTransport(const HttpCacheOptions& o, bool transfer) {
  return {.ca_pem = o.ca_pem,
          .ca_file = o.ca_file,
          .connect_timeout = o.connect_timeout,
          .stall_timeout = o.stall_timeout,
          .request_timeout = transfer ? std::chrono::milliseconds(0) : o.request_timeout,
          .connect_to = o.connect_to};
}

std::string HttpCacheClientFileSha256(const std::filesystem::path& file) {
  return "sha256:" + Sha256File(file).sha256_hex;
}

// "bytes 100-199/1000" → 1000 (and the first byte); nullopt when absent or malformed.
std::optional<std::pair<std::int64_t, std::int64_t>> HttpCacheClientContentRange(
    const hc::Response& r) {
  const auto it = r.headers.find("content-range");
  if (it == r.headers.end()) {
    return std::nullopt;
  }
  long long first = -1;
  long long last = -1;
  long long total = -1;
  if (std::sscanf(it->second.c_str(), "bytes %lld-%lld/%lld", &first, &last, &total) == 3) {
    return std::make_pair(static_cast<std::int64_t>(first), static_cast<std::int64_t>(total));
  }
  if (std::sscanf(it->second.c_str(), "bytes */%lld", &total) == 1) {
    return std::make_pair(std::int64_t{-1}, static_cast<std::int64_t>(total));
  }
  return std::nullopt;
}

std::int64_t HttpCacheClientContentLength(const hc::Response& r) {
  const auto it = r.headers.find("content-length");
  return it == r.headers.end() ? -1 : std::strtoll(it->second.c_str(), nullptr, 10);
}

void HttpCacheClientFsync(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

// Consumes one "host:" or "[v6]:" (or, with last, "port") field from `rest`.
bool ConnectToField(std::string_view& rest, bool host, bool last, std::string_view& field) {
  std::size_t end = 0;
  if (host && rest.starts_with('[')) {
    end = rest.find(']');
    if (end == std::string_view::npos) {
      return false;
    }
    ++end;
  } else {
    end = last ? rest.size() : rest.find(':');
    if (end == std::string_view::npos) {
      return false;
    }
  }
  field = rest.substr(0, end);
  if (!last) {
    if (end >= rest.size() || rest[end] != ':') {
      return false;
    }
    ++end;
  }
  rest.remove_prefix(std::min(end, rest.size()));
  return true;
}

bool ConnectToPortOk(std::string_view port) {
  if (port.empty()) {
    return true;
  }
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535;
}

// POSTs `body` to the cache server with the node's ServiceAccount token (when configured) and
// decodes the lease answer: leases and prebuilds answer alike.
CacheLeaseAnswer HttpCachePostForLease(const HttpCacheOptions& options, const std::string& path,
                                       const json& body) {
  hc::Request req{.method = "POST",
                  .url = options.base_url + path,
                  .headers = {"Content-Type: application/json"},
                  .body = body.dump()};
  if (!options.token_file.empty()) {
    const auto token = ReadFileIfExists(options.token_file);
    if (!token) {
      throw Error(ErrorCode::kInfraUnauthorized,
                  fmt::format("cache token file {} does not exist; mount the projected "
                              "ServiceAccount token with audience gpu-driver-cache there",
                              options.token_file.string()));
    }
    std::string t = *token;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) {
      t.pop_back();
    }
    req.headers.push_back("Authorization: Bearer " + t);
  }
  const hc::Response res = hc::Perform(HttpCacheClientTransport(options, false), req);
  if (res.status != 200) {
    hc::ThrowStatus(req, res);
  }
  try {
    return CacheLeaseAnswerFromJson(json::parse(res.body));
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("POST {}: not JSON: {}", req.url, e.what()));
  }
}

}  // namespace

std::string ConnectToProblem(std::string_view entry) {
  std::string_view rest = entry;
  std::string_view host;
  std::string_view port;
  std::string_view to_host;
  std::string_view to_port;
  if (!ConnectToField(rest, true, false, host) || !ConnectToField(rest, false, false, port) ||
      !ConnectToField(rest, true, false, to_host) || !ConnectToField(rest, false, true, to_port) ||
      !ConnectToPortOk(port) || !ConnectToPortOk(to_port)) {
    return fmt::format(
        "--connect-to: Invalid value: \"{}\": want HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT, "
        "e.g. gpu-driver-cache.gpu-driver-cache.svc:443:127.0.0.1:18443",
        entry);
  }
  return "";
}

HttpCacheClient::HttpCacheClient(HttpCacheOptions options) : options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') {
    options_.base_url.pop_back();
  }
  if (options_.base_url.empty()) {
    throw Error(
        ErrorCode::kInvalidArgument,
        "cache client: base_url is required, e.g. https://gpu-driver-cache.gpu-driver-cache.svc");
  }
}

std::optional<std::string> HttpCacheClient::GetManifest(const ArtifactKey& key) const {
  const hc::Request req{.method = "GET", .url = options_.base_url + "/v1/manifests/" + key.Path()};
  hc::Response res = hc::Perform(HttpCacheClientTransport(options_, false), req);
  if (res.status == 404) {
    return std::nullopt;
  }
  if (res.status != 200) {
    hc::ThrowStatus(req, res);
  }
  return std::move(res.body);
}

bool HttpCacheClient::ManifestExists(const ArtifactKey& key) const {
  const hc::Request req{.method = "HEAD", .url = options_.base_url + "/v1/manifests/" + key.Path()};
  const hc::Response res = hc::Perform(HttpCacheClientTransport(options_, false), req);
  if (res.status == 404) {
    return false;
  }
  if (res.status != 200) {
    hc::ThrowStatus(req, res);
  }
  return true;
}

std::optional<std::int64_t> HttpCacheClient::BlobSize(std::string_view digest) const {
  if (!IsSha256Digest(digest)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("blob digest \"{}\" is not sha256:<64 hex>", digest));
  }
  const hc::Request req{.method = "HEAD",
                        .url = options_.base_url + "/v1/blobs/" + std::string(digest)};
  const hc::Response res = hc::Perform(HttpCacheClientTransport(options_, false), req);
  if (res.status == 404) {
    return std::nullopt;
  }
  if (res.status != 200) {
    hc::ThrowStatus(req, res);
  }
  return HttpCacheClientContentLength(res);
}

void HttpCacheClient::DownloadBlob(std::string_view digest, const std::filesystem::path& dest,
                                   const DownloadProgress& progress) const {
  if (!IsSha256Digest(digest)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("blob digest \"{}\" is not sha256:<64 hex>", digest));
  }
  const std::filesystem::path part = dest.string() + ".part";
  // Two rounds at most: a leftover part the server cannot continue (416) starts over once.
  for (int round = 0; round < 2; ++round) {
    std::error_code ec;
    std::int64_t offset = 0;
    if (std::filesystem::exists(part, ec)) {
      offset = static_cast<std::int64_t>(std::filesystem::file_size(part, ec));
      if (ec) {
        offset = 0;
      }
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(part.c_str(), "ab"),
                                                        &std::fclose);
    if (!out) {
      throw Error(ErrorCode::kInternal, fmt::format("open {} failed", part.string()));
    }
    std::int64_t total = -1;
    hc::Request req{.method = "GET",
                    .url = options_.base_url + "/v1/blobs/" + std::string(digest),
                    .sink = out.get(),
                    .restart_on_full_body = offset > 0};
    if (offset > 0) {
      req.headers.push_back(fmt::format("Range: bytes={}-", offset));
    }
    req.on_bytes = [&](std::int64_t n, const hc::Response& answer) {
      if (!progress) {
        return;
      }
      if (total < 0) {
        const auto range = HttpCacheClientContentRange(answer);
        total = range ? range->second : HttpCacheClientContentLength(answer);
      }
      progress((answer.status == 206 ? offset : 0) + n, total);
    };
    const hc::Response res = hc::Perform(HttpCacheClientTransport(options_, true), req);
    if (std::fclose(out.release()) != 0) {
      throw Error(ErrorCode::kInternal, fmt::format("write {} failed", part.string()));
    }
    if (res.status == 404) {
      std::filesystem::remove(part, ec);
      throw Error(ErrorCode::kNotFound,
                  fmt::format("blob {} is not in the cache {}", digest, options_.base_url));
    }
    if (res.status == 416) {
      const auto range = HttpCacheClientContentRange(res);
      if (range && range->second == offset) {
        break;  // the part is already complete; verify it below
      }
      std::filesystem::remove(part, ec);
      continue;
    }
    if (res.status != 200 && res.status != 206) {
      hc::ThrowStatus(req, res);
    }
    if (res.status == 206) {
      const auto range = HttpCacheClientContentRange(res);
      if (!range || range->first != offset) {
        std::filesystem::remove(part, ec);
        throw Error(ErrorCode::kRetryableInfraDependencies,
                    fmt::format("GET {}: the server answered another range than bytes={}-", req.url,
                                offset));
      }
      total = range->second;
    } else {
      total = HttpCacheClientContentLength(res);
    }
    if (progress && total >= 0) {
      progress(total, total);
    }
    break;
  }
  const std::string got = HttpCacheClientFileSha256(part);
  if (got != digest) {
    std::error_code ec;
    std::filesystem::remove(part, ec);
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("blob {} from {}: the downloaded bytes hash to {}; the download was "
                            "discarded (a corrupt cache entry or a broken proxy)",
                            digest, options_.base_url, got));
  }
  HttpCacheClientFsync(part);
  std::error_code ec;
  std::filesystem::rename(part, dest, ec);
  if (ec) {
    throw Error(ErrorCode::kInternal,
                fmt::format("rename {} to {}: {}", part.string(), dest.string(), ec.message()));
  }
}

CacheLeaseAnswer HttpCacheClient::RequestLease(const ArtifactKey& key,
                                               const LeaseRequester& requester) const {
  return HttpCachePostForLease(options_, "/v1/leases",
                               ToJson(LeaseRequest{.key = key.Path(), .requester = requester}));
}

std::optional<BuildStatus> HttpCacheClient::GetBuild(const ArtifactKey& key) const {
  const hc::Request req{.method = "GET", .url = options_.base_url + "/v1/builds/" + key.Path()};
  const hc::Response res = hc::Perform(HttpCacheClientTransport(options_, false), req);
  if (res.status == 404) {
    return std::nullopt;
  }
  if (res.status != 200) {
    hc::ThrowStatus(req, res);
  }
  try {
    return BuildStatusFromJson(json::parse(res.body));
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("GET {}: not JSON: {}", req.url, e.what()));
  }
}

CacheLeaseAnswer HttpCacheClient::Prebuild(const ArtifactKey& key, std::string_view os_version,
                                           std::string_view pool) const {
  if (key.part != ArtifactPart::kKernel || !key.module_type) {
    throw Error(ErrorCode::kInvalidArgument,
                "prebuild: only kernel parts can be built ahead, not " + key.Path());
  }
  const json body = {{"driverVersion", key.driver_version},
                     {"kernelRelease", key.kernel_release},
                     {"moduleType", gpuruntime::ToString(*key.module_type)},
                     {"arch", gpuruntime::ToString(key.arch)},
                     {"osVersion", std::string(os_version)},
                     {"pool", std::string(pool)}};
  return HttpCachePostForLease(options_, "/v1/prebuild", body);
}

std::vector<std::string> HttpCacheClient::ListKeys(std::string_view prefix) const {
  std::vector<std::string> keys;
  std::string token;
  for (int page = 0; page < 100000; ++page) {
    std::string url = options_.base_url + "/v1/keys?prefix=" + hc::QueryEscape(prefix);
    if (!token.empty()) {
      url += "&continue=" + hc::QueryEscape(token);
    }
    const hc::Request req{.method = "GET", .url = url};
    const hc::Response res = hc::Perform(HttpCacheClientTransport(options_, false), req);
    if (res.status != 200) {
      hc::ThrowStatus(req, res);
    }
    try {
      const json body = json::parse(res.body);
      for (const json& k : body.at("keys")) {
        keys.push_back(k.get<std::string>());
      }
      token = body.value("continue", std::string());
    } catch (const json::exception& e) {
      throw Error(ErrorCode::kInvalidArgument, fmt::format("GET {}: {}", url, e.what()));
    }
    if (token.empty()) {
      break;
    }
  }
  return keys;
}

}  // namespace gpuext::nodeagent::artifact
