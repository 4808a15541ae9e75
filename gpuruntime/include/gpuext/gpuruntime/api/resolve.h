// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The effective configuration of one GPU pool (DESIGN.md §8.2): SetDefaults(GPUConfig) overlaid
// field by field with the pool's GPUPoolConfig, the driver branch resolved to a full version.
// Actuators, the OSC webhook and providerStatus all read this one answer.
//
// Overlay rules, field by field:
//   - a field the GPUPoolConfig leaves absent inherits the shoot's value;
//   - a field it sets to null falls back to the built-in default (driver.version: the component
//     config's default branch; sharing: none; mig.profile: all-disabled; fabricManager: auto);
//   - sharing: setting timeSlicing in the pool drops the shoot's mps and the other way round;
//     timeSlicing fields merge one by one with the shoot's timeSlicing;
//   - mig.strategy is shoot-wide only.
//
//   ResolvedPool pool = ResolvePool(cluster_shoot, "gpu-a100", component_config);
//
// Pure functions, safe for concurrent use.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/gpuruntime/api/gpu_config.h"
#include "gpuext/gpuruntime/api/validation.h"
#include "gpuext/gpuruntime/types.h"

namespace gpuext::gpuruntime::api {

enum class SharingKind { kNone, kTimeSlicing, kMps };

struct ResolvedSharing {
  SharingKind kind = SharingKind::kNone;
  int replicas = 1;
  bool rename_by_default = false;               // time slicing only
  bool fail_requests_greater_than_one = false;  // time slicing only
  friend bool operator==(const ResolvedSharing&, const ResolvedSharing&) = default;
};

struct ResolvedPool {
  std::string name{};
  ResolvedDriver driver{};  // branch, full version, sources
  ModuleTypePref module_type = ModuleTypePref::kAuto;
  bool peermem = false;
  ResolvedSharing sharing{};
  MigStrategy mig_strategy = MigStrategy::kNone;
  std::string mig_profile = "all-disabled";
  FabricManagerMode fabric_manager = FabricManagerMode::kAuto;
  int max_parallel = 1;
  std::chrono::nanoseconds drain_timeout = std::chrono::minutes(10);
  bool force = false;
  std::string machine_image_name{};
  std::string machine_image_version{};
  std::optional<ContainerdDialect> containerd{};  // nullopt when the image version is not listed
  friend bool operator==(const ResolvedPool&, const ResolvedPool&) = default;
};

// Overlays `pool_config` on `shoot_config` (which must have gone through SetDefaults). Throws
// Error(kConfigurationProblem) when the effective driver version is not in the catalog.
[[nodiscard]] ResolvedPool ResolvePool(const GPUConfig& shoot_config,
                                       const GPUPoolConfig& pool_config, const PoolContext& pool,
                                       const ControllerConfiguration& component);

// The same from a Shoot object (core.gardener.cloud/v1beta1, e.g. from the Cluster resource):
// decodes, defaults and validates the nvidia-gpu extension's providerConfig and the pool's nvidia
// runtime providerConfig. Throws Error(kConfigurationProblem) naming every field error (paths
// like spec.extensions[0].providerConfig.driver.version), or when the pool does not exist.
[[nodiscard]] ResolvedPool ResolvePool(const nlohmann::json& shoot, std::string_view pool_name,
                                       const ControllerConfiguration& component);

// Every worker pool of a Shoot as the validation rules see it (gpus stays nullopt: the
// CloudProfile is not part of a Shoot).
[[nodiscard]] std::vector<PoolContext> PoolsFromShoot(const nlohmann::json& shoot);
// The shoot's spec.resources[].name.
[[nodiscard]] std::vector<std::string> ResourceNamesFromShoot(const nlohmann::json& shoot);

}  // namespace gpuext::gpuruntime::api
