// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The files of one chart, wherever they come from: a directory on disk, or byte arrays
// compiled into the binary (cmake/gpuext_embed.cmake), so the controller image carries its
// charts. Paths are relative to the chart root and use '/' ("templates/deployment.yaml").
//
//   ChartFS fs = ChartFS::FromDirectory("charts/internal/nfd");
//   ChartFS fs = ChartFS::FromEmbedded(gpuext_charts::kFiles, "nfd");
//
// A plain value holding the bytes (charts are small); thread-compatible.

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gpuext::helm {

// One file of an embedded tree, as the generated .cpp lists them.
struct EmbeddedFile {
  const char* path;  // relative to the embedded directory, '/' separated
  const unsigned char* data;
  std::size_t size;
};

class ChartFS {
 public:
  ChartFS() = default;
  explicit ChartFS(std::map<std::string, std::string, std::less<>> files)
      : files_(std::move(files)) {}

  // Reads every regular file under `dir`, applying the chart's .helmignore (and its
  // sub-charts' own, when they are loaded). Throws gpuext::Error(kNotFound) when `dir` is
  // not a directory.
  [[nodiscard]] static ChartFS FromDirectory(const std::filesystem::path& dir);

  // The files of an embedded tree under `prefix` (a sub-directory of the embedded DIR, or ""
  // for all of it), .helmignore applied. Throws gpuext::Error(kNotFound) when none match.
  [[nodiscard]] static ChartFS FromEmbedded(std::span<const EmbeddedFile> files,
                                            std::string_view prefix);

  // The files of a packaged chart (`helm package`'s gzip'd tar, as for `helm template x.tgz`
  // or a sub-chart charts/x.tgz): entries re-rooted below their top directory ("nfd/..."),
  // regular files only, .helmignore not applied (packaging did). Throws
  // gpuext::Error(kConfigurationProblem) for a corrupt archive or one with no files.
  [[nodiscard]] static ChartFS FromArchive(std::string_view tgz);

  // Paths in byte order.
  [[nodiscard]] const std::map<std::string, std::string, std::less<>>& files() const {
    return files_;
  }
  [[nodiscard]] bool Has(std::string_view path) const { return files_.contains(path); }
  // Throws gpuext::Error(kNotFound) for an absent path.
  [[nodiscard]] const std::string& Read(std::string_view path) const;

  // The files under `dir` ("charts/sub"), re-rooted there.
  [[nodiscard]] ChartFS Sub(std::string_view dir) const;

 private:
  std::map<std::string, std::string, std::less<>> files_;
};

// Applies .helmignore rules (gitignore-like: globs, trailing '/', leading '/', '!' to
// re-include) found at the root of `files` and returns what remains.
[[nodiscard]] std::map<std::string, std::string, std::less<>> ApplyHelmIgnore(
    std::map<std::string, std::string, std::less<>> files);

}  // namespace gpuext::helm
