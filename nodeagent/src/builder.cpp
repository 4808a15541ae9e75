// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/builder.h"

#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <sys/utsname.h>

#include "builder_internal.h"
#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/builder_headers.h"
#include "gpuext/nodeagent/builder_recipe.h"
#include "gpuext/nodeagent/builder_source.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent {

namespace {

namespace fs = std::filesystem;

void BuilderCheckStop(std::stop_token stop) {
  if (stop.stop_requested()) {
    throw Error(ErrorCode::kTimeout, "build stopped");
  }
}

void BuilderCheckRequest(const BuildRequest& request, const KbuildRecipe& recipe,
                         const BuilderOptions& options) {
  if (options.work_dir.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "builder: work_dir must be set");
  }
  const artifact::ArtifactKey& key = request.key;
  key.Validate();
  if (recipe.name == "kbuild-open" && key.module_type != gpuruntime::ModuleType::kOpen) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("key {}: recipe kbuild-open builds open modules only", key.Path()));
  }
  struct utsname machine {};
  if (::uname(&machine) == 0 && gpuruntime::ParseArch(machine.machine) != key.arch) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("key {}: this builder runs on {} and does not cross-compile; "
                            "schedule the build on a {} node",
                            key.Path(), machine.machine, gpuruntime::ToString(key.arch)));
  }
}

// An open-source tarball usually holds one top directory ("open-gpu-kernel-modules-<v>/").
fs::path BuilderSourceRoot(const fs::path& unpacked) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(unpacked)) {
    entries.push_back(entry.path());
  }
  if (entries.size() == 1 && fs::is_directory(fs::symlink_status(entries[0]))) {
    return entries[0];
  }
  return unpacked;
}

std::string BuilderTrim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

namespace internal {

void CheckSourcePin(const BuildRequest& request, const BuilderOptions& options) {
  if (request.source_sha256.empty() && options.require_pinned_sources) {
    throw BuildError(BuildFailure::kUnpinnedSource,
                     fmt::format("source {} has no sha256 and pinned sources are required; set "
                                 "the source's sha256 in the component configuration",
                                 request.source_url));
  }
  if (!request.source_sha256.empty() && !artifact::IsSha256Hex(request.source_sha256)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("source sha256 \"{}\": must be 64 lower-case hex characters",
                            request.source_sha256));
  }
}

std::string FetchPinnedSource(const BuildRequest& request, const BuilderOptions& options,
                              const fs::path& dest, std::stop_token stop) {
  const std::string got = DownloadSource(
      {.url = request.source_url, .timeout = options.download_timeout}, dest, std::move(stop));
  if (!request.source_sha256.empty() && got != request.source_sha256) {
    throw BuildError(BuildFailure::kSourceDigestMismatch,
                     fmt::format("source {} has sha256 {}, pinned is {}; the file changed or the "
                                 "pin is wrong",
                                 request.source_url, got, request.source_sha256));
  }
  return got;
}

}  // namespace internal

Builder::Builder(BuilderOptions options, CommandRunner& runner, Clock& clock)
    : options_(std::move(options)), runner_(runner), clock_(clock) {}

BuildResult Builder::Build(const BuildRequest& request, std::stop_token stop) {
  return BuildWithProgress(request, nullptr, std::move(stop));
}

BuildResult Builder::BuildAndPublish(const BuildRequest& request, ArtifactSink& sink,
                                     std::stop_token stop) {
  BuildResult result = BuildWithProgress(request, &sink, stop);
  BuilderCheckStop(stop);
  sink.Progress("upload");
  for (const artifact::BlobRef& blob : result.manifest.blobs) {
    sink.PutBlob(blob.digest, result.blob_file);
  }
  sink.Commit(result.manifest);
  return result;
}

BuildResult Builder::BuildWithProgress(const BuildRequest& request, ArtifactSink* sink,
                                       std::stop_token stop) {
  if (request.key.part == artifact::ArtifactPart::kUserspace) {
    return BuildUserspace(request, sink, std::move(stop));
  }
  const auto phase = [&](std::string_view name) {
    BuilderCheckStop(stop);
    if (sink != nullptr) {
      sink->Progress(name);
    }
  };
  const auto recipe = FindKbuildRecipe(request.recipe);
  if (!recipe) {
    throw BuildError(
        BuildFailure::kUnknownRecipe,
        fmt::format("recipe \"{}\" is not supported; use kbuild-open", request.recipe));
  }
  BuilderCheckRequest(request, *recipe, options_);
  const artifact::ArtifactKey& key = request.key;

  phase("headers");
  const KernelHeaders headers = ResolveKernelHeaders(options_.headers_root, key.kernel_release);
  internal::CheckSourcePin(request, options_);
  const fs::path dir = options_.work_dir / ("build-" + key.PathSha256().substr(0, 16));
  fs::remove_all(dir);
  fs::create_directories(dir / "source");

  phase("fetch");
  const fs::path tarball = dir / "source.tar";
  const std::string source_sha256 = internal::FetchPinnedSource(request, options_, tarball, stop);

  phase("unpack");
  try {
    (void)artifact::ExtractArchive(tarball, dir / "source", {.source_compressions = true});
  } catch (const Error& e) {
    throw BuildError(BuildFailure::kBadSource,
                     fmt::format("source {} does not unpack: {}", request.source_url, e.what()));
  }
  const fs::path src = BuilderSourceRoot(dir / "source");
  if (!fs::is_regular_file(src / "Makefile") || !fs::is_directory(src / recipe->kbuild_dir)) {
    throw BuildError(BuildFailure::kBadSource,
                     fmt::format("source {} has no Makefile or no {}/ directory: not a {} tree",
                                 request.source_url, recipe->kbuild_dir, recipe->name));
  }

  phase("compile");
  const std::vector<std::string> env = {
      "PATH=" + options_.path_env, "LC_ALL=C", "HOME=" + dir.string(),
      // Keeps the work directory out of the modules' debug info: same inputs, same bytes.
      fmt::format("KCFLAGS=-ffile-prefix-map={}=/usr/src/nvidia-{}", src.string(),
                  key.driver_version)};
  BuildResult result;
  result.compiler_version = BuilderTrim(
      RunChecked(runner_, {.argv = {options_.compiler, "-dumpfullversion"}, .env = env}, stop)
          .stdout_text);
  internal::CoreCache core_cache(options_.core_cache_dir);
  const std::string core_entry = internal::CoreCache::EntryName(
      recipe->name, key.driver_version, key.arch, result.compiler_version, source_sha256);
  result.core_reused = core_cache.Restore(core_entry, src);
  const int jobs = options_.jobs > 0
                       ? options_.jobs
                       : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  std::vector<std::string> argv = {"make",
                                   "-C",
                                   (result.core_reused ? src / recipe->kbuild_dir : src).string(),
                                   "modules",
                                   "SYSSRC=" + headers.source_dir.string(),
                                   "SYSOUT=" + headers.build_dir.string(),
                                   fmt::format("-j{}", jobs)};
  argv.insert(argv.end(), recipe->make_variables.begin(), recipe->make_variables.end());
  const CommandResult made =
      runner_.Run({.argv = argv, .env = env, .timeout = options_.compile_timeout}, stop);
  std::string log = made.stdout_text;
  if (!log.empty() && log.back() != '\n') {
    log.push_back('\n');
  }
  result.log_tail = internal::BuilderLastLines(log + made.stderr_text, options_.log_tail_lines);
  BuilderCheckStop(stop);
  if (!made.Succeeded()) {
    throw BuildError(BuildFailure::kCompileError,
                     fmt::format("make modules for {}: {}; last lines of the build log:\n{}",
                                 key.kernel_release, made.Describe(), result.log_tail),
                     result.log_tail);
  }
  if (!result.core_reused) {
    core_cache.Store(core_entry, *recipe, key.arch, src);
  }

  phase("check");
  const std::vector<internal::BuiltModule> modules = internal::CollectBuiltModules(
      src / recipe->kbuild_dir, key.kernel_release, key.driver_version);
  if (request.module_signing) {
    phase("sign");
    internal::SignBuiltModules(runner_, headers, *request.module_signing, modules, env, stop);
  }

  phase("pack");
  result.tree = dir / "out" / "tree";
  const fs::path video = result.tree / "lib/modules" / key.kernel_release / "kernel/drivers/video";
  fs::create_directories(video);
  std::string vermagic;
  for (const internal::BuiltModule& module : modules) {
    const fs::path dest = video / module.file.filename();
    fs::copy_file(module.file, dest);
    fs::permissions(dest, fs::perms(0644));
    if (module.file.filename() == "nvidia.ko") {
      vermagic = module.vermagic;
    }
  }
  result.blob_file = dir / "out" / "kernel.tar.zst";
  artifact::PackResult packed =
      artifact::PackDirectory(result.tree, artifact::ListTree(result.tree), result.blob_file,
                              {.zstd_level = options_.zstd_level});

  artifact::ArtifactManifest& m = result.manifest;
  m.key = key;
  m.created = FormatRfc3339(clock_.Now());
  m.builder = {.image = request.image,
               .recipe = recipe->name,
               .source_sha256 = source_sha256,
               .signed_modules = request.module_signing.has_value(),
               .job_name = request.job_name,
               .cluster = request.cluster};
  m.vermagic = vermagic;
  m.blobs = {{.digest = packed.digest, .size = packed.size}};
  m.files = std::move(packed.files);
  return result;
}

}  // namespace gpuext::nodeagent
