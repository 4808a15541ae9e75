// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/http_cache_store.h"

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::nodeagent::artifact {

namespace {

[[noreturn]] void HttpCacheStoreReadOnly(std::string_view what) {
  throw Error(ErrorCode::kInvalidArgument,
              fmt::format("the gpu-driver-cache source is read-only: {} is not possible through "
                          "it; builders publish through the upload API (/v1/uploads)",
                          what));
}

}  // namespace

bool HttpCacheBlobStore::BlobExists(std::string_view digest) {
  return client_.BlobSize(digest).has_value();
}

std::optional<std::int64_t> HttpCacheBlobStore::BlobSize(std::string_view digest) {
  return client_.BlobSize(digest);
}

bool HttpCacheBlobStore::GetBlob(std::string_view digest, const std::filesystem::path& dest) {
  try {
    client_.DownloadBlob(digest, dest);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kNotFound) {
      return false;
    }
    throw;
  }
  return true;
}

void HttpCacheBlobStore::PutBlob(std::string_view digest, const std::filesystem::path&) {
  HttpCacheStoreReadOnly(fmt::format("storing blob {}", digest));
}

std::vector<std::string> HttpCacheBlobStore::ListBlobs() {
  HttpCacheStoreReadOnly("listing blobs");
}

void HttpCacheBlobStore::DeleteBlob(std::string_view digest) {
  HttpCacheStoreReadOnly(fmt::format("deleting blob {}", digest));
}

std::optional<std::string> HttpCacheBlobStore::GetManifest(const ArtifactKey& key) {
  return client_.GetManifest(key);
}

bool HttpCacheBlobStore::ManifestExists(const ArtifactKey& key) {
  return client_.ManifestExists(key);
}

void HttpCacheBlobStore::PutManifest(const ArtifactManifest& manifest) {
  HttpCacheStoreReadOnly(fmt::format("publishing the manifest of {}", manifest.key.Path()));
}

std::vector<ArtifactKey> HttpCacheBlobStore::ListManifests(std::string_view prefix) {
  std::vector<ArtifactKey> keys;
  for (const std::string& path : client_.ListKeys(prefix)) {
    keys.push_back(ArtifactKey::Parse(path));
  }
  return keys;
}

void HttpCacheBlobStore::DeleteManifest(const ArtifactKey& key) {
  HttpCacheStoreReadOnly(fmt::format("deleting the manifest of {}", key.Path()));
}

}  // namespace gpuext::nodeagent::artifact
