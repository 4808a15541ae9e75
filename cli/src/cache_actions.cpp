// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <nlohmann/json.hpp>

#include "gpuext/cli/cache.h"

// The answers of `gpu cache gc` and `gpu cache prebuild`.

namespace gpuext::cli {

namespace artifact = nodeagent::artifact;
using nlohmann::json;

json CacheGcToJson(const CacheGcSummary& s) {
  return {{"deletedBlobs", s.deleted_blobs},
          {"deletedBytes", s.deleted_bytes},
          {"evicted", s.evicted},
          {"bytesStored", s.bytes_stored},
          {"removedUploads", s.removed_uploads},
          {"wouldDelete", s.would_delete}};
}

std::string RenderCacheGc(const CacheGcSummary& s, bool dry_run) {
  if (dry_run) {
    std::string out = std::to_string(s.would_delete.size()) +
                      " unreferenced blob(s) would be deleted once older than the grace period; " +
                      HumanBytes(s.bytes_stored) + " referenced\n";
    for (const auto& d : s.would_delete) {
      out += "  " + d + "\n";
    }
    return out;
  }
  std::string out = "deleted " + std::to_string(s.deleted_blobs) + " blob(s) (" +
                    HumanBytes(s.deleted_bytes) + "), removed " +
                    std::to_string(s.removed_uploads) + " abandoned upload(s); " +
                    HumanBytes(s.bytes_stored) + " stored\n";
  for (const auto& k : s.evicted) {
    out += "  evicted " + k + "\n";
  }
  return out;
}

json PrebuildToJson(const artifact::ArtifactKey& key, const artifact::CacheLeaseAnswer& a) {
  return {{"key", key.Path()},     {"state", artifact::ToString(a.state)},
          {"holder", a.holder},    {"job", a.job},
          {"buildId", a.build_id}, {"phase", a.phase},
          {"percent", a.percent},  {"reason", a.reason},
          {"message", a.message},  {"retryAfter", a.retry_after}};
}

std::string RenderPrebuild(const artifact::ArtifactKey& key, const artifact::CacheLeaseAnswer& a) {
  switch (a.state) {
    case artifact::CacheLeaseState::kAvailable:
      return key.Path() + ": already in the cache\n";
    case artifact::CacheLeaseState::kGranted:
      return key.Path() + ": build started (job " + a.job + ")\n";
    case artifact::CacheLeaseState::kHeld:
      return key.Path() + ": already building (holder " + a.holder +
             (a.phase.empty() ? std::string()
                              : ", " + a.phase + " " + std::to_string(a.percent) + "%") +
             ")\n";
    case artifact::CacheLeaseState::kFailed:
      return key.Path() + ": failed: " + a.reason + ": " + a.message +
             (a.retry_after.empty() ? std::string() : " (retry after " + a.retry_after + ")") +
             "\n";
  }
  return key.Path() + "\n";
}

}  // namespace gpuext::cli
