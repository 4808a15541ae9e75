// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// HttpCacheClient: the node agent's side of the gpu-driver-cache API (DESIGN.md §13.3 step 5,
// §14.3) over libcurl and HTTPS. Reads need no token; lease requests send the projected
// ServiceAccount token (audience gpu-driver-cache) from `token_file`, re-read on every call
// because the kubelet rotates it.
//
//   HttpCacheClient cache({.base_url = "https://gpu-driver-cache.gpu-driver-cache.svc",
//                          .ca_pem = config.cache.ca, .token_file =
//                          "/var/run/secrets/cache/token"});
//   if (auto text = cache.GetManifest(key)) { ... }
//   cache.DownloadBlob(digest, scratch / "blob", [](int64_t done, int64_t total) { ... });
//   CacheLeaseAnswer a = cache.RequestLease(key, {.node = node, .kernel_release = release});
//
// DownloadBlob is resumable: it writes `<dest>.part`, continues a leftover part with a Range
// request, and renames to `dest` only after the whole file's sha256 matched the digest. A
// mismatch removes the part and throws, so `dest` never holds unverified bytes (§13.4).
//
// Safe for concurrent use (every call uses its own curl handle). Failures throw gpuext::Error:
// kNotFound for a missing blob, kInfraUnauthorized for 401/403, kRetryableInfraDependencies for
// connection errors and 5xx, kInvalidArgument for a digest mismatch or a malformed answer.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/nodeagent/artifact/http_cache_api.h"
#include "gpuext/nodeagent/artifact/key.h"

namespace gpuext::nodeagent::artifact {

struct HttpCacheOptions {
  std::string base_url = {};  // "https://gpu-driver-cache.gpu-driver-cache.svc", no trailing "/"
  std::string ca_pem = {};    // trusted CA bundle (PEM); empty: ca_file, else the system store
  std::filesystem::path ca_file = {};
  std::filesystem::path token_file = {};  // bearer token for POST /v1/leases; empty: none
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // A transfer slower than 1 KiB/s for this long is aborted (a stalled connection).
  std::chrono::milliseconds stall_timeout = std::chrono::seconds(60);
  // Whole-request bound for small JSON calls (not for blob transfers).
  std::chrono::milliseconds request_timeout = std::chrono::seconds(60);
  // Reach the server through another address without weakening TLS, with curl's --connect-to
  // semantics: "HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT" (an empty HOST or PORT matches any).
  // The certificate is still verified for the URL's host. For a port-forward or a local
  // landscape, e.g. "gpu-driver-cache.gpu-driver-cache.svc:443:127.0.0.1:18443".
  std::vector<std::string> connect_to = {};
};

// Why a --connect-to entry is malformed ("" when it is fine): it must be
// HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT, hosts may be empty or [IPv6], ports empty or
// 1-65535. The message names the flag and the expected shape.
[[nodiscard]] std::string ConnectToProblem(std::string_view entry);

// (bytes done, bytes total); total is -1 while unknown.
using DownloadProgress = std::function<void(std::int64_t, std::int64_t)>;

class HttpCacheClient {
 public:
  explicit HttpCacheClient(HttpCacheOptions options);

  [[nodiscard]] const HttpCacheOptions& options() const { return options_; }

  // GET /v1/manifests/{key}: the manifest text, or nullopt on 404.
  [[nodiscard]] std::optional<std::string> GetManifest(const ArtifactKey& key) const;
  // HEAD /v1/manifests/{key}.
  [[nodiscard]] bool ManifestExists(const ArtifactKey& key) const;
  // HEAD /v1/blobs/{digest}: the size, or nullopt on 404.
  [[nodiscard]] std::optional<std::int64_t> BlobSize(std::string_view digest) const;
  // Resumable, verified download (see above). Throws Error(kNotFound) when the blob is absent.
  void DownloadBlob(std::string_view digest, const std::filesystem::path& dest,
                    const DownloadProgress& progress = {}) const;
  // POST /v1/leases with the bearer token.
  [[nodiscard]] CacheLeaseAnswer RequestLease(const ArtifactKey& key,
                                              const LeaseRequester& requester) const;
  // POST /v1/prebuild with the bearer token: a build of a kernel key ahead of any node that
  // needs it (`gpu cache prebuild`). The same answers as RequestLease.
  [[nodiscard]] CacheLeaseAnswer Prebuild(const ArtifactKey& key, std::string_view os_version = {},
                                          std::string_view pool = {}) const;
  // GET /v1/builds/{key}: nullopt when the server knows no build of the key.
  [[nodiscard]] std::optional<BuildStatus> GetBuild(const ArtifactKey& key) const;
  // GET /v1/keys?prefix=: every key path (all pages).
  [[nodiscard]] std::vector<std::string> ListKeys(std::string_view prefix) const;

 private:
  HttpCacheOptions options_;
};

}  // namespace gpuext::nodeagent::artifact
