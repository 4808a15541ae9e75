// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/builder_headers.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "gpuext/files.h"
#include "gpuext/nodeagent/builder_error.h"

namespace gpuext::nodeagent {

namespace {

namespace fs = std::filesystem;

// A path as the host wrote it (symlink target, include line) seen from inside `root`.
fs::path HeadersMapIntoRoot(const fs::path& root, const fs::path& path, const fs::path& base) {
  if (path.is_absolute()) {
    return root / path.relative_path();
  }
  return base / path;
}

// Follows `path` while it is a symlink (at most 16 hops), mapping absolute targets into root.
fs::path HeadersFollowLinks(const fs::path& root, fs::path path) {
  std::error_code ec;
  for (int hop = 0; hop < 16 && fs::is_symlink(fs::symlink_status(path, ec)); ++hop) {
    const fs::path target = fs::read_symlink(path, ec);
    if (ec) {
      break;
    }
    path = HeadersMapIntoRoot(root, target, path.parent_path());
  }
  return path.lexically_normal();
}

bool HeadersIsFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// UTS_RELEASE from include/generated/utsrelease.h, or "" when the tree has none.
std::string HeadersUtsRelease(const fs::path& build_dir) {
  const auto text = ReadFileIfExists(build_dir / "include/generated/utsrelease.h");
  if (!text) {
    return "";
  }
  static constexpr std::string_view kDefine = "#define UTS_RELEASE \"";
  const auto at = text->find(kDefine);
  if (at == std::string::npos) {
    return "";
  }
  const auto begin = at + kDefine.size();
  const auto end = text->find('"', begin);
  return end == std::string::npos ? "" : text->substr(begin, end - begin);
}

// Debian's build-tree Makefile is "include <common dir>/Makefile"; returns that dir or "".
fs::path HeadersDebianIncludeDir(const fs::path& root, const fs::path& build_dir) {
  std::ifstream in(build_dir / "Makefile");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') {
      continue;
    }
    std::istringstream words(line);
    std::string keyword;
    std::string file;
    std::string extra;
    if ((words >> keyword >> file) && !(words >> extra) && keyword == "include" &&
        fs::path(file).filename() == "Makefile") {
      return HeadersMapIntoRoot(root, fs::path(file).parent_path(), build_dir).lexically_normal();
    }
    return "";  // only the first meaningful line counts
  }
  return "";
}

// SYSSRC for a build tree: the `source` link of /lib/modules/<k>, the `source` link an O= build
// leaves in its output, Debian's include line, else the build tree itself.
fs::path HeadersSourceDir(const fs::path& root, const fs::path& build_dir,
                          std::string_view release) {
  const std::vector<fs::path> candidates = {
      HeadersFollowLinks(root, root / "lib/modules" / std::string(release) / "source"),
      HeadersFollowLinks(root, build_dir / "source"), HeadersDebianIncludeDir(root, build_dir)};
  for (const fs::path& dir : candidates) {
    if (!dir.empty() && dir != build_dir && HeadersIsFile(dir / "Makefile")) {
      return dir;
    }
  }
  return build_dir;
}

std::optional<KernelHeaders> HeadersFromBuildDir(const fs::path& root, const fs::path& candidate) {
  const fs::path build_dir = HeadersFollowLinks(root, candidate);
  if (!HeadersIsFile(build_dir / "Makefile")) {
    return std::nullopt;
  }
  const std::string release = HeadersUtsRelease(build_dir);
  if (release.empty()) {
    return std::nullopt;
  }
  return KernelHeaders{.kernel_release = release,
                       .build_dir = build_dir,
                       .source_dir = HeadersSourceDir(root, build_dir, release)};
}

std::vector<fs::path> HeadersCandidates(const fs::path& root, std::string_view release) {
  const std::string k(release);
  return {root / "lib/modules" / k / "build", root / "usr/src" / ("linux-headers-" + k)};
}

}  // namespace

std::optional<KernelHeaders> FindKernelHeaders(const fs::path& root,
                                               std::string_view kernel_release) {
  if (kernel_release.empty() || kernel_release.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  for (const fs::path& candidate : HeadersCandidates(root, kernel_release)) {
    auto headers = HeadersFromBuildDir(root, candidate);
    if (headers && headers->kernel_release == kernel_release) {
      return headers;
    }
  }
  return std::nullopt;
}

KernelHeaders ResolveKernelHeaders(const fs::path& root, std::string_view kernel_release) {
  if (auto headers = FindKernelHeaders(root, kernel_release)) {
    return *headers;
  }
  const auto candidates = HeadersCandidates(root, kernel_release);
  std::string installed;
  for (const KernelHeaders& h : ListInstalledKernelHeaders(root)) {
    installed += (installed.empty() ? "" : ", ") + h.kernel_release;
  }
  throw BuildError(
      BuildFailure::kNoHeadersForKernel,
      fmt::format("no kernel headers for {} (looked for {} and {} with a matching "
                  "include/generated/utsrelease.h; installed: {}); use a build image that has "
                  "the linux-headers package of this kernel",
                  kernel_release, candidates[0].string(), candidates[1].string(),
                  installed.empty() ? "none" : installed));
}

std::vector<KernelHeaders> ListInstalledKernelHeaders(const fs::path& root) {
  std::vector<fs::path> candidates;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root / "lib/modules", ec)) {
    candidates.push_back(entry.path() / "build");
  }
  for (const auto& entry : fs::directory_iterator(root / "usr/src", ec)) {
    if (entry.path().filename().string().starts_with("linux-headers-")) {
      candidates.push_back(entry.path());
    }
  }
  std::vector<KernelHeaders> found;
  std::set<fs::path> seen;
  for (const fs::path& candidate : candidates) {
    auto headers = HeadersFromBuildDir(root, candidate);
    if (headers && seen.insert(headers->build_dir).second) {
      found.push_back(std::move(*headers));
    }
  }
  std::sort(found.begin(), found.end(), [](const KernelHeaders& a, const KernelHeaders& b) {
    return a.kernel_release < b.kernel_release;
  });
  return found;
}

}  // namespace gpuext::nodeagent
