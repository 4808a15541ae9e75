// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Refuses at admission what cannot work on a node (DESIGN.md §9 "Validation"): each problem is a
// FieldError naming the field and the fix, all returned at once. Pure: the CloudProfile is
// handed in by the caller (read from an informer cache).
//
// What is checked, for every pool with the nvidia runtime and every enabled nvidia-gpu extension:
//   - the pool: cri.name containerd; machine image name and version supported by the vendor
//     (component machineImages) and listing the nvidia runtime in the CloudProfile; the
//     architecture has a build of the pool's effective driver (sources pinned per architecture);
//     a MIG profile only on GPUs that can do MIG (api/machine_types.h); systemComponents.allow
//     on GPU machines is a warning;
//   - providerConfig, strictly decoded with the §8.3 rules of gpuruntime::api (validation.h):
//     GPUConfig at spec.extensions[j].providerConfig, GPUPoolConfig at
//     spec.provider.workers[i].cri.containerRuntimes[k].providerConfig;
//   - GPUConfig.pools naming a pool without the runtime after mutation.
//
//   ShootValidation v = ValidateShoot(old_shoot, shoot, context);
//   if (!v.errors.empty()) deny(ToAggregateMessage(v.errors));
//
// On UPDATE, a problem the stored shoot already had is a warning, not a denial: a rule added in
// a later release must not block unrelated edits of an existing shoot (Gardener's admission
// plugins behave the same way).

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/field_errors.h"

namespace gpuext::gpuruntime::api {
struct ControllerConfiguration;
}  // namespace gpuext::gpuruntime::api

namespace gpuext::webhook {

struct ShootValidationContext {
  // The Shoot's CloudProfile (or NamespacedCloudProfile) object; null skips the checks that need
  // it (image versions listing the runtime, GPU counts of machine types).
  const nlohmann::json* cloud_profile = nullptr;
  // Machine image names the vendor supports; empty = the component's `machineImages[].name`.
  std::vector<std::string> supported_images = {};
  // The extension's ControllerConfiguration (DESIGN.md §8.4): the driver catalog (branches,
  // versions, exclusions, per-architecture sources), the supported machine image versions and
  // allowInsecureEndpoints. gpu-admission should load the same --config file the seed extension
  // reads, so that garden and seed agree on what exists. null = the built-in catalog
  // gpuruntime::api::DefaultControllerConfiguration(). Borrowed.
  const gpuruntime::api::ControllerConfiguration* component = nullptr;
};

struct ShootValidation {
  FieldErrorList errors;
  std::vector<std::string> warnings;
};

// True when a field the validator reads changed: spec.extensions, spec.provider.workers or
// spec.resources. CREATE (null old) always counts as changed.
[[nodiscard]] bool RelevantFieldsChanged(const nlohmann::json& old_shoot,
                                         const nlohmann::json& shoot);

[[nodiscard]] ShootValidation ValidateShoot(const nlohmann::json& old_shoot,
                                            const nlohmann::json& shoot,
                                            const ShootValidationContext& context);

}  // namespace gpuext::webhook
