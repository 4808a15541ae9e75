// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The vendor that does nothing (DESIGN.md §16): unknown runtime types and failing vendors map to
// it, so callers never crash-loop on a vendor problem (the k8s-device-plugin pattern). It claims
// no devices, needs no build, writes no containerd entries or files and refuses to choose a
// module type.

#include <string>
#include <string_view>
#include <vector>

#include "gpuext/gpuruntime/vendor.h"

namespace gpuext::gpuruntime {

// Stateless; safe for concurrent use.
class NullVendor : public GpuVendor {
 public:
  [[nodiscard]] std::string_view Name() const override { return "none"; }
  [[nodiscard]] uint16_t PciVendorId() const override { return 0; }
  [[nodiscard]] std::vector<Device> Detect(const PciScan& scan) const override;
  [[nodiscard]] bool NeedsKernelModuleBuild() const override { return false; }
  // Always a refusal with reason NoVendor.
  [[nodiscard]] ModuleTypeDecision ChooseModuleType(const std::vector<Device>& devices,
                                                    const DriverVersion& version,
                                                    ModuleTypePref pref) const override;
  [[nodiscard]] RuntimeIntegration Runtime() const override { return {}; }
  [[nodiscard]] std::vector<ContainerdPatch> ContainerdPatches(
      const ContainerdDialect& dialect, CgroupDriver cgroup_driver) const override;
  [[nodiscard]] std::vector<ContainerdPatch> ContainerdRemovalPatches(
      const ContainerdDialect& dialect) const override;
  [[nodiscard]] std::vector<OscFile> NodeFiles(const DriverVersion& version) const override;
  [[nodiscard]] std::vector<std::string> NodeFilePaths() const override { return {}; }
  [[nodiscard]] ModuleParams ModuleParameters(const DriverVersion& version) const override;
  [[nodiscard]] std::vector<PciMatch> NfdMatchers() const override { return {}; }
  [[nodiscard]] std::vector<UserspaceFile> UserspaceFileList(const DriverVersion& version,
                                                             Arch arch) const override;
};

}  // namespace gpuext::gpuruntime
