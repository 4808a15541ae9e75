// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/intel.h"

namespace gpuext::gpuruntime {

std::vector<PciMatch> IntelVendor::NfdMatchers() const {
  return {
      PciMatch{.vendor_id = kPciVendorIntel,
               .class_ids = {kPciClassVgaController, kPciClass3dController, kPciClassDisplayOther},
               .label = "intel.present"}};
}

std::vector<Device> IntelVendor::Detect(const PciScan& scan) const {
  return DetectByMatch(scan, NfdMatchers().front(), Device::Kind::kGpu);
}

}  // namespace gpuext::gpuruntime
