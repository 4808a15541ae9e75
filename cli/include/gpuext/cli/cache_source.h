// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where `gpu cache` looks: the gpu-driver-cache server's HTTP API (HttpCacheClient), an S3
// bucket (S3BlobStore, read with the caller's credentials) or a directory (FilesystemBlobStore,
// e.g. the server's volume mounted on an admin machine). Each operation a source cannot do
// throws gpuext::Error(kInvalidArgument) saying which source can.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/nodeagent/artifact/http_cache_api.h"
#include "gpuext/nodeagent/artifact/http_cache_client.h"
#include "gpuext/nodeagent/artifact/key.h"
#include "gpuext/nodeagent/artifact/s3_client.h"

namespace gpuext::cli {

struct CacheGcOptions {
  // Unreferenced blobs younger than this stay (uploads of a build in flight).
  std::chrono::seconds grace = std::chrono::hours(24);
  bool dry_run = false;  // directory only: report what would go, delete nothing
};

struct CacheGcSummary {
  std::int64_t deleted_blobs = 0;
  std::int64_t deleted_bytes = 0;
  std::vector<std::string> evicted = {};  // key paths
  std::int64_t bytes_stored = 0;
  std::int64_t removed_uploads = 0;
  std::vector<std::string> would_delete = {};  // dry run: unreferenced blob digests
};

class CacheSource {
 public:
  virtual ~CacheSource() = default;
  // "server https://...", "directory /x", "bucket b".
  [[nodiscard]] virtual std::string Describe() const = 0;
  // Key paths starting with `prefix`, sorted.
  [[nodiscard]] virtual std::vector<std::string> ListKeys(std::string_view prefix) = 0;
  [[nodiscard]] virtual std::optional<std::string> GetManifest(
      const nodeagent::artifact::ArtifactKey& key) = 0;
  virtual CacheGcSummary CollectGarbage(const CacheGcOptions& options) = 0;
  virtual nodeagent::artifact::CacheLeaseAnswer Prebuild(
      const nodeagent::artifact::ArtifactKey& key, std::string_view os_version) = 0;
};

[[nodiscard]] std::unique_ptr<CacheSource> MakeServerCacheSource(
    nodeagent::artifact::HttpCacheOptions options);
// `clock` must outlive the source.
[[nodiscard]] std::unique_ptr<CacheSource> MakeDirectoryCacheSource(
    const std::filesystem::path& dir, Clock& clock);
[[nodiscard]] std::unique_ptr<CacheSource> MakeBucketCacheSource(
    nodeagent::artifact::S3ClientConfig config, Clock& clock);

}  // namespace gpuext::cli
