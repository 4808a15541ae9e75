// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where a finished build goes (DESIGN.md §14.5 step 6): blobs first, then the manifest, so a
// reader that sees a manifest finds its blobs. The builder never holds the manifest signing key
// in a cluster (the cache server signs on commit); BlobStoreSink signs itself for the
// filesystem backend and tests.
//
//   artifact::FilesystemBlobStore store(dir, clock);
//   BlobStoreSink sink(store, signing_key);
//   builder.BuildAndPublish(request, sink, stop);

#include <filesystem>
#include <string_view>

#include "gpuext/nodeagent/artifact/blob_store.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/artifact/signing.h"

namespace gpuext::nodeagent {

// The publishing side of one build. Implementations are confined to the build's thread.
class ArtifactSink {
 public:
  virtual ~ArtifactSink() = default;

  // The build moved to `phase` ("fetch", "compile", "sign", "pack", "upload"): a chance to
  // heartbeat a lease. The default does nothing.
  virtual void Progress(std::string_view phase);

  // Stores one blob of the artifact; `file` is the packed blob, `digest` its "sha256:<hex>".
  // Throws gpuext::Error when the blob cannot be stored.
  virtual void PutBlob(std::string_view digest, const std::filesystem::path& file) = 0;

  // Publishes the manifest after every blob it names was put. `manifest.signature` is unset: the
  // publisher signs (the cache server, or BlobStoreSink with its key). Throws gpuext::Error.
  virtual void Commit(const artifact::ArtifactManifest& manifest) = 0;
};

// Publishes into a BlobStore (FilesystemBlobStore: the cache server's PV, an NFS share, a local
// --output-dir), signing each manifest with `key`. Both references must outlive the sink.
class BlobStoreSink final : public ArtifactSink {
 public:
  BlobStoreSink(artifact::BlobStore& store, const artifact::SigningKey& key)
      : store_(store), key_(&key) {}
  // Publishes unsigned manifests (local debugging only: agents refuse them).
  explicit BlobStoreSink(artifact::BlobStore& store) : store_(store), key_(nullptr) {}

  void PutBlob(std::string_view digest, const std::filesystem::path& file) override;
  void Commit(const artifact::ArtifactManifest& manifest) override;

 private:
  artifact::BlobStore& store_;
  const artifact::SigningKey* key_;  // nullptr: unsigned
};

}  // namespace gpuext::nodeagent
