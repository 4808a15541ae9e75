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

#include <functional>
#include <string>
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

// --set-string: the same paths, every value (list items too) a string.
void ApplySetString(nlohmann::json* values, std::string_view set);

// --set-file: each value is a file path; the key gets the file's content as a string.
// `read_file` throws for an unreadable file (the CLI reports "open <path>: ...").
void ApplySetFile(nlohmann::json* values, std::string_view set,
                  const std::function<std::string(const std::string&)>& read_file);

// --set-json: key=<JSON value> pairs separated by ',' (numbers float64, as encoding/json
// reads them), or one whole JSON object merged into the values. Throws gpuext::Error
// (kInvalidArgument) "failed parsing --set-json data <set>".
void ApplySetJson(nlohmann::json* values, std::string_view set);

// Helm's processDependencyImportValues (sub-charts first): each dependency's import-values
// copy a table of the sub-chart's values into the parent's defaults, below the parent's own
// values ("data" takes <sub>.exports.data into the root; {child: c, parent: p} takes
// <sub>.c to p). A missing or non-map table is skipped, as Helm only warns.
void ImportDependencyValues(Chart* chart);

// chartutil.CoalesceValues: the chart's defaults under the user's values, recursively for
// sub-charts, with globals propagated. Throws gpuext::Error(kConfigurationProblem) for a
// sub-chart section that is not a map.
[[nodiscard]] nlohmann::json CoalesceValues(const Chart& chart, const nlohmann::json& user);

}  // namespace gpuext::helm
