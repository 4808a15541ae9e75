// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/vendor.h"

namespace gpuext::gpuruntime {

std::vector<Device> DetectByMatch(const PciScan& scan, const PciMatch& match, Device::Kind kind) {
  std::vector<Device> out;
  for (const auto& device : scan.devices) {
    if (match.Matches(device)) {
      out.push_back({.pci = device, .kind = kind});
    }
  }
  return out;
}

}  // namespace gpuext::gpuruntime
