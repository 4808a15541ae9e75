// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/helm/chart_fs.h"

#include <fstream>
#include <sstream>

#include "gpuext/error.h"

namespace gpuext::helm {

ChartFS ChartFS::FromDirectory(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) {
    throw Error(ErrorCode::kNotFound, "path \"" + dir.string() + "\" not found");
  }
  std::map<std::string, std::string, std::less<>> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    files[std::filesystem::relative(entry.path(), dir).generic_string()] = bytes.str();
  }
  return ChartFS(ApplyHelmIgnore(std::move(files)));
}

ChartFS ChartFS::FromEmbedded(std::span<const EmbeddedFile> embedded, std::string_view prefix) {
  std::map<std::string, std::string, std::less<>> files;
  const std::string dir = prefix.empty() ? "" : std::string(prefix) + "/";
  for (const EmbeddedFile& f : embedded) {
    const std::string_view path(f.path);
    if (path.starts_with(dir)) {
      files[std::string(path.substr(dir.size()))] =
          std::string(reinterpret_cast<const char*>(f.data), f.size);
    }
  }
  if (files.empty()) {
    throw Error(ErrorCode::kNotFound, "no embedded files under \"" + std::string(prefix) + "\"");
  }
  return ChartFS(ApplyHelmIgnore(std::move(files)));
}

const std::string& ChartFS::Read(std::string_view path) const {
  const auto it = files_.find(path);
  if (it == files_.end()) {
    throw Error(ErrorCode::kNotFound, "file \"" + std::string(path) + "\" not found");
  }
  return it->second;
}

ChartFS ChartFS::Sub(std::string_view dir) const {
  const std::string prefix = std::string(dir) + "/";
  std::map<std::string, std::string, std::less<>> files;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.starts_with(prefix);
       ++it) {
    files[it->first.substr(prefix.size())] = it->second;
  }
  return ChartFS(ApplyHelmIgnore(std::move(files)));
}

}  // namespace gpuext::helm
