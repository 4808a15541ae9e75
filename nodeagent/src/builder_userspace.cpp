// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Builder::PackUserspace: the userspace part of a driver artifact (DESIGN.md §14.5 step 5).
#include <algorithm>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <fnmatch.h>

#include "builder_internal.h"
#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/builder.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent {

namespace {

namespace fs = std::filesystem;

// The regular files matching `source` below `dir`: the directory part is literal, the last
// component may hold fnmatch(3) wildcards ("firmware/gsp_*.bin"). Sorted.
std::vector<fs::path> UserspaceMatches(const fs::path& dir, const std::string& source) {
  const fs::path pattern(source);
  const fs::path parent = dir / pattern.parent_path();
  const std::string name = pattern.filename().string();
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string candidate = entry.path().filename().string();
    if (::fnmatch(name.c_str(), candidate.c_str(), FNM_PERIOD) == 0 && entry.is_regular_file() &&
        !entry.is_symlink()) {
      found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

bool UserspaceIsLibrary(const fs::path& file) {
  const std::string name = file.filename().string();
  return name.starts_with("lib") && name.find(".so.") != std::string::npos;
}

}  // namespace

BuildResult Builder::PackUserspace(const UserspacePackRequest& request, std::stop_token stop) {
  const artifact::ArtifactKey& key = request.key;
  key.Validate();
  if (options_.work_dir.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "builder: work_dir must be set");
  }
  if (key.part != artifact::ArtifactPart::kUserspace) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("key {}: PackUserspace packs userspace parts only", key.Path()));
  }
  const fs::path dir = options_.work_dir / ("build-" + key.PathSha256().substr(0, 16));
  fs::remove_all(dir);
  BuildResult result;
  result.tree = dir / "out" / "tree";
  fs::create_directories(result.tree);

  std::set<fs::path> library_dirs;
  for (const gpuruntime::UserspaceFile& file : request.files) {
    const std::vector<fs::path> matches = UserspaceMatches(request.extracted_dir, file.source);
    if (matches.empty() && file.required) {
      throw BuildError(
          BuildFailure::kBadSource,
          fmt::format("userspace file {} is missing in {}; the package does not "
                      "match the vendor's file list for driver {}",
                      file.source, request.extracted_dir.string(), key.driver_version));
    }
    const fs::path dest_dir = result.tree / file.destination;
    fs::create_directories(dest_dir);
    for (const fs::path& match : matches) {
      const fs::path dest = dest_dir / match.filename();
      fs::copy_file(match, dest, fs::copy_options::overwrite_existing);
      const auto mode = fs::status(match).permissions() & fs::perms(0755);
      fs::permissions(dest, mode | fs::perms::owner_read);
      if (UserspaceIsLibrary(match)) {
        library_dirs.insert(dest_dir);
      }
    }
  }

  const std::vector<std::string> env = {"PATH=" + options_.path_env, "LC_ALL=C"};
  for (const fs::path& lib_dir : library_dirs) {
    // SONAME links (libnvidia-ml.so.1 -> libnvidia-ml.so.<v>) from the libraries' own
    // DT_SONAME; -N: no cache is written, -n: only this directory.
    const CommandResult linked =
        runner_.Run({.argv = {"ldconfig", "-n", "-N", lib_dir.string()}, .env = env}, stop);
    if (!linked.Succeeded()) {
      throw BuildError(BuildFailure::kBadSource,
                       fmt::format("ldconfig -n {}: {}", lib_dir.string(), linked.Describe()));
    }
  }

  result.blob_file = dir / "out" / "userspace.tar.zst";
  artifact::PackResult packed =
      artifact::PackDirectory(result.tree, artifact::ListTree(result.tree), result.blob_file,
                              {.zstd_level = options_.zstd_level});
  artifact::ArtifactManifest& m = result.manifest;
  m.key = key;
  m.created = FormatRfc3339(clock_.Now());
  m.builder = {.image = request.image,
               .recipe = request.recipe,
               .source_sha256 = request.source_sha256,
               .signed_modules = false,
               .job_name = request.job_name,
               .cluster = request.cluster};
  m.blobs = {{.digest = packed.digest, .size = packed.size}};
  m.files = std::move(packed.files);
  return result;
}

}  // namespace gpuext::nodeagent
