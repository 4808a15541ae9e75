// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Renders a chart the way `helm template` does: values coalesced, sub-charts enabled by
// condition/tags, every template executed with .Values/.Release/.Chart/.Capabilities/
// .Files/.Template, partials (_*) and NOTES.txt not printed, output split into documents
// sorted in Helm's install order, CRDs first when asked.
//
//   std::vector<Manifest> docs = Render(ChartFS::FromDirectory(dir), values,
//                                       {.name = "gpu", .ns = "kube-system"});
//   std::cout << FormatManifests(docs);   // the same stream as helm template

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/helm/chart_fs.h"

namespace gpuext::helm {

struct ReleaseOptions {
  std::string name = "release-name";
  std::string ns = "default";
  std::string kube_version = "v1.35.0";        // --kube-version
  std::vector<std::string> api_versions = {};  // --api-versions, added to the built-in set
  bool include_crds = false;                   // --include-crds
};

struct Manifest {
  std::string source_path;  // "<chart>/templates/x.yaml" (as in "# Source:")
  std::string text;         // the document without its "---" separator
};

struct RenderedObject {
  std::string source_path;
  nlohmann::json object;
};

// Throws gpuext::Error (kConfigurationProblem) with Helm's text for chart, values, schema and
// template failures ("execution error at (c/templates/x.yaml:3:4): msg", "YAML parse error
// on c/templates/x.yaml: ...").
[[nodiscard]] std::vector<Manifest> Render(const ChartFS& chart, const nlohmann::json& user_values,
                                           const ReleaseOptions& options);

// The same documents parsed into objects (comment-only documents dropped).
[[nodiscard]] std::vector<RenderedObject> RenderObjects(const ChartFS& chart,
                                                        const nlohmann::json& user_values,
                                                        const ReleaseOptions& options);

// "---\n# Source: <path>\n<text>\n" per document, as helm template prints them.
[[nodiscard]] std::string FormatManifests(const std::vector<Manifest>& manifests);

}  // namespace gpuext::helm
