// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The node-local artifact cache (DESIGN.md §13.3 step 5): verified copies of the artifacts the
// node uses, under var/lib/gpu-node-agent/artifacts/ (a hostPath that survives reboots, unlike
// /run/nvidia). A reboot therefore reinstalls the driver without network. The cache is a
// FilesystemBlobStore, so the agent reads it like any other source and verifies what it reads
// again; it is bounded to the artifacts of the current and the previous driver tree.
//
//   LocalArtifactCache cache(host, clock);
//   cache.Add(verified_manifest, blob_files);          // after a fetch from a remote source
//   cache.Prune({current_tree, previous_tree});         // after activation

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/host.h"

namespace gpuext::nodeagent {

// Confined to the agent's thread (the store below is safe for concurrent use; the bound is not).
class LocalArtifactCache {
 public:
  // Opens (creating) StateDir()/artifacts. `clock` must outlive the cache.
  LocalArtifactCache(const HostPaths& host, Clock& clock);

  [[nodiscard]] artifact::FilesystemBlobStore& store() { return store_; }
  [[nodiscard]] const std::filesystem::path& root() const { return store_.root(); }

  // Stores a verified artifact: each blob (files in the order of manifest.blobs), then the
  // manifest, last, so a crash never leaves a manifest without its blobs. Throws gpuext::Error.
  void Add(const artifact::ArtifactManifest& manifest,
           const std::vector<std::filesystem::path>& blob_files);

  // Drops an entry that failed verification (a damaged disk) with its blobs, so the agent
  // fetches it again.
  void Forget(const artifact::ArtifactKey& key);

  // Keeps the manifests that belong to the driver trees named in `keep_trees`
  // ("<version>-<kernel>-<type>": the kernel part with exactly that key, the userspace part of
  // that version) and the blobs they reference; removes every other manifest and blob.
  void Prune(const std::set<std::string>& keep_trees);

 private:
  artifact::FilesystemBlobStore store_;
};

}  // namespace gpuext::nodeagent
