// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// NvidiaVendor::ChooseModuleType (DESIGN.md §13.3 step 2).

#include <fmt/format.h>

#include "gpuext/gpuruntime/nvidia.h"

namespace gpuext::gpuruntime {
namespace {

std::string Describe(const Device& device) {
  return fmt::format("{} (device {:04x})", device.pci.address, device.pci.device_id);
}

}  // namespace

bool NvidiaNeedsOpenModules(uint16_t device_id) {
  // Blackwell: GB100/GB102 0x29xx, GB20x 0x2Bxx-0x2Fxx and later. Grace Hopper GH200: 0x2342,
  // 0x2348 (H100 PCIe/SXM, 0x23xx otherwise, run either type).
  return device_id >= 0x2900 || device_id == 0x2342 || device_id == 0x2348;
}

ModuleTypeDecision NvidiaVendor::ChooseModuleType(const std::vector<Device>& devices,
                                                  const DriverVersion& version,
                                                  ModuleTypePref pref) const {
  const Device* pre_turing = nullptr;  // needs proprietary
  const Device* open_only = nullptr;   // needs open
  for (const auto& device : devices) {
    if (device.kind != Device::Kind::kGpu) {
      continue;
    }
    if (device.pci.device_id < kFirstTuringDeviceId && pre_turing == nullptr) {
      pre_turing = &device;
    }
    if (NvidiaNeedsOpenModules(device.pci.device_id) && open_only == nullptr) {
      open_only = &device;
    }
  }
  if (pre_turing != nullptr && open_only != nullptr) {
    return ModuleTypeDecision::Refuse(
        std::string(kReasonMixedGpuGenerations),
        fmt::format("GPU {} needs the proprietary kernel modules (pre-Turing) and GPU {} needs "
                    "the open ones; no single driver serves both. Put these GPUs into "
                    "different worker pools",
                    Describe(*pre_turing), Describe(*open_only)));
  }
  switch (pref) {
    case ModuleTypePref::kOpen:
      if (pre_turing != nullptr) {
        return ModuleTypeDecision::Refuse(
            std::string(kReasonModuleTypeUnsupported),
            fmt::format("GPU {} is older than Turing, which the open kernel modules do not "
                        "support; set driver.moduleType to proprietary or auto",
                        Describe(*pre_turing)));
      }
      if (version.Branch() < kFirstOpenBranch) {
        return ModuleTypeDecision::Refuse(
            std::string(kReasonModuleTypeUnsupported),
            fmt::format("driver branch {} has no open kernel modules (they start with {}); "
                        "use a newer driver or moduleType proprietary",
                        version.Branch(), kFirstOpenBranch));
      }
      return ModuleTypeDecision::Use(ModuleType::kOpen);
    case ModuleTypePref::kProprietary:
      if (open_only != nullptr) {
        return ModuleTypeDecision::Refuse(
            std::string(kReasonModuleTypeUnsupported),
            fmt::format("GPU {} is supported only by the open kernel modules; set "
                        "driver.moduleType to open or auto",
                        Describe(*open_only)));
      }
      return ModuleTypeDecision::Use(ModuleType::kProprietary);
    case ModuleTypePref::kAuto:
      break;
  }
  if (pre_turing != nullptr) {
    return ModuleTypeDecision::Use(ModuleType::kProprietary);
  }
  if (open_only != nullptr) {
    if (version.Branch() < kFirstOpenBranch) {
      return ModuleTypeDecision::Refuse(
          std::string(kReasonModuleTypeUnsupported),
          fmt::format("GPU {} needs the open kernel modules, which driver branch {} lacks; use "
                      "a newer driver",
                      Describe(*open_only), version.Branch()));
    }
    return ModuleTypeDecision::Use(ModuleType::kOpen);
  }
  return ModuleTypeDecision::Use(version.Branch() < kOpenDefaultBranch ? ModuleType::kProprietary
                                                                       : ModuleType::kOpen);
}

}  // namespace gpuext::gpuruntime
