// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/cache/gc.h"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/nodeagent/artifact/blob_store.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::cache {

namespace fs = std::filesystem;
using SysTime = std::chrono::system_clock::time_point;

ServedLog::ServedLog(fs::path file) : file_(std::move(file)) {
  if (file_.empty()) {
    return;
  }
  const auto text = ReadFileIfExists(file_);
  if (!text) {
    return;
  }
  try {
    const nlohmann::json parsed = nlohmann::json::parse(*text);
    if (!parsed.is_object()) {
      return;
    }
    for (const auto& [key, when] : parsed.items()) {
      if (const auto t = ParseRfc3339(when.get<std::string>())) {
        last_[key] = *t;
      }
    }
  } catch (const nlohmann::json::exception&) {
    // A damaged log only loses the eviction order; it is rewritten at the next Save.
  }
}

void ServedLog::Touch(std::string_view key_path, SysTime when) {
  std::lock_guard lock(mutex_);
  auto it = last_.find(key_path);
  if (it == last_.end()) {
    last_.emplace(std::string(key_path), when);
  } else if (it->second < when) {
    it->second = when;
  }
}

std::optional<SysTime> ServedLog::Last(std::string_view key_path) const {
  std::lock_guard lock(mutex_);
  const auto it = last_.find(key_path);
  if (it == last_.end()) {
    return std::nullopt;
  }
  return it->second;
}

void ServedLog::Forget(std::string_view key_path) {
  std::lock_guard lock(mutex_);
  if (const auto it = last_.find(key_path); it != last_.end()) {
    last_.erase(it);
  }
}

void ServedLog::Save() const {
  if (file_.empty()) {
    return;
  }
  nlohmann::json out = nlohmann::json::object();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, when] : last_) {
      out[key] = FormatRfc3339(when);
    }
  }
  WriteFileAtomically(file_, out.dump(), 0644);
}

std::set<std::string, std::less<>> RunningKernelReleases(kube::Client& client) {
  std::set<std::string, std::less<>> releases;
  const nlohmann::json nodes = client.List({"", "v1", "nodes", false}, {});
  for (const auto& node : nodes.value("items", nlohmann::json::array())) {
    const std::string kernel = node.value("status", nlohmann::json::object())
                                   .value("nodeInfo", nlohmann::json::object())
                                   .value("kernelVersion", std::string());
    if (!kernel.empty()) {
      releases.insert(kernel);
    }
    const auto labels =
        node.value("metadata", nlohmann::json::object()).value("labels", nlohmann::json::object());
    const std::string label =
        labels.value("gpu.extensions.gardener.cloud/kernel-release", std::string());
    if (!label.empty()) {
      releases.insert(label);
    }
  }
  return releases;
}

GarbageCollector::GarbageCollector(artifact::FilesystemBlobStore& store, const Clock& clock,
                                   GcOptions options, ServedLog* served)
    : store_(store), clock_(clock), options_(std::move(options)), served_(served) {}

namespace {

struct GcManifestInfo {
  artifact::ArtifactKey key;
  std::vector<std::string> blobs;
  SysTime last_served;
};

std::optional<SysTime> GcFileTime(const fs::path& path) {
  std::error_code ec;
  const auto t = fs::last_write_time(path, ec);
  if (ec) {
    return std::nullopt;
  }
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      std::chrono::file_clock::to_sys(t));
}

}  // namespace

GcResult GarbageCollector::RunOnce() {
  GcResult result;
  const SysTime now = clock_.Now();
  const fs::path& root = store_.root();

  std::map<std::string, std::int64_t> blob_sizes;
  for (const std::string& digest : store_.ListBlobs()) {
    blob_sizes[digest] = store_.BlobSize(digest).value_or(0);
  }
  std::vector<GcManifestInfo> manifests;
  std::map<std::string, int> references;
  for (const artifact::ArtifactKey& key : store_.ListManifests("")) {
    const auto text = store_.GetManifest(key);
    if (!text) {
      continue;
    }
    GcManifestInfo info{.key = key, .blobs = {}, .last_served = {}};
    try {
      for (const artifact::BlobRef& b : artifact::DecodeManifest(*text).blobs) {
        info.blobs.push_back(b.digest);
      }
    } catch (const Error&) {
      // An undecodable manifest keeps nothing alive and is evicted first.
    }
    const auto served = served_ != nullptr ? served_->Last(key.Path()) : std::nullopt;
    const auto written = GcFileTime(root / artifact::ManifestObjectName(key));
    info.last_served = served ? *served : written.value_or(SysTime{});
    for (const std::string& d : info.blobs) {
      ++references[d];
    }
    manifests.push_back(std::move(info));
  }

  std::int64_t stored = 0;
  for (const auto& [digest, size] : blob_sizes) {
    stored += size;
  }
  const auto delete_blob = [&](const std::string& digest) {
    store_.DeleteBlob(digest);
    ++result.deleted_blobs;
    result.deleted_bytes += blob_sizes[digest];
    stored -= blob_sizes[digest];
    blob_sizes.erase(digest);
  };

  // Quota: evict the least recently served manifests that are not protected.
  if (options_.quota_bytes > 0 && stored > options_.quota_bytes) {
    std::vector<const GcManifestInfo*> order;
    for (const GcManifestInfo& m : manifests) {
      if (now - m.last_served < options_.min_retention) {
        continue;
      }
      if (options_.in_use && options_.in_use(m.key)) {
        continue;
      }
      order.push_back(&m);
    }
    std::sort(order.begin(), order.end(), [](const GcManifestInfo* a, const GcManifestInfo* b) {
      return a->last_served < b->last_served;
    });
    for (const GcManifestInfo* m : order) {
      if (stored <= options_.quota_bytes) {
        break;
      }
      store_.DeleteManifest(m->key);
      if (served_ != nullptr) {
        served_->Forget(m->key.Path());
      }
      result.evicted.push_back(m->key.Path());
      for (const std::string& d : m->blobs) {
        if (--references[d] == 0 && blob_sizes.contains(d)) {
          delete_blob(d);  // referenced until now: no upload in flight, no grace needed
        }
      }
    }
  }

  // Mark and sweep: unreferenced blobs older than the grace period.
  std::vector<std::string> unreferenced;
  for (const auto& [digest, size] : blob_sizes) {
    if (references[digest] > 0) {
      continue;
    }
    const auto written = GcFileTime(root / artifact::BlobObjectName(digest));
    if (written && now - *written >= options_.grace) {
      unreferenced.push_back(digest);
    }
  }
  for (const std::string& d : unreferenced) {
    delete_blob(d);
  }
  // Abandoned uploads: a live build heartbeats and uploads within its lease TTL, so a staging
  // directory whose newest entry is older than the grace period has no build behind it.
  if (!options_.staging_dir.empty()) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options_.staging_dir, ec)) {
      if (!entry.is_directory(ec)) {
        continue;
      }
      SysTime newest = GcFileTime(entry.path()).value_or(now);
      for (const auto& file : fs::recursive_directory_iterator(entry.path(), ec)) {
        if (const auto t = GcFileTime(file.path()); t && *t > newest) {
          newest = *t;
        }
      }
      if (now - newest >= options_.grace) {
        fs::remove_all(entry.path(), ec);
        ++result.removed_uploads;
      }
    }
  }
  result.bytes_stored = stored;
  result.over_quota = options_.quota_bytes > 0 && stored > options_.quota_bytes;
  if (served_ != nullptr) {
    served_->Save();
  }
  return result;
}

}  // namespace gpuext::nodeagent::cache
