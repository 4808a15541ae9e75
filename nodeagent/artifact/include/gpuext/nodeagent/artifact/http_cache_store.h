// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// HttpCacheBlobStore: the gpu-driver-cache as a read-only BlobStore for the node agent's
// source list (DESIGN.md §13.2). Reads go through HttpCacheClient (verified, resumable blob
// downloads); every write throws, because only builders publish, through the upload API.
//
//   HttpCacheBlobStore store(HttpCacheClient({.base_url = url, .ca_pem = ca}));
//   if (auto text = store.GetManifest(key)) { store.GetBlob(digest, scratch / "blob"); }

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpuext/nodeagent/artifact/blob_store.h"
#include "gpuext/nodeagent/artifact/http_cache_client.h"

namespace gpuext::nodeagent::artifact {

class HttpCacheBlobStore final : public BlobStore {
 public:
  explicit HttpCacheBlobStore(HttpCacheClient client) : client_(std::move(client)) {}

  [[nodiscard]] HttpCacheClient& client() { return client_; }

  [[nodiscard]] bool BlobExists(std::string_view digest) override;
  [[nodiscard]] std::optional<std::int64_t> BlobSize(std::string_view digest) override;
  // Downloads through `<dest>.part` (resumed on a retry) and verifies the digest.
  bool GetBlob(std::string_view digest, const std::filesystem::path& dest) override;
  void PutBlob(std::string_view digest, const std::filesystem::path& source) override;
  // Not offered by the cache API: throws.
  [[nodiscard]] std::vector<std::string> ListBlobs() override;
  void DeleteBlob(std::string_view digest) override;

  [[nodiscard]] std::optional<std::string> GetManifest(const ArtifactKey& key) override;
  [[nodiscard]] bool ManifestExists(const ArtifactKey& key) override;
  void PutManifest(const ArtifactManifest& manifest) override;
  [[nodiscard]] std::vector<ArtifactKey> ListManifests(std::string_view prefix) override;
  void DeleteManifest(const ArtifactKey& key) override;

 private:
  HttpCacheClient client_;
};

}  // namespace gpuext::nodeagent::artifact
