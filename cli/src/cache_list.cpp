// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <nlohmann/json.hpp>

#include "gpuext/cli/cache.h"
#include "gpuext/error.h"

// `gpu cache ls`.

namespace gpuext::cli {

namespace artifact = nodeagent::artifact;
using nlohmann::json;

std::vector<CacheEntry> ListCache(CacheSource& source, std::string_view prefix) {
  std::vector<CacheEntry> out;
  for (const std::string& path : source.ListKeys(prefix)) {
    CacheEntry entry{.key = path};
    try {
      const auto text = source.GetManifest(artifact::ArtifactKey::Parse(path));
      if (!text) {
        entry.error = "manifest gone (deleted while listing)";
      } else {
        const auto m = artifact::DecodeManifest(*text);
        for (const auto& b : m.blobs) {
          entry.size += b.size;
        }
        entry.created = m.created;
        entry.builder = m.builder;
      }
    } catch (const Error& e) {
      entry.error = e.what();  // one bad entry must not hide the others
    }
    out.push_back(std::move(entry));
  }
  return out;
}

json CacheListToJson(const std::vector<CacheEntry>& entries) {
  json items = json::array();
  for (const auto& e : entries) {
    items.push_back({{"key", e.key},
                     {"size", e.size},
                     {"created", e.created},
                     {"builder",
                      {{"image", e.builder.image},
                       {"recipe", e.builder.recipe},
                       {"jobName", e.builder.job_name},
                       {"cluster", e.builder.cluster}}},
                     {"error", e.error}});
  }
  return {{"items", std::move(items)}};
}

std::string RenderCacheList(const std::vector<CacheEntry>& entries, const Palette& palette) {
  if (entries.empty()) {
    return "No cache entries found.\n";
  }
  Table table({"KEY", "SIZE", "CREATED", "BUILDER"});
  for (const auto& e : entries) {
    if (!e.error.empty()) {
      table.AddRow({{e.key}, {"?"}, {"?"}, {"error: " + e.error, Colour::kRed}});
      continue;
    }
    std::string builder = e.builder.cluster.empty() ? e.builder.job_name
                                                    : e.builder.cluster + "/" + e.builder.job_name;
    if (builder.empty()) {
      builder = e.builder.image.empty() ? "-" : e.builder.image;
    }
    table.AddRow({{e.key}, {HumanBytes(e.size)}, {e.created}, {builder}});
  }
  return table.Render(palette);
}

}  // namespace gpuext::cli
