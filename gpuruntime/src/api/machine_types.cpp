// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Machine type families with one GPU model (AWS "Accelerated computing" instance types, GCP
// "GPU machine types", Azure GPU VM sizes). Only families whose GPU is fixed by the name are
// listed; GCP N1 machines with attached GPUs, for example, are not.

#include "gpuext/gpuruntime/api/machine_types.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace gpuext::gpuruntime::api {
namespace {

struct Family {
  std::string_view prefix;  // up to and including the separator: "p4d.", "a2-"
  MachineTypeGpu gpu;
};

constexpr MachineTypeGpu kA100{"NVIDIA A100", true};
constexpr MachineTypeGpu kH100{"NVIDIA H100", true};
constexpr MachineTypeGpu kH200{"NVIDIA H200", true};
constexpr MachineTypeGpu kB200{"NVIDIA B200", true};
constexpr MachineTypeGpu kV100{"NVIDIA V100", false};
constexpr MachineTypeGpu kK80{"NVIDIA K80", false};
constexpr MachineTypeGpu kT4{"NVIDIA T4", false};
constexpr MachineTypeGpu kT4G{"NVIDIA T4G", false};
constexpr MachineTypeGpu kA10G{"NVIDIA A10G", false};
constexpr MachineTypeGpu kA10{"NVIDIA A10", false};
constexpr MachineTypeGpu kL4{"NVIDIA L4", false};
constexpr MachineTypeGpu kL40S{"NVIDIA L40S", false};

constexpr Family kFamilies[] = {
    // AWS: <family>.<size>
    {"p4d.", kA100},
    {"p4de.", kA100},
    {"p5.", kH100},
    {"p5e.", kH200},
    {"p5en.", kH200},
    {"p6-b200.", kB200},
    {"p2.", kK80},
    {"p3.", kV100},
    {"p3dn.", kV100},
    {"g4dn.", kT4},
    {"g5g.", kT4G},
    {"g5.", kA10G},
    {"g6.", kL4},
    {"gr6.", kL4},
    {"g6e.", kL40S},
    // GCP: <series>-<shape>-<size>
    {"a2-", kA100},
    {"a3-ultragpu-", kH200},
    {"a3-", kH100},
    {"a4-", kB200},
    {"g2-", kL4},
    // Azure sizes without the GPU in the name.
    {"standard_nd96asr_v4", kA100},
};

// Azure names the GPU as one "_"-separated part: Standard_NC24ads_A100_v4.
constexpr std::pair<std::string_view, MachineTypeGpu> kAzureParts[] = {
    {"a100", kA100}, {"h100", kH100}, {"h200", kH200}, {"t4", kT4}, {"a10", kA10},
};

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::optional<MachineTypeGpu> KnownMachineTypeGpu(std::string_view machine_type) {
  const std::string name = Lower(machine_type);
  for (const Family& family : kFamilies) {
    if (name.starts_with(family.prefix)) {
      return family.gpu;
    }
  }
  if (name.starts_with("standard_")) {
    size_t start = 0;
    while (start <= name.size()) {
      size_t end = name.find('_', start);
      if (end == std::string::npos) {
        end = name.size();
      }
      const std::string_view part = std::string_view(name).substr(start, end - start);
      for (const auto& [token, gpu] : kAzureParts) {
        if (part == token) {
          return gpu;
        }
      }
      start = end + 1;
    }
  }
  return std::nullopt;
}

}  // namespace gpuext::gpuruntime::api
