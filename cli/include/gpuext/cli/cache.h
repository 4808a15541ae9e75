// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The answers of `gpu cache ls|inspect|gc|prebuild` and how they are printed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/cli/cache_source.h"
#include "gpuext/cli/output.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/artifact/signing.h"

namespace gpuext::cli {

struct CacheEntry {
  std::string key = {};
  std::int64_t size = 0;  // sum of the blob sizes
  std::string created = {};
  nodeagent::artifact::BuilderInfo builder = {};
  std::string error = {};  // the manifest could not be read or decoded
};

// One manifest read per key.
[[nodiscard]] std::vector<CacheEntry> ListCache(CacheSource& source, std::string_view prefix);
// {"items": [{"key", "size", "created", "builder": {"image", "recipe", "jobName", "cluster"},
//             "error"}]}
[[nodiscard]] nlohmann::json CacheListToJson(const std::vector<CacheEntry>& entries);
[[nodiscard]] std::string RenderCacheList(const std::vector<CacheEntry>& entries,
                                          const Palette& palette);

struct CacheInspection {
  nodeagent::artifact::ArtifactManifest manifest = {};
  // "valid", "unchecked" (no --public-key), or the SignatureStatus name.
  std::string signature = "unchecked";
  std::string signature_message = {};
  [[nodiscard]] bool signature_bad() const {
    return signature != "valid" && signature != "unchecked";
  }
};

// Throws gpuext::Error(kNotFound) when the key has no manifest.
[[nodiscard]] CacheInspection InspectCache(
    CacheSource& source, const nodeagent::artifact::ArtifactKey& key,
    const std::optional<nodeagent::artifact::PublicKey>& public_key);
// {"manifest": <the manifest as stored>, "signature": {"status", "message"}}
[[nodiscard]] nlohmann::json CacheInspectionToJson(const CacheInspection& inspection);
[[nodiscard]] std::string RenderCacheInspection(const CacheInspection& inspection,
                                                const Palette& palette);

// {"deletedBlobs", "deletedBytes", "evicted", "bytesStored", "removedUploads", "wouldDelete"}
[[nodiscard]] nlohmann::json CacheGcToJson(const CacheGcSummary& summary);
[[nodiscard]] std::string RenderCacheGc(const CacheGcSummary& summary, bool dry_run);

// {"key", "state", "holder", "job", "buildId", "phase", "percent", "reason", "message",
//  "retryAfter"}
[[nodiscard]] nlohmann::json PrebuildToJson(const nodeagent::artifact::ArtifactKey& key,
                                            const nodeagent::artifact::CacheLeaseAnswer& answer);
[[nodiscard]] std::string RenderPrebuild(const nodeagent::artifact::ArtifactKey& key,
                                         const nodeagent::artifact::CacheLeaseAnswer& answer);

}  // namespace gpuext::cli
