// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Garbage collection and quota of the cache's filesystem store (DESIGN.md §14.6).
//
//   GarbageCollector gc(store, clock, {.quota_bytes = 50 << 30}, &served);
//   GcResult r = gc.RunOnce();   // hourly
//
// Quota first: while the stored blob bytes exceed the quota, manifests are evicted in
// least-recently-served order, never one served within min_retention and never one that
// `in_use` names (a kernel running in the cluster); the blobs only they referenced go with
// them. Then mark and sweep: every blob referenced by a manifest is kept, an unreferenced blob
// is deleted once it is older than `grace` (uploads of a build in flight are unreferenced until
// their commit).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"
#include "gpuext/nodeagent/artifact/fs_store.h"

namespace gpuext::nodeagent::cache {

// When each key was last served (GET of its manifest), persisted to a file so that a restart
// keeps the eviction order. Safe for concurrent use.
class ServedLog {
 public:
  // Loads `file` when it exists; empty path: memory only.
  explicit ServedLog(std::filesystem::path file = {});
  void Touch(std::string_view key_path, std::chrono::system_clock::time_point when);
  [[nodiscard]] std::optional<std::chrono::system_clock::time_point> Last(
      std::string_view key_path) const;
  void Forget(std::string_view key_path);
  // Writes the file atomically (no-op without a file).
  void Save() const;

 private:
  std::filesystem::path file_;
  mutable std::mutex mutex_;
  std::map<std::string, std::chrono::system_clock::time_point, std::less<>> last_;
};

struct GcOptions {
  std::chrono::seconds grace = std::chrono::hours(24);
  std::int64_t quota_bytes = 0;  // 0: no quota
  std::chrono::seconds min_retention = std::chrono::hours(24 * 7);
  // Upload staging of the server (<data>/uploads/<lease id>/): directories untouched for
  // `grace` belong to builds that died before their commit and are removed. Empty: skipped.
  std::filesystem::path staging_dir = {};
  // True for keys that must stay (kernels running in the cluster); unset: none.
  std::function<bool(const artifact::ArtifactKey&)> in_use = {};
};

struct GcResult {
  std::int64_t deleted_blobs = 0;
  std::int64_t deleted_bytes = 0;
  std::vector<std::string> evicted = {};  // key paths
  std::int64_t bytes_stored = 0;          // after the run
  bool over_quota = false;                // still above the quota (everything left is protected)
  std::int64_t removed_uploads = 0;       // abandoned staging directories removed
};

// The kernel releases of the cluster's Nodes (status.nodeInfo.kernelVersion and the NFD label
// gpu.extensions.gardener.cloud/kernel-release), for GcOptions::in_use: quota eviction never
// removes the kernel part a running node may need after a reboot.
[[nodiscard]] std::set<std::string, std::less<>> RunningKernelReleases(kube::Client& client);

class GarbageCollector {
 public:
  GarbageCollector(artifact::FilesystemBlobStore& store, const Clock& clock, GcOptions options,
                   ServedLog* served = nullptr);
  GcResult RunOnce();

 private:
  artifact::FilesystemBlobStore& store_;
  const Clock& clock_;
  GcOptions options_;
  ServedLog* served_;
};

}  // namespace gpuext::nodeagent::cache
