// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Discovery and OpenAPI documents, built from the registry on every request (CRDs change).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "registry.h"

namespace gpuext::emulator {

// The Kubernetes version the emulator claims to be (what kubectl 1.35 expects to talk to).
inline constexpr const char* kEmulatedMinor = "35";

nlohmann::json VersionInfo();
nlohmann::json CoreApiVersions(const std::string& server_address);
nlohmann::json ApiGroupList(const Registry& registry);
std::optional<nlohmann::json> ApiGroup(const Registry& registry, const std::string& group);
std::optional<nlohmann::json> ApiResourceList(const Registry& registry, const std::string& group,
                                              const std::string& version);

// /openapi/v2: a minimal Swagger document with a definition per kind.
nlohmann::json OpenApiV2(const Registry& registry);
// /openapi/v3: the index of group-version documents.
nlohmann::json OpenApiV3Index(const Registry& registry);
// /openapi/v3/apis/<g>/<v> (or api/v1): paths advertising fieldValidation, schemas with
// x-kubernetes-group-version-kind (CRD schemas in full, built-ins as open objects).
std::optional<nlohmann::json> OpenApiV3GroupVersion(const Registry& registry,
                                                    const std::string& group,
                                                    const std::string& version);

}  // namespace gpuext::emulator
