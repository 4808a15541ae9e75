// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Builder::BuildUserspace: the userspace part of a driver from the vendor's .run package
// (DESIGN.md §14.5 steps 2, 5 and 6): download with the kernel build's pinning, extract with
// the package's own `-x --target`, then PackUserspace with the vendor's file list.
#include <system_error>

#include <fmt/format.h>

#include "builder_internal.h"
#include "gpuext/gpuruntime/nvidia.h"
#include "gpuext/nodeagent/builder.h"

namespace gpuext::nodeagent {

namespace {

namespace fs = std::filesystem;

// makeself packages extract either the package's contents or one top directory
// ("NVIDIA-Linux-x86_64-<v>/"), depending on how they were made; both are accepted.
fs::path UserspaceBuildPackageRoot(const fs::path& extracted) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(extracted)) {
    entries.push_back(entry.path());
  }
  if (entries.size() == 1 && fs::is_directory(fs::symlink_status(entries[0]))) {
    return entries[0];
  }
  return extracted;
}

}  // namespace

BuildResult Builder::BuildUserspace(const BuildRequest& request, ArtifactSink* sink,
                                    std::stop_token stop) {
  const auto phase = [&](std::string_view name) {
    if (stop.stop_requested()) {
      throw Error(ErrorCode::kTimeout, "build stopped");
    }
    if (sink != nullptr) {
      sink->Progress(name);
    }
  };
  const artifact::ArtifactKey& key = request.key;
  key.Validate();
  if (options_.work_dir.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "builder: work_dir must be set");
  }
  if (request.recipe != kUserspaceRecipe) {
    throw BuildError(BuildFailure::kUnknownRecipe,
                     fmt::format("recipe \"{}\" does not build userspace parts; use {}",
                                 request.recipe, kUserspaceRecipe));
  }
  const auto version = gpuruntime::DriverVersion::Parse(key.driver_version);
  if (!version) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("key {}: \"{}\" is not a driver version",
                                                         key.Path(), key.driver_version));
  }
  // The file list first: a branch-only version fails before anything is downloaded.
  const std::vector<gpuruntime::UserspaceFile> files =
      gpuruntime::NvidiaVendor().UserspaceFileList(*version, key.arch);
  internal::CheckSourcePin(request, options_);
  // Not build-<hash>: PackUserspace empties that one, and reads from here.
  const fs::path dir = options_.work_dir / ("package-" + key.PathSha256().substr(0, 16));
  fs::remove_all(dir);
  fs::create_directories(dir / "tmp");

  phase("fetch");
  const fs::path package = dir / "package.run";
  const std::string source_sha256 = internal::FetchPinnedSource(request, options_, package, stop);

  phase("unpack");
  const fs::path extracted = dir / "extracted";
  // `sh` rather than executing the file: a download has no exec bit, and /work may be noexec.
  const std::vector<std::string> env = {"PATH=" + options_.path_env, "LC_ALL=C",
                                        "HOME=" + dir.string(), "TMPDIR=" + (dir / "tmp").string()};
  const CommandResult ran =
      runner_.Run({.argv = {"sh", package.string(), "-x", "--target", extracted.string()},
                   .env = env,
                   .working_dir = dir,
                   .timeout = options_.compile_timeout},
                  stop);
  phase("check");
  std::string log = ran.stdout_text;
  if (!log.empty() && log.back() != '\n') {
    log.push_back('\n');
  }
  const std::string log_tail =
      internal::BuilderLastLines(log + ran.stderr_text, options_.log_tail_lines);
  if (!ran.Succeeded() || !fs::is_directory(extracted) || fs::is_empty(extracted)) {
    throw BuildError(
        BuildFailure::kBadSource,
        fmt::format("source {} does not extract as an NVIDIA .run package (sh <package> -x "
                    "--target <dir>: {}); a userspace build needs the "
                    "NVIDIA-Linux-<arch>-{}.run installer: give it as the `run` source of "
                    "builds.sources. Last lines:\n{}",
                    request.source_url, ran.Succeeded() ? "extracted nothing" : ran.Describe(),
                    key.driver_version, log_tail),
        log_tail);
  }

  phase("pack");
  BuildResult result = PackUserspace({.key = key,
                                      .extracted_dir = UserspaceBuildPackageRoot(extracted),
                                      .files = files,
                                      .recipe = request.recipe,
                                      .source_sha256 = source_sha256,
                                      .image = request.image,
                                      .job_name = request.job_name,
                                      .cluster = request.cluster},
                                     stop);
  result.log_tail = log_tail;
  // The extracted package is several hundred MiB; the packed tree is all that is kept.
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return result;
}

}  // namespace gpuext::nodeagent
