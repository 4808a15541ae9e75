// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helm's values pipeline: user value files merged in order, --set applied on top (strvals
// typing), then coalesced with the chart's values.yaml and its sub-charts' (scoping under
// `<subchart>:`, `global` copied down, `null` deleting a default).
//
//   json user = MergeValueFiles({UnmarshalYaml(a), UnmarshalYaml(b)});
//   ApplySet(&user, "image.tag=1.2,replicas=3");
//   json values = CoalesceValues(chart, user);

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/helm/chart.h"

namespace gpuext::helm {

// Later files win; nested maps merge, anything else replaces.
[[nodiscard]] nlohmann::json MergeValueFiles(const std::vector<nlohmann::json>& files);

// Applies one --set argument (k=v pairs separated by ',', a.b paths, list[0] indexes, {a,b}
// lists, '\' escapes). Values are typed as Helm's strvals does: true/false, null, decimal
// int64 (not starting with 0), everything else a string. Throws gpuext::Error
// (kInvalidArgument) with strvals-like text ("key "x" has no value").
void ApplySet(nlohmann::json* values, std::string_view set);

// chartutil.CoalesceValues: the chart's defaults under the user's values, recursively for
// sub-charts, with globals propagated. Throws gpuext::Error(kConfigurationProblem) for a
// sub-chart section that is not a map.
[[nodiscard]] nlohmann::json CoalesceValues(const Chart& chart, const nlohmann::json& user);

}  // namespace gpuext::helm
