// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The §8.3 validation rules of GPUConfig and GPUPoolConfig, shared by the garden webhook and the
// seed actuators. Every rule returns a field error whose path starts with the caller's path and
// whose detail names the fix; all problems come back at once. Advice that must not block a shoot
// (a listed pool without a GPU count) comes back as warnings.
//
//   ValidationContext ctx{.component = cc, .pools = PoolsFromShoot(shoot),
//                         .resource_names = ResourceNamesFromShoot(shoot)};
//   Checked<GPUConfig> c = CheckGPUConfig(provider_config, ctx,
//   "spec.extensions[0].providerConfig"); if (!c.errors.empty()) deny(c.errors);
//
// Pure functions; safe for concurrent use.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/field_errors.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/gpuruntime/api/gpu_config.h"

namespace gpuext::gpuruntime::api {

// What the rules need to know about one worker pool of the shoot.
struct PoolContext {
  std::string name{};
  std::string machine_image_name{};     // "gardenlinux"
  std::string machine_image_version{};  // "1877.5.0"
  // The machine type's GPU count in the CloudProfile (0 when it has none); nullopt when the
  // CloudProfile could not be read, which no rule may take for "no GPU".
  std::optional<int> gpus{};
  bool has_runtime = false;         // the pool has the nvidia container runtime
  bool own_driver_version = false;  // its GPUPoolConfig sets driver.version
  friend bool operator==(const PoolContext&, const PoolContext&) = default;
};

// Everything from outside the document that the rules consult. Borrows `component`.
struct ValidationContext {
  const ControllerConfiguration& component;      // branches, exclusions, allowInsecureEndpoints
  std::vector<PoolContext> pools = {};           // every worker pool of the shoot
  std::vector<std::string> resource_names = {};  // the shoot's spec.resources[].name
};

struct ValidationResult {
  FieldErrorList errors{};
  std::vector<std::string> warnings{};  // "<field>: <advice>"
};

// Validates a GPUConfig after SetDefaults. The driver version is checked against the catalog and
// against the exclusions of every pool that uses the shoot-wide version (pools with the runtime
// or listed in `pools`, unless they set their own driver.version).
[[nodiscard]] ValidationResult Validate(const GPUConfig& config, const ValidationContext& context,
                                        std::string_view path);

// Validates the overrides of pool `pool_name` (no defaults applied: only what the user wrote).
[[nodiscard]] ValidationResult Validate(const GPUPoolConfig& config,
                                        const ValidationContext& context,
                                        std::string_view pool_name, std::string_view path);

// Decode + SetDefaults (default branch from the component config) + Validate, in one step. On
// decoding errors the rules still run on what decoded, so the answer lists every problem.
template <typename T>
struct Checked {
  T config{};
  FieldErrorList errors{};
  std::vector<std::string> warnings{};
  [[nodiscard]] bool ok() const { return errors.empty(); }
};
[[nodiscard]] Checked<GPUConfig> CheckGPUConfig(const nlohmann::json& document,
                                                const ValidationContext& context,
                                                std::string_view path);
[[nodiscard]] Checked<GPUPoolConfig> CheckGPUPoolConfig(const nlohmann::json& document,
                                                        const ValidationContext& context,
                                                        std::string_view pool_name,
                                                        std::string_view path);

}  // namespace gpuext::gpuruntime::api
