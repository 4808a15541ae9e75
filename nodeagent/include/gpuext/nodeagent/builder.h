// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// nodeagent::Builder: the unprivileged driver build of one artifact key (DESIGN.md §14.5), run
// by `gpu-node-agent build` inside the builder Job. Kernel part, in order:
//
//   1. resolve the headers of the key's kernel (SYSSRC and SYSOUT, builder_headers.h);
//   2. download the source (libcurl) and check its pinned sha256;
//   3. unpack it and run the recipe's `make -C <src> modules SYSSRC=… SYSOUT=… -j<n>` through the
//      CommandRunner; the kernel-independent core objects are kept per (recipe, driver version,
//      arch, compiler, source) in the core cache, and a later build for another kernel links
//      them in and runs only Kbuild (`make -C <src>/<kbuild dir> modules …`);
//   4. optionally sign every module with `<SYSOUT>/scripts/sign-file`;
//   then check every module's vermagic against the kernel and its version against the driver,
//   lay them out as lib/modules/<k>/kernel/drivers/video/*.ko, pack deterministically (same
//   source, headers and compiler ⇒ same blob digest) and describe it in an ArtifactManifest.
//
// Userspace part (a userspace key, recipe kbuild-run, builder_userspace_build.cpp): download
// the vendor's .run package with the same pinning, extract it with `sh <file> -x --target <dir>`
// through the CommandRunner, then PackUserspace with the vendor's file list.
//
//   RealCommandRunner runner;
//   Builder builder({.headers_root = "/", .work_dir = "/work", .core_cache_dir = "/cache"},
//                   runner, clock);
//   BuildResult r = builder.BuildAndPublish(
//       {.key = key, .source_url = url, .source_sha256 = sha}, sink, stop);
//
// Failures throw BuildError with the §14.4 reason (NoHeadersForKernel, SourceDigestMismatch,
// CompileError with the log tail, ...). Nothing needs root: the build writes only below
// work_dir and core_cache_dir.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/gpuruntime/vendor.h"
#include "gpuext/nodeagent/artifact/key.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/builder_error.h"
#include "gpuext/nodeagent/builder_sink.h"
#include "gpuext/nodeagent/command_runner.h"

namespace gpuext::nodeagent {

// scripts/sign-file inputs (moduleSigning.secretRef, mounted into the Job only).
struct ModuleSigning {
  std::filesystem::path key_file = {};   // PEM private key (or PKCS#11 URI as a path)
  std::filesystem::path cert_file = {};  // X.509 certificate, PEM or DER
  std::string hash = "sha256";
};

struct BuildRequest {
  artifact::ArtifactKey key = {};  // a kernel or a userspace key
  // kbuild-open for kernel keys; a userspace key takes kUserspaceRecipe.
  std::string recipe = "kbuild-open";
  std::string source_url = {};
  std::string source_sha256 = {};  // 64 lower-case hex; empty = unpinned
  std::optional<ModuleSigning> module_signing = {};
  // Recorded in manifest.builder.
  std::string image = {};
  std::string job_name = {};
  std::string cluster = {};
};

// The one recipe of userspace parts: extract the .run package and copy the file list.
inline constexpr std::string_view kUserspaceRecipe = "kbuild-run";

// The userspace part's input: an extracted vendor package (`sh NVIDIA-Linux-<narch>-<v>.run -x
// --target <dir>`) and the vendor's file list (GpuVendor::UserspaceFileList).
struct UserspacePackRequest {
  artifact::ArtifactKey key = {};  // a userspace key
  std::filesystem::path extracted_dir = {};
  std::vector<gpuruntime::UserspaceFile> files = {};
  std::string recipe = std::string(kUserspaceRecipe);
  std::string source_sha256 = {};  // of the package the directory was extracted from
  std::string image = {};
  std::string job_name = {};
  std::string cluster = {};
};

struct BuilderOptions {
  // Where /lib/modules and /usr/src are: "/" in the Job, a tree in tests.
  std::filesystem::path headers_root = "/";
  // Scratch space; each build uses (and first empties) <work_dir>/build-<key hash>.
  std::filesystem::path work_dir = {};
  // Kept kernel-independent objects; empty turns reuse off.
  std::filesystem::path core_cache_dir = {};
  bool require_pinned_sources = true;
  int jobs = 0;  // make -j; 0 = the number of CPUs
  std::chrono::milliseconds compile_timeout = std::chrono::minutes(60);
  std::chrono::milliseconds download_timeout = std::chrono::minutes(30);
  // PATH of make, gcc and sign-file; nothing else of the agent's environment reaches them.
  std::string path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  std::string compiler = "gcc";  // asked for -dumpfullversion (part of the core cache key)
  int zstd_level = 19;
  std::size_t log_tail_lines = 50;
};

struct BuildResult {
  artifact::ArtifactManifest manifest = {};  // unsigned; blobs and files filled in
  std::filesystem::path blob_file = {};      // the packed tar+zstd (inside work_dir)
  std::filesystem::path tree = {};           // the unpacked layout that was packed
  std::string compiler_version = {};
  bool core_reused = false;   // the core objects came from the core cache
  std::string log_tail = {};  // the last lines of the make output
};

// Confined to one thread per instance; separate instances may build at once if their work
// directories differ (they may share a core cache: entries are published by rename).
class Builder {
 public:
  // `runner` and `clock` must outlive the builder.
  Builder(BuilderOptions options, CommandRunner& runner, Clock& clock);

  // Runs the steps above for the key's part and returns the artifact, published nowhere.
  // Throws BuildError for build failures (kBadSource for a userspace source that is not a .run
  // package), gpuext::Error(kInvalidArgument) for a bad request, and gpuext::Error for
  // environment failures (disk full).
  BuildResult Build(const BuildRequest& request, std::stop_token stop);

  // Build, then sink.PutBlob for the blob and sink.Commit for the manifest. A failed build
  // publishes nothing. Reports phases through sink.Progress.
  BuildResult BuildAndPublish(const BuildRequest& request, ArtifactSink& sink,
                              std::stop_token stop);

  // The userspace part (§14.5 step 5, builder_userspace.cpp): copies request.files out of the
  // extracted package, creates the SONAME links with `ldconfig -n -N <dir>` in every library
  // directory, and packs the tree like Build. Throws BuildError(kBadSource) naming a missing
  // required file, gpuext::Error(kInvalidArgument) for a kernel key.
  BuildResult PackUserspace(const UserspacePackRequest& request, std::stop_token stop);

 private:
  BuildResult BuildWithProgress(const BuildRequest& request, ArtifactSink* sink,
                                std::stop_token stop);
  BuildResult BuildUserspace(const BuildRequest& request, ArtifactSink* sink, std::stop_token stop);

  BuilderOptions options_;
  CommandRunner& runner_;
  Clock& clock_;
};

}  // namespace gpuext::nodeagent
