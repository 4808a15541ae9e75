// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/decide.h"

#include <system_error>

#include "gpuext/error.h"

namespace gpuext::nodeagent {

namespace fs = std::filesystem;

std::string KernelPartKey::Path() const {
  return "kernel/" + driver_version + "/" + kernel_release + "/" +
         std::string(gpuruntime::ToString(module_type)) + "/" +
         std::string(gpuruntime::ToString(arch));
}

std::string KernelPartKey::TreeName() const {
  return driver_version + "-" + kernel_release + "-" +
         std::string(gpuruntime::ToString(module_type));
}

std::string UserspacePartKey::Path() const {
  return "userspace/" + driver_version + "/" + std::string(gpuruntime::ToString(arch));
}

namespace {

gpuruntime::Arch RequireArch(const NodeFacts& facts) {
  if (!facts.arch) {
    throw Error(ErrorCode::kConfigurationProblem,
                "unsupported CPU architecture \"" + facts.machine + "\" (want x86_64 or aarch64)");
  }
  return *facts.arch;
}

}  // namespace

KernelPartKey MakeKernelPartKey(std::string_view driver_version, const NodeFacts& facts,
                                gpuruntime::ModuleType module_type) {
  if (facts.kernel_release.empty()) {
    throw Error(ErrorCode::kConfigurationProblem, "kernel release unknown");
  }
  return {.driver_version = std::string(driver_version),
          .kernel_release = facts.kernel_release,
          .module_type = module_type,
          .arch = RequireArch(facts)};
}

UserspacePartKey MakeUserspacePartKey(std::string_view driver_version, const NodeFacts& facts) {
  return {.driver_version = std::string(driver_version), .arch = RequireArch(facts)};
}

std::optional<ParsedTreeName> ParseTreeName(std::string_view name) {
  const size_t first = name.find('-');
  const size_t last = name.rfind('-');
  if (first == std::string_view::npos || last <= first + 1 || first == 0) {
    return std::nullopt;
  }
  const std::optional<gpuruntime::ModuleType> type =
      gpuruntime::ParseModuleType(name.substr(last + 1));
  if (!type) {
    return std::nullopt;
  }
  return ParsedTreeName{.driver_version = std::string(name.substr(0, first)),
                        .kernel_release = std::string(name.substr(first + 1, last - first - 1)),
                        .module_type = *type};
}

FastPath DecideFastPath(const HostPaths& host, const NodeFacts& facts, const KernelPartKey& key,
                        const TreeVerifier& verify) {
  if (!facts.loaded_driver) {
    return {false, "no nvidia module loaded"};
  }
  if (*facts.loaded_driver != key.driver_version) {
    return {false,
            "loaded driver " + *facts.loaded_driver + " is not the desired " + key.driver_version};
  }
  std::error_code ec;
  const fs::path target = fs::read_symlink(host.DriverRoot(), ec);
  if (ec) {
    return {false, host.DriverRoot().string() + " is not a symlink to a staged tree"};
  }
  // The switch always writes the relative target driver.d/<name> (§13.3 step 8).
  if (target.is_absolute() || target.parent_path() != "driver.d") {
    return {false, "driver root points at " + target.string() + ", not into driver.d/"};
  }
  if (target.filename() != key.TreeName()) {
    return {false,
            "driver root points at " + target.filename().string() + ", want " + key.TreeName()};
  }
  const fs::path tree = host.DriverTrees() / key.TreeName();
  if (!verify(tree)) {
    return {false, "staged tree " + tree.string() + " failed verification"};
  }
  return {true, "driver " + key.driver_version + " is loaded from a verified tree"};
}

}  // namespace gpuext::nodeagent
