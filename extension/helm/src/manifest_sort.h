// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helm's releaseutil: splitting rendered files into documents and sorting them in install
// order (hooks after the ordinary manifests). Private to gpuext::helm.

#include <map>
#include <string>
#include <vector>

#include "gpuext/helm/renderer.h"

namespace gpuext::helm::internal {

// `files` maps template names to rendered text; partials and empty files are skipped.
// Throws gpuext::Error(kConfigurationProblem) "YAML parse error on <file>: ..." for a
// document that is not YAML.
[[nodiscard]] std::vector<Manifest> SortManifests(const std::map<std::string, std::string>& files);

}  // namespace gpuext::helm::internal
