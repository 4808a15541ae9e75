// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// AMD (DESIGN.md §16, roadmap step 5): only what the NFD rules need today — PCI vendor 1002 and
// the display classes. The inbox amdgpu driver is used (no build), devices reach containers
// through the ROCm device plugin (`amd.com/gpu`), not a runtime hook, so everything else keeps
// the NullVendor answers until the AMD GPU operator integration exists.

#include <string_view>
#include <vector>

#include "gpuext/gpuruntime/null_vendor.h"

namespace gpuext::gpuruntime {

// Stateless; safe for concurrent use.
class AmdVendor final : public NullVendor {
 public:
  [[nodiscard]] std::string_view Name() const override { return "amd"; }
  [[nodiscard]] uint16_t PciVendorId() const override { return kPciVendorAmd; }
  // Vendor 1002 with class 0x0300, 0x0302 or 0x0380.
  [[nodiscard]] std::vector<Device> Detect(const PciScan& scan) const override;
  // amd.present.
  [[nodiscard]] std::vector<PciMatch> NfdMatchers() const override;
};

}  // namespace gpuext::gpuruntime
