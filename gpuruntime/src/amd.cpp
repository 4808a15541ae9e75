// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/amd.h"

namespace gpuext::gpuruntime {

std::vector<PciMatch> AmdVendor::NfdMatchers() const {
  return {
      PciMatch{.vendor_id = kPciVendorAmd,
               .class_ids = {kPciClassVgaController, kPciClass3dController, kPciClassDisplayOther},
               .label = "amd.present"}};
}

std::vector<Device> AmdVendor::Detect(const PciScan& scan) const {
  return DetectByMatch(scan, NfdMatchers().front(), Device::Kind::kGpu);
}

}  // namespace gpuext::gpuruntime
