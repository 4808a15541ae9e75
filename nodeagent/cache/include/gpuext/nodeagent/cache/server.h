// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// CacheServer: the gpu-driver-cache HTTPS API (DESIGN.md §14.3) over a FilesystemBlobStore.
//
//   CacheServer server(options, {.store = store, .signing_key = key, .tokens = tokens,
//                                .authenticator = auth, .launcher = &launcher,
//                                .clock = clock, .log = log});
//   server.Start();          // serving on options.port (0: a free port, see port())
//   ...
//   server.Stop();
//
// Reads (manifests, blobs with single Range, builds, keys) need no token. POST /v1/leases and
// POST /v1/prebuild need the Authenticator's bearer token; heartbeats, uploads, commits and failure
// reports need the lease's upload token (upload_token.h). Exactly one lease request per key gets
// "granted" (the store's exclusive create), and that call launches the build; a dead
// builder's expired lease is taken over by the next request, which launches a new one.
// Commit unpacks the uploaded blobs, re-derives every file's size and sha256, checks module
// vermagic for kernel parts, signs the manifest and publishes blobs first, manifest last.
//
// Safe for concurrent use; every handler is a failure boundary that answers JSON
// {"error": "..."} with 400/401/403/404/409/413/416/503.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "gpuext/clock.h"
#include "gpuext/kube/metrics.h"
#include "gpuext/logger.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/cache/auth.h"
#include "gpuext/nodeagent/cache/gc.h"
#include "gpuext/nodeagent/cache/launcher.h"
#include "gpuext/nodeagent/cache/upload_token.h"

namespace gpuext::nodeagent::cache {

struct CacheServerOptions {
  std::string host = "0.0.0.0";
  int port = 8443;  // 0: any free port
  std::string tls_cert_pem = {};
  std::string tls_key_pem = {};
  // How builders reach this server: upload URLs are <public_url>/v1/uploads/<lease id>.
  std::string public_url = "https://gpu-driver-cache.gpu-driver-cache.svc";
  std::string cluster = {};  // lease holder prefix "<cluster>/<job>" and builder.cluster
  std::chrono::seconds lease_ttl = std::chrono::minutes(2);
  std::chrono::seconds token_validity = std::chrono::hours(2);  // build timeout + margin
  int max_concurrent_builds = 2;
  // Where uploads are staged until commit; default <store root>/uploads (same filesystem).
  std::filesystem::path staging_dir = {};
  int threads = 32;
  std::int64_t max_upload_bytes = std::int64_t{8} << 30;
  int keys_page_size = 500;
  std::int64_t held_retry_after_seconds = 10;
};

struct CacheServerDeps {
  artifact::FilesystemBlobStore& store;
  const artifact::SigningKey& signing_key;
  const UploadTokens& tokens;
  Authenticator& authenticator;
  BuildLauncher* launcher = nullptr;  // nullptr: builds disabled, misses answer "failed"
  Clock& clock;
  Logger log;
  ServedLog* served = nullptr;  // least-recently-served order for quota eviction
};

class CacheServer {
 public:
  // Throws gpuext::Error(kConfigurationProblem) for unusable TLS material.
  CacheServer(CacheServerOptions options, CacheServerDeps deps);
  ~CacheServer();
  CacheServer(const CacheServer&) = delete;
  CacheServer& operator=(const CacheServer&) = delete;

  // Binds and serves in background threads. Throws gpuext::Error when the address is taken.
  void Start();
  // Stops accepting; in-flight requests finish.
  void Stop();
  // Blocks until Stop().
  void Wait();
  [[nodiscard]] int port() const;

  // The server's metrics (§14.6), served at /metrics.
  [[nodiscard]] kube::metrics::Registry& metrics();
  // Adds a GC run's results to the metrics.
  void RecordGc(const GcResult& result);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpuext::nodeagent::cache
