// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A loaded chart, as Helm's loader builds it: Chart.yaml, values.yaml, values.schema.json,
// templates/, crds/, the other files (.Files) and sub-charts from charts/<dir>/.
//
//   Chart chart = LoadChart(ChartFS::FromDirectory("charts/internal/nfd"));
//
// Plain value type; thread-compatible.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/helm/chart_fs.h"

namespace gpuext::helm {

// One entry of Chart.yaml's `dependencies`.
struct ChartDependency {
  std::string name;
  std::string version = {};
  std::string repository = {};
  std::string condition = {};          // comma-separated value paths; first bool found wins
  std::vector<std::string> tags = {};  // enabled when any tag is true in .Values.tags
  std::string alias = {};
  std::optional<bool> enabled = {};
  // import-values: strings ("data" imports exports.data into the parent's root) and
  // {child: "a.b", parent: "x.y"} maps, as written.
  nlohmann::json import_values = nlohmann::json::array();
};

struct Chart {
  nlohmann::json metadata;  // Chart.yaml as read (JSON keys as in the file)
  nlohmann::json values;    // values.yaml (every number a float64), {} when absent
  std::optional<nlohmann::json> schema = {};                        // values.schema.json
  std::vector<std::pair<std::string, std::string>> templates = {};  // "templates/x.yaml" -> text
  std::vector<std::pair<std::string, std::string>> crds = {};       // "crds/x.yaml" -> bytes
  std::map<std::string, std::string, std::less<>> files = {};       // what .Files sees
  std::vector<ChartDependency> dependency_entries = {};
  std::vector<Chart> subcharts = {};  // from charts/, in directory order

  [[nodiscard]] std::string Name() const { return metadata.value("name", ""); }
};

// Reads a chart. Throws gpuext::Error(kConfigurationProblem) with Helm's wording for a
// missing or invalid Chart.yaml ("Chart.yaml file is missing", "validation: chart.metadata.name
// is required", ...), unparsable values.yaml or schema, or an unsupported apiVersion.
[[nodiscard]] Chart LoadChart(const ChartFS& fs);

// .Chart as templates see it: Helm's chart.Metadata with Go field names (Name, Version,
// AppVersion, APIVersion, ...), zero values for absent fields, plus IsRoot.
[[nodiscard]] nlohmann::json ChartObject(const Chart& chart, bool is_root);

}  // namespace gpuext::helm
