// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/shoot_secrets.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/gardener/managed_resource.h"

namespace gpuext::gpu {

using nlohmann::json;

json ShootSecret(std::string_view name, std::string_view ns,
                 const std::map<std::string, std::string>& data) {
  json encoded = json::object();
  for (const auto& [key, value] : data) {
    encoded[key] = Base64Encode(value);
  }
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", std::string(name)}, {"namespace", std::string(ns)}}},
          {"type", "Opaque"},
          {"data", encoded}};
}

json S3CredentialsSecret(kube::Client& seed, const std::string& seed_ns, const S3Plan& s3,
                         std::string_view name, std::string_view ns) {
  const std::optional<json> source =
      seed.Get(gardener::kSecretsResource, {seed_ns, s3.seed_secret});
  if (!source.has_value()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "cache.s3.secretRef: the referenced Secret was not found in the seed (" +
                    s3.seed_secret + "); check spec.resources of the shoot");
  }
  const json data = source->value("data", json::object());
  for (const char* key : {"accessKeyId", "secretAccessKey"}) {
    if (!data.contains(key)) {
      throw Error(ErrorCode::kConfigurationProblem,
                  std::string("cache.s3.secretRef: the referenced Secret has no key ") + key +
                      "; it needs accessKeyId and secretAccessKey (securityToken optional)");
    }
  }
  json secret = ShootSecret(name, ns, {});
  for (const char* key : {"accessKeyId", "secretAccessKey", "securityToken"}) {
    if (data.contains(key)) {
      secret["data"][key] = data[key];  // already base64 in the seed Secret
    }
  }
  return secret;
}

}  // namespace gpuext::gpu
