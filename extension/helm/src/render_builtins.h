// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The built-in objects of Helm's render values (.Capabilities, .Files) and their methods.
// Private to gpuext::helm.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/helm/template.h"

namespace gpuext::helm::internal {

// .Capabilities for `kube_version` ("1.30", "v1.29.3-gke.1") plus extra API versions.
[[nodiscard]] nlohmann::json CapabilitiesObject(const std::string& kube_version,
                                                const std::vector<std::string>& extra_apis);

// .Files over a chart's files.
[[nodiscard]] nlohmann::json FilesObject(
    const std::map<std::string, std::string, std::less<>>& files);

// Registers the methods of Files, APIVersions and KubeVersion objects on `set`.
void AddBuiltinMethods(TemplateSet* set);

}  // namespace gpuext::helm::internal
