// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The shoot charts (charts/internal/<name>, DESIGN.md §11) as the controllers render them:
// in-process, with Helm's semantics, CRDs (a chart's crds/ directory) kept apart from the
// templated objects so they can go into their own ManagedResource first.
//
//   const ShootCharts& charts = ShootCharts::Embedded();   // compiled into the binary
//   RenderedChart nfd = charts.Render("nfd", values, "gpu-operator", "1.33.2");
//   mrs.Deploy({.name = "extension-gpu-nfd-crds", .data = {{"crds.yaml", nfd.crds}}});
//
// Immutable after construction; safe for concurrent use.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/helm/chart_fs.h"

namespace gpuext::gpu {

// Chart names under charts/internal.
inline constexpr std::string_view kSharedChart = "shoot-shared";
inline constexpr std::string_view kNfdChart = "nfd";
inline constexpr std::string_view kOperatorChart = "gpu-operator";
inline constexpr std::string_view kNodeAgentChart = "node-agent";
inline constexpr std::string_view kDriverCacheChart = "driver-cache";

// One rendering as YAML streams ("---" separated documents with "# Source:" comments).
struct RenderedChart {
  std::string crds{};     // the crds/ directory; "" when the chart has none
  std::string objects{};  // the templates' output; "" when it produced no object
};

class ShootCharts {
 public:
  // The charts compiled into this binary (cmake gpuext_embed_files of charts/internal).
  [[nodiscard]] static const ShootCharts& Embedded();
  // The charts of a directory holding one sub-directory per chart (development override).
  // Throws Error(kNotFound) when `dir` is not a directory.
  [[nodiscard]] static ShootCharts FromDirectory(const std::filesystem::path& dir);

  // Renders chart `name` as `helm template <name> --namespace ns --kube-version v<kube>
  // --include-crds` would. Throws Error(kNotFound) for an unknown chart and
  // Error(kConfigurationProblem) with Helm's message when rendering fails.
  [[nodiscard]] RenderedChart Render(std::string_view name, const nlohmann::json& values,
                                     std::string_view ns, std::string_view kube_version) const;

  [[nodiscard]] bool Has(std::string_view name) const { return charts_.contains(name); }

 private:
  std::map<std::string, helm::ChartFS, std::less<>> charts_;
};

}  // namespace gpuext::gpu
