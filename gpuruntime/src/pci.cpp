// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/pci.h"

#include <algorithm>

namespace gpuext::gpuruntime {

bool PciMatch::Matches(const PciDevice& device) const {
  return device.vendor_id == vendor_id &&
         std::find(class_ids.begin(), class_ids.end(), device.ClassId()) != class_ids.end();
}

}  // namespace gpuext::gpuruntime
