// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/builder_sink.h"

namespace gpuext::nodeagent {

void ArtifactSink::Progress(std::string_view /*phase*/) {}

void BlobStoreSink::PutBlob(std::string_view digest, const std::filesystem::path& file) {
  store_.PutBlob(digest, file);
}

void BlobStoreSink::Commit(const artifact::ArtifactManifest& manifest) {
  artifact::ArtifactManifest published = manifest;
  published.signature.reset();
  if (key_ != nullptr) {
    artifact::SignManifest(published, *key_);
  }
  store_.PutManifest(published);
}

}  // namespace gpuext::nodeagent
