// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/shoot_charts.h"

#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/helm/renderer.h"
#include "gpuext_shoot_charts.h"

namespace gpuext::gpu {
namespace {

// The chart directories of a tree: the first path segment of every file.
std::set<std::string> ChartNames(const std::map<std::string, std::string, std::less<>>& files) {
  std::set<std::string> names;
  for (const auto& [path, content] : files) {
    const auto slash = path.find('/');
    if (slash != std::string::npos) {
      names.insert(path.substr(0, slash));
    }
  }
  return names;
}

bool IsCrd(const helm::Manifest& manifest) {
  // helm template prints crds/ files with their path below the chart: "<chart>/crds/x.yaml".
  return manifest.source_path.find("/crds/") != std::string::npos;
}

}  // namespace

const ShootCharts& ShootCharts::Embedded() {
  static const ShootCharts charts = [] {
    ShootCharts out;
    const helm::ChartFS all = helm::ChartFS::FromEmbedded(gpuext_shoot_charts::Files(), "");
    for (const std::string& name : ChartNames(all.files())) {
      out.charts_.emplace(name, all.Sub(name));
    }
    return out;
  }();
  return charts;
}

ShootCharts ShootCharts::FromDirectory(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) {
    throw Error(ErrorCode::kNotFound, "chart directory " + dir.string() + " does not exist");
  }
  ShootCharts out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "Chart.yaml")) {
      out.charts_.emplace(entry.path().filename().string(),
                          helm::ChartFS::FromDirectory(entry.path()));
    }
  }
  return out;
}

RenderedChart ShootCharts::Render(std::string_view name, const nlohmann::json& values,
                                  std::string_view ns, std::string_view kube_version) const {
  const auto chart = charts_.find(name);
  if (chart == charts_.end()) {
    throw Error(ErrorCode::kNotFound, "no chart \"" + std::string(name) + "\" in this build");
  }
  helm::ReleaseOptions options{
      .name = std::string(name), .ns = std::string(ns), .include_crds = true};
  if (!kube_version.empty()) {
    options.kube_version = "v" + std::string(kube_version);
  }
  std::vector<helm::Manifest> crds;
  std::vector<helm::Manifest> objects;
  for (helm::Manifest& manifest : helm::Render(chart->second, values, options)) {
    (IsCrd(manifest) ? crds : objects).push_back(std::move(manifest));
  }
  return {.crds = crds.empty() ? "" : helm::FormatManifests(crds),
          .objects = objects.empty() ? "" : helm::FormatManifests(objects)};
}

}  // namespace gpuext::gpu
