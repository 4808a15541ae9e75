// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/cli/cache_source.h"

#include <algorithm>
#include <set>

#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/artifact/s3_store.h"
#include "gpuext/nodeagent/cache/gc.h"

namespace gpuext::cli {

namespace {

namespace artifact = nodeagent::artifact;

std::vector<std::string> CacheSourceKeyPaths(const std::vector<artifact::ArtifactKey>& keys) {
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (const auto& k : keys) {
    out.push_back(k.Path());
  }
  return out;
}

[[noreturn]] void CacheSourcePrebuildNeedsServer(const std::string& source) {
  throw Error(ErrorCode::kInvalidArgument,
              "prebuild: not supported by " + source +
                  ": only the cache server builds; use --server with --token-file");
}

class ServerCacheSource final : public CacheSource {
 public:
  explicit ServerCacheSource(artifact::HttpCacheOptions options) : client_(std::move(options)) {}
  std::string Describe() const override { return "server " + client_.options().base_url; }
  std::vector<std::string> ListKeys(std::string_view prefix) override {
    auto keys = client_.ListKeys(prefix);
    std::sort(keys.begin(), keys.end());
    return keys;
  }
  std::optional<std::string> GetManifest(const artifact::ArtifactKey& key) override {
    return client_.GetManifest(key);
  }
  CacheGcSummary CollectGarbage(const CacheGcOptions& /*options*/) override {
    // docs/driver-cache.md: the API has no GC endpoint; the server runs GC every gc.interval.
    throw Error(ErrorCode::kInvalidArgument,
                "gc: not supported by this server: the gpu-driver-cache API has no GC endpoint "
                "(the server collects garbage itself every gc.interval); run `gpu cache gc "
                "--dir <data dir>` where the store's volume is mounted to collect now");
  }
  artifact::CacheLeaseAnswer Prebuild(const artifact::ArtifactKey& key,
                                      std::string_view os_version) override {
    return client_.Prebuild(key, os_version);
  }

 private:
  artifact::HttpCacheClient client_;
};

class DirectoryCacheSource final : public CacheSource {
 public:
  DirectoryCacheSource(const std::filesystem::path& dir, Clock& clock)
      : clock_(clock), store_(dir, clock) {}
  std::string Describe() const override { return "directory " + store_.root().string(); }
  std::vector<std::string> ListKeys(std::string_view prefix) override {
    return CacheSourceKeyPaths(store_.ListManifests(prefix));
  }
  std::optional<std::string> GetManifest(const artifact::ArtifactKey& key) override {
    return store_.GetManifest(key);
  }
  CacheGcSummary CollectGarbage(const CacheGcOptions& options) override {
    if (options.dry_run) {
      return DryRun();
    }
    // The server's own collector (docs/driver-cache.md "GC and quota"), without a quota: an
    // admin run only sweeps unreferenced blobs and abandoned uploads.
    const std::filesystem::path staging = store_.root() / "uploads";
    nodeagent::cache::GarbageCollector gc(
        store_, clock_,
        {.grace = options.grace,
         .quota_bytes = 0,
         .staging_dir = std::filesystem::exists(staging) ? staging : std::filesystem::path()});
    const auto r = gc.RunOnce();
    store_.SweepStaleFiles(options.grace);
    return {.deleted_blobs = r.deleted_blobs,
            .deleted_bytes = r.deleted_bytes,
            .evicted = r.evicted,
            .bytes_stored = r.bytes_stored,
            .removed_uploads = r.removed_uploads};
  }
  artifact::CacheLeaseAnswer Prebuild(const artifact::ArtifactKey& /*key*/,
                                      std::string_view /*os_version*/) override {
    CacheSourcePrebuildNeedsServer(Describe());
  }

 private:
  // The blobs no manifest references (age is not checked: a dry run only informs).
  CacheGcSummary DryRun() {
    std::set<std::string> referenced;
    for (const auto& key : store_.ListManifests("")) {
      if (const auto text = store_.GetManifest(key)) {
        for (const auto& blob : artifact::DecodeManifest(*text).blobs) {
          referenced.insert(blob.digest);
        }
      }
    }
    CacheGcSummary out;
    for (const auto& digest : store_.ListBlobs()) {
      const auto size = store_.BlobSize(digest).value_or(0);
      if (referenced.contains(digest)) {
        out.bytes_stored += size;
      } else {
        out.would_delete.push_back(digest);
      }
    }
    return out;
  }

  Clock& clock_;
  artifact::FilesystemBlobStore store_;
};

class BucketCacheSource final : public CacheSource {
 public:
  BucketCacheSource(artifact::S3ClientConfig config, Clock& clock)
      : bucket_(config.bucket), store_(std::move(config), clock, {.read_only = true}) {}
  std::string Describe() const override { return "bucket " + bucket_; }
  std::vector<std::string> ListKeys(std::string_view prefix) override {
    return CacheSourceKeyPaths(store_.ListManifests(prefix));
  }
  std::optional<std::string> GetManifest(const artifact::ArtifactKey& key) override {
    return store_.GetManifest(key);
  }
  CacheGcSummary CollectGarbage(const CacheGcOptions& /*options*/) override {
    throw Error(ErrorCode::kInvalidArgument,
                "gc: not supported for a bucket: garbage collection is written against the "
                "filesystem store (docs/driver-cache.md); use the bucket's lifecycle rules, or "
                "--dir for a filesystem store");
  }
  artifact::CacheLeaseAnswer Prebuild(const artifact::ArtifactKey& /*key*/,
                                      std::string_view /*os_version*/) override {
    CacheSourcePrebuildNeedsServer(Describe());
  }

 private:
  std::string bucket_;
  artifact::S3BlobStore store_;
};

}  // namespace

std::unique_ptr<CacheSource> MakeServerCacheSource(artifact::HttpCacheOptions options) {
  return std::make_unique<ServerCacheSource>(std::move(options));
}

std::unique_ptr<CacheSource> MakeDirectoryCacheSource(const std::filesystem::path& dir,
                                                      Clock& clock) {
  if (!std::filesystem::is_directory(dir)) {
    throw Error(ErrorCode::kInvalidArgument,
                "--dir: " + dir.string() + " is not a directory (the cache's data dir)");
  }
  return std::make_unique<DirectoryCacheSource>(dir, clock);
}

std::unique_ptr<CacheSource> MakeBucketCacheSource(artifact::S3ClientConfig config, Clock& clock) {
  return std::make_unique<BucketCacheSource>(std::move(config), clock);
}

}  // namespace gpuext::cli
