// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/null_vendor.h"

#include <fmt/format.h>

namespace gpuext::gpuruntime {

std::vector<Device> NullVendor::Detect(const PciScan& /*scan*/) const { return {}; }

ModuleTypeDecision NullVendor::ChooseModuleType(const std::vector<Device>& /*devices*/,
                                                const DriverVersion& /*version*/,
                                                ModuleTypePref /*pref*/) const {
  return ModuleTypeDecision::Refuse(
      std::string(kReasonNoVendor),
      fmt::format("no kernel module is built for GPU vendor \"{}\"; use the nvidia runtime for "
                  "NVIDIA GPUs",
                  Name()));
}

std::vector<ContainerdPatch> NullVendor::ContainerdPatches(const ContainerdDialect& /*dialect*/,
                                                           CgroupDriver /*cgroup_driver*/) const {
  return {};
}

std::vector<ContainerdPatch> NullVendor::ContainerdRemovalPatches(
    const ContainerdDialect& /*dialect*/) const {
  return {};
}

std::vector<OscFile> NullVendor::NodeFiles(const DriverVersion& /*version*/) const { return {}; }

ModuleParams NullVendor::ModuleParameters(const DriverVersion& /*version*/) const { return {}; }

std::vector<UserspaceFile> NullVendor::UserspaceFileList(const DriverVersion& /*version*/,
                                                         Arch /*arch*/) const {
  return {};
}

}  // namespace gpuext::gpuruntime
