// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/shoot_access.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/gardener/extension_reconciler.h"
#include "gpuext/gardener/managed_resource.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"

namespace gpuext::gpu {

using nlohmann::json;

json ShootAccessSecret(const std::string& ns) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata",
           {{"name", std::string(kShootAccessSecret)},
            {"namespace", ns},
            {"labels",
             {{"resources.gardener.cloud/purpose", "token-requestor"},
              {"resources.gardener.cloud/class", "shoot"}}},
            {"annotations",
             {{"serviceaccount.resources.gardener.cloud/name",
               std::string(kHealthReaderServiceAccount)},
              {"serviceaccount.resources.gardener.cloud/namespace", "kube-system"}}}}},
          {"type", "Opaque"}};
}

void EnsureShootAccessSecret(kube::Client& seed, const std::string& ns) {
  if (seed.Get(gardener::kSecretsResource, {ns, std::string(kShootAccessSecret)}).has_value()) {
    return;
  }
  try {
    seed.Create(gardener::kSecretsResource, ShootAccessSecret(ns));
  } catch (const std::exception& e) {
    if (!kube::IsAlreadyExists(e)) {
      throw;
    }
  }
}

std::unique_ptr<kube::Client> ShootClientFromSeed(kube::Client& seed, const std::string& ns) {
  const std::optional<json> cluster = seed.Get(gardener::kClusters, {"", ns});
  std::string kubeconfig_secret(kGenericKubeconfigFallback);
  if (cluster.has_value()) {
    const json name = cluster->value(
        "/metadata/annotations/generic-token-kubeconfig.secret.gardener.cloud~1name"_json_pointer,
        json());
    if (name.is_string()) {
      kubeconfig_secret = name.get<std::string>();
    }
  }
  const std::optional<json> kubeconfig =
      seed.Get(gardener::kSecretsResource, {ns, kubeconfig_secret});
  if (!kubeconfig.has_value() ||
      !kubeconfig->value("/data/kubeconfig"_json_pointer, json()).is_string()) {
    throw Error(ErrorCode::kNotFound, "the generic token kubeconfig Secret " + kubeconfig_secret +
                                          " (key kubeconfig) is missing in " + ns);
  }
  const std::optional<json> access =
      seed.Get(gardener::kSecretsResource, {ns, std::string(kShootAccessSecret)});
  const json token =
      access.has_value() ? access->value("/data/token"_json_pointer, json()) : json();
  if (!token.is_string()) {
    throw Error(ErrorCode::kNotReady,
                "waiting for resource-manager to issue the shoot access token (" +
                    std::string(kShootAccessSecret) + ")");
  }
  kube::RestConfig config = kube::ParseKubeconfig(
      Base64Decode((*kubeconfig)["data"]["kubeconfig"].get<std::string>()), "");
  // The generic kubeconfig points at a token file of a projected volume; in-process the token
  // comes straight from the access Secret.
  config.token_file.clear();
  config.exec.reset();
  config.bearer_token = Base64Decode(token.get<std::string>());
  return std::make_unique<kube::HttpClient>(std::move(config));
}

}  // namespace gpuext::gpu
