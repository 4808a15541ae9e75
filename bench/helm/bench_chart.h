// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A realistic chart for the helm bench: `services` components, each with a Deployment, a
// Service, a ConfigMap, a ServiceAccount and (when enabled) an HPA template, all using
// shared helpers, ranges, withs, defaults, toYaml and include as upstream charts do.

#include <filesystem>

namespace gpuext::bench {

// Writes the chart under `dir` (Chart.yaml, values.yaml, templates/); 10 services give 50
// templates and about 2000 lines of output.
void WriteBenchChart(const std::filesystem::path& dir, int services);

}  // namespace gpuext::bench
