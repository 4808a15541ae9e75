// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/local_cache.h"

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/decide.h"

namespace gpuext::nodeagent {

LocalArtifactCache::LocalArtifactCache(const HostPaths& host, Clock& clock)
    : store_(host.StateDir() / "artifacts", clock) {}

void LocalArtifactCache::Add(const artifact::ArtifactManifest& manifest,
                             const std::vector<std::filesystem::path>& blob_files) {
  if (blob_files.size() != manifest.blobs.size()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("local cache: {} blob files for {} blobs of {}", blob_files.size(),
                            manifest.blobs.size(), manifest.key.Path()));
  }
  for (std::size_t i = 0; i < blob_files.size(); ++i) {
    store_.PutBlob(manifest.blobs[i].digest, blob_files[i]);
  }
  store_.PutManifest(manifest);
}

void LocalArtifactCache::Forget(const artifact::ArtifactKey& key) {
  // The blobs go too: PutBlob keeps an existing blob, so a damaged one would stay forever.
  try {
    if (const auto text = store_.GetManifest(key)) {
      for (const auto& blob : artifact::DecodeManifest(*text).blobs) {
        store_.DeleteBlob(blob.digest);
      }
    }
  } catch (const std::exception&) {
    // An undecodable manifest names no blobs we could trust; Prune collects orphans.
  }
  store_.DeleteManifest(key);
}

void LocalArtifactCache::Prune(const std::set<std::string>& keep_trees) {
  std::vector<ParsedTreeName> keep;
  for (const std::string& name : keep_trees) {
    if (auto parsed = ParseTreeName(name)) {
      keep.push_back(*parsed);
    }
  }
  const auto kept = [&](const artifact::ArtifactKey& key) {
    for (const ParsedTreeName& t : keep) {
      if (key.driver_version != t.driver_version) {
        continue;
      }
      if (key.part == artifact::ArtifactPart::kUserspace ||
          (key.kernel_release == t.kernel_release && key.module_type == t.module_type)) {
        return true;
      }
    }
    return false;
  };
  std::set<std::string> referenced;
  for (const artifact::ArtifactKey& key : store_.ListManifests("")) {
    if (!kept(key)) {
      store_.DeleteManifest(key);
      continue;
    }
    const auto text = store_.GetManifest(key);
    try {
      for (const auto& blob : artifact::DecodeManifest(text.value_or("")).blobs) {
        referenced.insert(blob.digest);
      }
    } catch (const std::exception&) {
      store_.DeleteManifest(key);  // unreadable: fetched again when needed
    }
  }
  for (const std::string& digest : store_.ListBlobs()) {
    if (!referenced.contains(digest)) {
      store_.DeleteBlob(digest);
    }
  }
}

}  // namespace gpuext::nodeagent
