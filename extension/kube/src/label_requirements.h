// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the string and the JSON form of a label selector share.

#include <algorithm>
#include <vector>

#include "gpuext/kube/selector.h"

namespace gpuext::kube::internal {

// Requirements ordered by key (stable, as Kubernetes sorts them).
inline void SortByKey(std::vector<LabelRequirement>& requirements) {
  std::stable_sort(
      requirements.begin(), requirements.end(),
      [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
}

}  // namespace gpuext::kube::internal
