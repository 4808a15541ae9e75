// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Pieces of the Builder (builder.h) kept in their own files: the core object cache and the
// module checks. Private to the library.

#include <cstddef>
#include <filesystem>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/gpuruntime/types.h"
#include "gpuext/nodeagent/builder.h"
#include "gpuext/nodeagent/builder_headers.h"
#include "gpuext/nodeagent/builder_recipe.h"
#include "gpuext/nodeagent/command_runner.h"

namespace gpuext::nodeagent::internal {

// The last `lines` lines of `text` (all of it when shorter), without a trailing newline.
[[nodiscard]] std::string BuilderLastLines(std::string_view text, std::size_t lines);

// Kernel-independent core objects kept per (recipe, driver version, arch, compiler, source):
//
//   <dir>/<entry>/objects.txt            the recipe's `linked` paths, one per line
//   <dir>/<entry>/<n>.o                  the object for line n
//
// Entries are written into <dir>/.tmp-* and renamed into place, so a reader sees a whole entry
// or none, and concurrent builders may share the directory. Confined to one thread per instance.
class CoreCache {
 public:
  // An empty `dir` disables the cache (Restore finds nothing, Store does nothing).
  explicit CoreCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // A readable, filesystem-safe name that changes with every input of the core's bytes.
  [[nodiscard]] static std::string EntryName(std::string_view recipe,
                                             std::string_view driver_version, gpuruntime::Arch arch,
                                             std::string_view compiler_version,
                                             std::string_view source_sha256);

  // Copies the entry's objects over their `linked` paths below `source_root` (replacing the
  // symlinks the top-level make would create). False when the entry does not exist.
  bool Restore(const std::string& entry, const std::filesystem::path& source_root);

  // Keeps the recipe's core objects that the build produced; does nothing when none exists or
  // the entry is already there.
  void Store(const std::string& entry, const KbuildRecipe& recipe, gpuruntime::Arch arch,
             const std::filesystem::path& source_root);

 private:
  std::filesystem::path dir_;
};

// A built module that passed the checks.
struct BuiltModule {
  std::filesystem::path file = {};
  std::string vermagic = {};  // trailing spaces removed
};

// The *.ko files directly in `kbuild_dir`, sorted, checked: nvidia.ko must be among them
// (kNoModulesBuilt), every vermagic must start with `kernel_release` (kVermagicMismatch) and
// every module version must be `driver_version` (kVersionMismatch).
[[nodiscard]] std::vector<BuiltModule> CollectBuiltModules(const std::filesystem::path& kbuild_dir,
                                                           std::string_view kernel_release,
                                                           std::string_view driver_version);

// Signs every module in place with `<headers.build_dir>/scripts/sign-file <hash> <key> <cert>
// <module>` and checks the signature marker was appended. Throws BuildError(kSigningFailed).
void SignBuiltModules(CommandRunner& runner, const KernelHeaders& headers,
                      const ModuleSigning& signing, const std::vector<BuiltModule>& modules,
                      const std::vector<std::string>& env, std::stop_token stop);

// Refuses an unpinned source when pins are required (BuildError kUnpinnedSource) and a pin
// that is not a sha256 (gpuext::Error kInvalidArgument). Kernel and userspace builds alike.
void CheckSourcePin(const BuildRequest& request, const BuilderOptions& options);

// Downloads request.source_url into `dest` and returns its sha256; throws
// BuildError(kSourceDigestMismatch) when it differs from the pin.
[[nodiscard]] std::string FetchPinnedSource(const BuildRequest& request,
                                            const BuilderOptions& options,
                                            const std::filesystem::path& dest,
                                            std::stop_token stop);

}  // namespace gpuext::nodeagent::internal
