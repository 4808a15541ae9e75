// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/registry.h"

#include <exception>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/gpuruntime/amd.h"
#include "gpuext/gpuruntime/intel.h"
#include "gpuext/gpuruntime/nvidia.h"

namespace gpuext::gpuruntime {
namespace {

const NvidiaVendor kNvidia;
const AmdVendor kAmd;
const IntelVendor kIntel;
const NullVendor kNull;

}  // namespace

const GpuVendor& VendorFor(std::string_view runtime_type) {
  if (runtime_type == kNvidiaRuntimeName) {
    return kNvidia;
  }
  return kNull;
}

std::vector<const GpuVendor*> LabelledVendors() { return {&kNvidia, &kAmd, &kIntel}; }

std::optional<std::string> FallbackVendor::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

template <typename Call, typename Fallback>
auto FallbackVendor::Guard(std::string_view what, Call call, Fallback fallback) const
    -> decltype(fallback()) {
  {
    std::lock_guard lock(mu_);
    if (failure_) {
      return fallback();
    }
  }
  try {
    return call();
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kInvalidArgument) {
      throw;  // the caller's argument, not a broken vendor
    }
    std::lock_guard lock(mu_);
    failure_ = fmt::format("{}: {}: {}", inner_.Name(), what, e.what());
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    failure_ = fmt::format("{}: {}: {}", inner_.Name(), what, e.what());
  } catch (...) {
    std::lock_guard lock(mu_);
    failure_ = fmt::format("{}: {}: unknown exception", inner_.Name(), what);
  }
  return fallback();
}

std::string_view FallbackVendor::Name() const { return inner_.Name(); }

uint16_t FallbackVendor::PciVendorId() const {
  return Guard(
      "PciVendorId", [&] { return inner_.PciVendorId(); }, [&] { return null_.PciVendorId(); });
}

std::vector<Device> FallbackVendor::Detect(const PciScan& scan) const {
  return Guard(
      "Detect", [&] { return inner_.Detect(scan); }, [&] { return null_.Detect(scan); });
}

bool FallbackVendor::NeedsKernelModuleBuild() const {
  return Guard(
      "NeedsKernelModuleBuild", [&] { return inner_.NeedsKernelModuleBuild(); },
      [&] { return null_.NeedsKernelModuleBuild(); });
}

ModuleTypeDecision FallbackVendor::ChooseModuleType(const std::vector<Device>& devices,
                                                    const DriverVersion& version,
                                                    ModuleTypePref pref) const {
  return Guard(
      "ChooseModuleType", [&] { return inner_.ChooseModuleType(devices, version, pref); },
      [&] { return null_.ChooseModuleType(devices, version, pref); });
}

RuntimeIntegration FallbackVendor::Runtime() const {
  return Guard(
      "Runtime", [&] { return inner_.Runtime(); }, [&] { return null_.Runtime(); });
}

std::vector<ContainerdPatch> FallbackVendor::ContainerdPatches(const ContainerdDialect& dialect,
                                                               CgroupDriver cgroup_driver) const {
  return Guard(
      "ContainerdPatches", [&] { return inner_.ContainerdPatches(dialect, cgroup_driver); },
      [&] { return null_.ContainerdPatches(dialect, cgroup_driver); });
}

std::vector<ContainerdPatch> FallbackVendor::ContainerdRemovalPatches(
    const ContainerdDialect& dialect) const {
  return Guard(
      "ContainerdRemovalPatches", [&] { return inner_.ContainerdRemovalPatches(dialect); },
      [&] { return null_.ContainerdRemovalPatches(dialect); });
}

std::vector<OscFile> FallbackVendor::NodeFiles(const DriverVersion& version) const {
  return Guard(
      "NodeFiles", [&] { return inner_.NodeFiles(version); },
      [&] { return null_.NodeFiles(version); });
}

std::vector<std::string> FallbackVendor::NodeFilePaths() const {
  return Guard(
      "NodeFilePaths", [&] { return inner_.NodeFilePaths(); },
      [&] { return null_.NodeFilePaths(); });
}

ModuleParams FallbackVendor::ModuleParameters(const DriverVersion& version) const {
  return Guard(
      "ModuleParameters", [&] { return inner_.ModuleParameters(version); },
      [&] { return null_.ModuleParameters(version); });
}

std::vector<PciMatch> FallbackVendor::NfdMatchers() const {
  return Guard(
      "NfdMatchers", [&] { return inner_.NfdMatchers(); }, [&] { return null_.NfdMatchers(); });
}

std::vector<UserspaceFile> FallbackVendor::UserspaceFileList(const DriverVersion& version,
                                                             Arch arch) const {
  return Guard(
      "UserspaceFileList", [&] { return inner_.UserspaceFileList(version, arch); },
      [&] { return null_.UserspaceFileList(version, arch); });
}

}  // namespace gpuext::gpuruntime
