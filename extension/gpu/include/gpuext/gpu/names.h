// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The names the seed controllers write and read (DESIGN.md §3.3, §10): extension types,
// shoot namespaces, ManagedResource names, seed Secrets, node labels. One place, so the
// actuators, health checks, charts' values and tests agree.

#include <string>
#include <string_view>

namespace gpuext::gpu {

// Extension and ContainerRuntime types handled by this extension.
inline constexpr std::string_view kExtensionType = "nvidia-gpu";
inline constexpr std::string_view kRuntimeType = "nvidia";
// The `origin` label of every ManagedResource we write (never "gardener": gardenlet deletes
// those itself).
inline constexpr std::string_view kOrigin = "gardener-extension-gpu";

// Shoot namespaces (DESIGN.md §3.3).
inline constexpr std::string_view kOperatorNamespace = "gpu-operator";
inline constexpr std::string_view kAgentNamespace = "gpu-node-agent";
inline constexpr std::string_view kCacheNamespace = "gpu-driver-cache";

// ManagedResources of the Extension (DESIGN.md §10.1), in deploy order.
inline constexpr std::string_view kNfdCrdsMr = "extension-gpu-nfd-crds";
inline constexpr std::string_view kOperatorCrdsMr = "extension-gpu-operator-crds";
inline constexpr std::string_view kSharedMr = "extension-gpu-shared";
inline constexpr std::string_view kNfdMr = "extension-gpu-nfd";
inline constexpr std::string_view kDriverCacheMr = "extension-gpu-driver-cache";
inline constexpr std::string_view kOperatorMr = "extension-gpu-operator";
// ManagedResources of the ContainerRuntimes (DESIGN.md §10.2).
inline constexpr std::string_view kAgentSharedMr = "extension-gpu-agent-shared";
inline constexpr std::string_view kAgentMrPrefix = "extension-gpu-agent-";
[[nodiscard]] inline std::string AgentMrName(std::string_view pool) {
  return std::string(kAgentMrPrefix) + std::string(pool);
}

// Seed Secrets of one shoot namespace, created once and reused (DESIGN.md §10.1 step 3).
inline constexpr std::string_view kSigningKeySecret = "gpu-cache-signing-key";
inline constexpr std::string_view kCacheTlsSecret = "gpu-cache-tls";
inline constexpr std::string_view kUploadHmacSecret = "gpu-cache-upload-hmac";
// The S3 credentials the node agents read when cache.mode is s3 (shoot Secret name).
inline constexpr std::string_view kS3ReadSecret = "gpu-cache-s3-read";
// The S3 credentials of the cache server (shoot Secret name).
inline constexpr std::string_view kS3ServerSecret = "gpu-cache-s3";

// The in-cluster cache server as the node agents reach it.
inline constexpr std::string_view kCacheServiceHost = "gpu-driver-cache.gpu-driver-cache.svc";
inline constexpr std::string_view kCacheServiceUrl =
    "https://gpu-driver-cache.gpu-driver-cache.svc";
inline constexpr std::string_view kCacheTokenAudience = "gpu-driver-cache";

// Device plugin configuration (GPU operator) and the node labels that select from it.
inline constexpr std::string_view kDevicePluginConfigMap = "gpuext-device-plugin-config";
inline constexpr std::string_view kDevicePluginConfigLabel = "nvidia.com/device-plugin.config";
inline constexpr std::string_view kMigConfigLabel = "nvidia.com/mig.config";
inline constexpr std::string_view kDefaultSharingKey = "default";

// What the node agent reports per node (DESIGN.md §13.3).
inline constexpr std::string_view kDriverReadyLabel = "gpu.extensions.gardener.cloud/driver-ready";
inline constexpr std::string_view kDriverReadyCondition = "GPUDriverReady";
// Gardener's label naming a node's worker pool.
inline constexpr std::string_view kWorkerPoolLabel = "worker.gardener.cloud/pool";
inline constexpr std::string_view kCriNameLabel = "worker.gardener.cloud/cri-name";

}  // namespace gpuext::gpu
