// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where artifacts live (DESIGN.md §13.2, §14.2): content-addressed blobs plus one manifest per
// key. Implementations: FilesystemBlobStore (fs_store.h), and later S3 and the cache's HTTP API.
// Every implementation keeps the layout
//
//   blobs/sha256/<2 hex>/<64 hex>       manifests/<key path>.json
//
// and publishes atomically: PutManifest refuses while a blob it names is missing, so a reader that
// sees a manifest can fetch all of its blobs. Blob transfers stream to and from files.
//
//   store.PutBlob(packed.digest, blob_file);       // verifies the digest while writing
//   store.PutManifest(manifest);                   // last
//   if (auto text = store.GetManifest(key)) { ... DecodeManifest(*text) ... }

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/nodeagent/artifact/key.h"
#include "gpuext/nodeagent/artifact/manifest.h"

namespace gpuext::nodeagent::artifact {

// "blobs/sha256/ab/abcd..." for "sha256:abcd...". Throws gpuext::Error(kInvalidArgument) for a
// malformed digest.
[[nodiscard]] std::string BlobObjectName(std::string_view digest);
// "manifests/<key path>.json".
[[nodiscard]] std::string ManifestObjectName(const ArtifactKey& key);

// Safe for concurrent use by several threads and processes (each implementation says how).
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  [[nodiscard]] virtual bool BlobExists(std::string_view digest) = 0;
  // Size in bytes, or nullopt when absent.
  [[nodiscard]] virtual std::optional<std::int64_t> BlobSize(std::string_view digest) = 0;
  // Streams the blob into `dest` (created or truncated). Returns false when the blob is absent.
  // Throws gpuext::Error when the stored bytes do not match the digest.
  virtual bool GetBlob(std::string_view digest, const std::filesystem::path& dest) = 0;
  // Stores the file under `digest`, hashing while copying; a mismatch throws
  // gpuext::Error(kInvalidArgument) and stores nothing. Storing an existing blob is a no-op.
  virtual void PutBlob(std::string_view digest, const std::filesystem::path& source) = 0;
  // Digests ("sha256:<hex>") of every stored blob, sorted.
  [[nodiscard]] virtual std::vector<std::string> ListBlobs() = 0;
  // Absent blobs are fine.
  virtual void DeleteBlob(std::string_view digest) = 0;

  // The manifest's JSON text as stored (callers decode and verify it), or nullopt.
  [[nodiscard]] virtual std::optional<std::string> GetManifest(const ArtifactKey& key) = 0;
  [[nodiscard]] virtual bool ManifestExists(const ArtifactKey& key) = 0;
  // Publishes the manifest under manifest.key, replacing an older one. Throws
  // gpuext::Error(kNotReady) naming the first missing blob when not every blob is stored.
  virtual void PutManifest(const ArtifactManifest& manifest) = 0;
  // Keys whose path starts with `prefix` ("" for all, "kernel/580.95.05/"), sorted by path.
  [[nodiscard]] virtual std::vector<ArtifactKey> ListManifests(std::string_view prefix) = 0;
  // Absent manifests are fine.
  virtual void DeleteManifest(const ArtifactKey& key) = 0;
};

}  // namespace gpuext::nodeagent::artifact
