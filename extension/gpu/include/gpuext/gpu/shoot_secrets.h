// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Secrets the actuators put into the shoot through ManagedResources: plain Opaque Secrets
// built from bytes, and copies of the user's S3 credentials (the seed's ref-<name> Secret that
// gardenlet copied from the garden). Only the credential keys travel; errors name the field to
// fix, never a value.

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gpu/shoot_plan.h"
#include "gpuext/kube/client.h"

namespace gpuext::gpu {

// An Opaque Secret `ns/name` holding `data` (raw bytes, base64-encoded here).
[[nodiscard]] nlohmann::json ShootSecret(std::string_view name, std::string_view ns,
                                         const std::map<std::string, std::string>& data);

// `ns/name` in the shoot with accessKeyId, secretAccessKey (and securityToken when present)
// of the seed Secret `s3.seed_secret` in `seed_ns`. Throws Error(kConfigurationProblem) naming
// cache.s3.secretRef when the Secret or a required key is missing.
[[nodiscard]] nlohmann::json S3CredentialsSecret(kube::Client& seed, const std::string& seed_ns,
                                                 const S3Plan& s3, std::string_view name,
                                                 std::string_view ns);

}  // namespace gpuext::gpu
