// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The gpu-operator chart values the extension sets itself, and why (DESIGN.md §10.1, §11). A user
// may pass any upstream value through GPUConfig `operatorValues`; the controller merges them
// underneath its own, so for the paths listed here the extension's value wins. The Shoot webhook
// warns at admission and the Extension controller emits an event when a user sets one of them,
// naming the GPUConfig field to use instead where there is one.

#include <span>
#include <string_view>
#include <vector>

#include "gpuext/gpuruntime/api/gpu_config.h"

namespace gpuext::gpuruntime::api {

struct PinnedOperatorValue {
  std::string_view path;    // dotted, relative to the chart's values: "toolkit.installDir"
  std::string_view reason;  // why the extension owns it, or which GPUConfig field to set
};

// Every pinned path, in the order of the chart's values.yaml. A pinned path covers its subtree.
[[nodiscard]] std::span<const PinnedOperatorValue> PinnedOperatorValues();

// The pinned paths `values` sets: the path itself, a value inside its subtree, or a parent
// replaced by something that is not an object. In table order; empty for valid-but-harmless
// values. Throws gpuext::Error when `values.json` is not a JSON object (decoding prevents that).
[[nodiscard]] std::vector<PinnedOperatorValue> PinnedOperatorValuesSetBy(
    const OperatorValues& values);

}  // namespace gpuext::gpuruntime::api
