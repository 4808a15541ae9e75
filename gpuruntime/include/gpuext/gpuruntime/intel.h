// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Intel (DESIGN.md §16): only what the NFD rules need today — PCI vendor 8086 and the display
// classes. The in-tree i915/xe drivers are used (no build) and devices reach containers through
// the Intel device plugins (`gpu.intel.com/i915|xe`), so everything else keeps the NullVendor
// answers until that integration exists.

#include <string_view>
#include <vector>

#include "gpuext/gpuruntime/null_vendor.h"

namespace gpuext::gpuruntime {

// Stateless; safe for concurrent use.
class IntelVendor final : public NullVendor {
 public:
  [[nodiscard]] std::string_view Name() const override { return "intel"; }
  [[nodiscard]] uint16_t PciVendorId() const override { return kPciVendorIntel; }
  // Vendor 8086 with class 0x0300, 0x0302 or 0x0380.
  [[nodiscard]] std::vector<Device> Detect(const PciScan& scan) const override;
  // intel.present.
  [[nodiscard]] std::vector<PciMatch> NfdMatchers() const override;
};

}  // namespace gpuext::gpuruntime
