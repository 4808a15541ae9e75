// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading the shoot's API from the seed, for the EveryNodeReady health check (DESIGN.md §10.1,
// gardener-contract.md §7): a token-requestor Secret `shoot-access-gardener-extension-gpu` in
// the shoot namespace asks the shoot's resource-manager for a token of the ServiceAccount
// kube-system/gardener-extension-gpu (read-only on nodes, pods and events, shipped by
// extension-gpu-shared); the generic token kubeconfig named by the Cluster's annotation says
// where the shoot's API server is. No admin kubeconfig is used.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/kube/client.h"

namespace gpuext::gpu {

inline constexpr std::string_view kShootAccessSecret = "shoot-access-gardener-extension-gpu";
inline constexpr std::string_view kHealthReaderServiceAccount = "gardener-extension-gpu";
inline constexpr std::string_view kGenericKubeconfigAnnotation =
    "generic-token-kubeconfig.secret.gardener.cloud/name";
inline constexpr std::string_view kGenericKubeconfigFallback = "generic-token-kubeconfig";

// The token-requestor Secret (labels and annotations as resource-manager expects them).
[[nodiscard]] nlohmann::json ShootAccessSecret(const std::string& ns);

// Creates the Secret when absent; an existing one (holding a token) is left alone.
void EnsureShootAccessSecret(kube::Client& seed, const std::string& ns);

// A client for the shoot of `ns`: the generic kubeconfig's server and CA with the access
// Secret's token. Throws Error(kNotReady) while the token has not been issued yet and
// Error(kNotFound) when the kubeconfig Secret is missing.
[[nodiscard]] std::unique_ptr<kube::Client> ShootClientFromSeed(kube::Client& seed,
                                                                const std::string& ns);

// The shoot's Nodes, which both the EveryNodeReady check and the uninstall wait read.
inline const kube::Resource kShootNodes{"", "v1", "nodes", /*namespaced=*/false};

// A client for the shoot of a seed namespace (ShootClientFromSeed in a landscape, the shoot
// emulator in tests). Throws when the shoot cannot be reached.
using ShootClientFactory =
    std::function<std::unique_ptr<kube::Client>(kube::Client& seed, const std::string& seed_ns)>;

}  // namespace gpuext::gpu
