// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/machine_types.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gpuext::gpuruntime::api {
namespace {

TEST(MachineTypesTest, KnowsFamiliesWithAFixedGpu) {
  struct Case {
    std::string machine_type;
    std::optional<MachineTypeGpu> want;
  };
  const std::vector<Case> cases = {
      {"p4d.24xlarge", MachineTypeGpu{"NVIDIA A100", true}},
      {"p5.48xlarge", MachineTypeGpu{"NVIDIA H100", true}},
      {"p5en.48xlarge", MachineTypeGpu{"NVIDIA H200", true}},
      {"g4dn.xlarge", MachineTypeGpu{"NVIDIA T4", false}},
      {"g5.2xlarge", MachineTypeGpu{"NVIDIA A10G", false}},
      {"g5g.xlarge", MachineTypeGpu{"NVIDIA T4G", false}},
      {"g6e.xlarge", MachineTypeGpu{"NVIDIA L40S", false}},
      {"a2-highgpu-1g", MachineTypeGpu{"NVIDIA A100", true}},
      {"a3-highgpu-8g", MachineTypeGpu{"NVIDIA H100", true}},
      {"a3-ultragpu-8g", MachineTypeGpu{"NVIDIA H200", true}},
      {"g2-standard-4", MachineTypeGpu{"NVIDIA L4", false}},
      {"Standard_NC24ads_A100_v4", MachineTypeGpu{"NVIDIA A100", true}},
      {"Standard_ND96asr_v4", MachineTypeGpu{"NVIDIA A100", true}},
      {"Standard_NC4as_T4_v3", MachineTypeGpu{"NVIDIA T4", false}},
      {"Standard_NV36ads_A10_v5", MachineTypeGpu{"NVIDIA A10", false}},
      // Unknown: never a reason to refuse anything.
      {"m5.large", std::nullopt},
      {"n1-standard-8", std::nullopt},
      {"Standard_D4s_v5", std::nullopt},
      {"g1.metal-gpu", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(KnownMachineTypeGpu(c.machine_type), c.want) << c.machine_type;
  }
}

}  // namespace
}  // namespace gpuext::gpuruntime::api
