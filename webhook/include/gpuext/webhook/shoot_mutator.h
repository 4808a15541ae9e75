// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The two gestures of DESIGN.md §9 made to converge, as a pure function of the Shoot before and
// after the user's request:
//   (a) a pool asks for `cri.containerRuntimes: [{type: nvidia}]`  ⇒ the shoot gets the
//       `nvidia-gpu` extension;
//   (b) the shoot ticks `spec.extensions: [{type: nvidia-gpu}]`     ⇒ every GPU-capable pool gets
//       containerd and the `nvidia` runtime.
// Unticking the extension takes the runtime off every pool; the last pool dropping the runtime
// takes the extension away. The user's explicit choices (`disabled: true`, a runtime removed from
// an existing pool) are never overridden.
//
//   ShootMutation result = MutateShoot(old_shoot, shoot, machine_type_gpus);
//   // shoot is edited in place; result.warnings go into the AdmissionReview response.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gpuext::webhook {

inline constexpr char kExtensionType[] = "nvidia-gpu";
inline constexpr char kRuntimeType[] = "nvidia";

// GPU count per machine type name, from the Shoot's CloudProfile (`machineTypes[].gpu`); types
// without a count are absent.
using MachineTypeGpus = std::map<std::string, int>;

struct ShootMutation {
  bool changed = false;
  std::vector<std::string> warnings;  // for the AdmissionReview `warnings`
};

// Mutates `shoot` (the incoming object of a CREATE or UPDATE) in place. `old_shoot` is null for
// CREATE. Never throws on odd input: fields of the wrong type are left for the validator to name.
ShootMutation MutateShoot(const nlohmann::json& old_shoot, nlohmann::json& shoot,
                          const MachineTypeGpus& machine_type_gpus);

}  // namespace gpuext::webhook
