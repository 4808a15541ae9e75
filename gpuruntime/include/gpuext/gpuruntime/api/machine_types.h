// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which GPU a cloud machine type carries, as far as the extension knows, so that admission can
// refuse settings the hardware cannot honour (a MIG profile on a GPU without MIG, DESIGN.md §8.3).
// A CloudProfile records only a GPU count (`machineTypes[].gpu`), so the model comes from the
// machine type's name: AWS (`p4d.24xlarge`), GCP (`a2-highgpu-1g`) and Azure
// (`Standard_NC24ads_A100_v4`) families with a fixed GPU model. Anything else is unknown, and
// unknown never denies.
//
//   if (auto gpu = KnownMachineTypeGpu("g4dn.xlarge"); gpu && !gpu->mig_capable) refuse();
//
// Pure; safe for concurrent use.

#include <optional>
#include <string_view>

namespace gpuext::gpuruntime::api {

struct MachineTypeGpu {
  std::string_view model;  // "NVIDIA T4"
  bool mig_capable = false;
  friend bool operator==(const MachineTypeGpu&, const MachineTypeGpu&) = default;
};

// The GPU of a machine type whose family always carries the same GPU model, or nullopt.
[[nodiscard]] std::optional<MachineTypeGpu> KnownMachineTypeGpu(std::string_view machine_type);

// The GPU models that support MIG, for messages: "A30, A100, H100, H200, B200".
inline constexpr std::string_view kMigCapableModels = "A30, A100, H100, H200, B200";

}  // namespace gpuext::gpuruntime::api
