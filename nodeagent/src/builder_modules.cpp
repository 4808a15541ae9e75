// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "builder_internal.h"
#include "gpuext/nodeagent/artifact/elf_modinfo.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/nodeagent/builder_error.h"

namespace gpuext::nodeagent::internal {

namespace {

namespace fs = std::filesystem;

std::string ModulesTrimRight(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) {
    text.pop_back();
  }
  return text;
}

BuiltModule CheckBuiltModule(const fs::path& file, std::string_view kernel_release,
                             std::string_view driver_version) {
  const std::string name = file.filename().string();
  artifact::ModInfo info;
  try {
    info = artifact::ReadModInfo(file);
  } catch (const Error& e) {
    throw BuildError(BuildFailure::kNoModulesBuilt,
                     fmt::format("{} is no readable kernel module: {}", name, e.what()));
  }
  const std::string vermagic = ModulesTrimRight(info.Get("vermagic").value_or(""));
  if (!artifact::VermagicMatches(vermagic, kernel_release)) {
    throw BuildError(BuildFailure::kVermagicMismatch,
                     fmt::format("{} has vermagic \"{}\", not for kernel {}: the headers used do "
                                 "not belong to this kernel; fix the build image's headers",
                                 name, vermagic, kernel_release));
  }
  const auto version = info.Get("version");
  if (version && *version != driver_version) {
    throw BuildError(BuildFailure::kVersionMismatch,
                     fmt::format("{} has version {}, the key asks for driver {}: the source URL "
                                 "points at another driver version",
                                 name, *version, driver_version));
  }
  return {.file = file, .vermagic = vermagic};
}

}  // namespace

std::string BuilderLastLines(std::string_view text, std::size_t lines) {
  while (!text.empty() && text.back() == '\n') {
    text.remove_suffix(1);
  }
  std::size_t start = text.size();
  for (std::size_t seen = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++seen == lines) {
      break;
    }
  }
  return std::string(text.substr(start));
}

std::vector<BuiltModule> CollectBuiltModules(const fs::path& kbuild_dir,
                                             std::string_view kernel_release,
                                             std::string_view driver_version) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kbuild_dir, ec)) {
    if (entry.path().extension() == ".ko" && entry.is_regular_file()) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  const bool has_nvidia = std::any_of(
      files.begin(), files.end(), [](const fs::path& f) { return f.filename() == "nvidia.ko"; });
  if (!has_nvidia) {
    throw BuildError(BuildFailure::kNoModulesBuilt,
                     fmt::format("make succeeded but {} holds no nvidia.ko; check the recipe's "
                                 "Kbuild directory",
                                 kbuild_dir.string()));
  }
  std::vector<BuiltModule> modules;
  for (const fs::path& file : files) {
    modules.push_back(CheckBuiltModule(file, kernel_release, driver_version));
  }
  return modules;
}

void SignBuiltModules(CommandRunner& runner, const KernelHeaders& headers,
                      const ModuleSigning& signing, const std::vector<BuiltModule>& modules,
                      const std::vector<std::string>& env, std::stop_token stop) {
  const fs::path sign_file = headers.build_dir / "scripts" / "sign-file";
  for (const BuiltModule& module : modules) {
    const CommandResult result =
        runner.Run({.argv = {sign_file.string(), signing.hash, signing.key_file.string(),
                             signing.cert_file.string(), module.file.string()},
                    .env = env,
                    .timeout = std::chrono::minutes(2)},
                   stop);
    if (!result.Succeeded()) {
      throw BuildError(BuildFailure::kSigningFailed,
                       fmt::format("sign-file {}: {}; check moduleSigning.secretRef's key and "
                                   "certificate",
                                   module.file.filename().string(), result.Describe()));
    }
    if (!artifact::HasModuleSignature(module.file)) {
      throw BuildError(BuildFailure::kSigningFailed,
                       fmt::format("sign-file succeeded but {} carries no module signature",
                                   module.file.filename().string()));
    }
  }
}

}  // namespace gpuext::nodeagent::internal
