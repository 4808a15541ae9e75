// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the seed tells the nodes of a GPU pool: the device-plugin sharing configurations the GPU
// operator serves (one key per distinct effective sharing config, DESIGN.md §10.1) and each
// pool's AgentConfiguration (§8.5), whose deviceLabels make the node select its key.
//
//   nlohmann::json configs = DevicePluginConfigs(plan);        // {"default": {...}, ...}
//   AgentConfiguration agent = BuildAgentConfiguration(pool, plan, trust);
//
// Pure functions; safe for concurrent use.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gpu/shoot_plan.h"
#include "gpuext/gpuruntime/api/agent_config.h"

namespace gpuext::gpu {

// The shoot-wide sharing (GPUConfig.sharing) in resolved form.
[[nodiscard]] gpuruntime::api::ResolvedSharing ShootSharing(
    const gpuruntime::api::GPUConfig& config);

// The device-plugin config key the pool's nodes select: "default" when the pool shares GPUs
// as the shoot does, "pool-<name>" otherwise.
[[nodiscard]] std::string SharingKey(const gpuruntime::api::ResolvedPool& pool,
                                     const gpuruntime::api::ResolvedSharing& shoot_sharing);

// One device-plugin `version: v1` config: flags.migStrategy and, when GPUs are shared,
// sharing.timeSlicing|mps.resources[{name: nvidia.com/gpu, replicas}].
[[nodiscard]] nlohmann::json DevicePluginConfig(const gpuruntime::api::ResolvedSharing& sharing,
                                                gpuruntime::api::MigStrategy mig_strategy);

// {"default": <shoot-wide config>, "pool-<name>": <config>, ...} for every key in use.
[[nodiscard]] nlohmann::json DevicePluginConfigs(const ShootPlan& plan);

// The keys that verify driver manifests: our signing key (always first) plus the user's extra
// trusted keys.
struct ManifestTrust {
  std::string signing_public_key{};  // base64 of the raw 32-byte ed25519 key
  std::string cache_ca_bundle{};     // PEM of the cache server's CA (mode server)
};

// The AgentConfiguration of one pool (mode install). Its driver modules follow the vendor
// (nvidia, nvidia-uvm, nvidia-modeset, plus nvidia-peermem when asked for) with the vendor's
// module parameters for the version; cache sources follow plan.cache.mode.
[[nodiscard]] gpuruntime::api::AgentConfiguration BuildAgentConfiguration(
    const gpuruntime::api::ResolvedPool& pool, const ShootPlan& plan, const ManifestTrust& trust);

// Where a pool's agent pod mounts the NFS export in cache mode filesystem.
inline constexpr const char* kNfsCacheMountPath = "/var/run/gpu-driver-cache";

}  // namespace gpuext::gpu
