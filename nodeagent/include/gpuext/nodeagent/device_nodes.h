// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Device nodes of the NVIDIA driver (DESIGN.md §13.3 step 9). The agent makes them itself
// instead of running nvidia-modprobe, so the host needs no NVIDIA tool and the numbers come from
// the files the loaded driver writes:
//
//   nvidiactl 195:255, nvidia-modeset 195:254, nvidia<N> 195:N (N = "Device Minor" in
//   proc/driver/nvidia/gpus/<bdf>/information), nvidia-uvm <major>:0 and nvidia-uvm-tools
//   <major>:1 (major from proc/devices), all mode 0666, plus dev/char/<major>:<minor> symlinks
//   (systemd's cgroup driver re-derives device access from them on daemon-reload).
//
//   const auto nodes = PlanDeviceNodes(host, kernel, {.modeset = true});
//   CreateDeviceNodes(host, kernel, nodes);
//
// MIG capability nodes (nvidia-caps/nvidia-cap<N>) are not made yet: TODO(node-agent): read
// proc/driver/nvidia-caps/mig-minors once MIG is configured by the agent.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/nodeagent/host.h"
#include "gpuext/nodeagent/kernel_ops.h"

namespace gpuext::nodeagent {

inline constexpr unsigned kNvidiaDeviceMajor = 195;
inline constexpr unsigned kNvidiaCtlMinor = 255;
inline constexpr unsigned kNvidiaModesetMinor = 254;
inline constexpr unsigned kDeviceNodeMode = 0666;

struct DeviceNode {
  std::string name = {};  // relative to dev/: "nvidiactl", "nvidia0"
  unsigned major = 0;
  unsigned minor = 0;
  friend bool operator==(const DeviceNode&, const DeviceNode&) = default;
};

struct DeviceNodeOptions {
  bool modeset = true;  // nvidia-modeset is among the loaded modules
  bool uvm = true;      // nvidia-uvm is among the loaded modules
};

// The "Device Minor" of an information file's text, nullopt when it has none.
[[nodiscard]] std::optional<unsigned> ParseDeviceMinor(std::string_view information);

// The nodes the loaded driver needs, sorted by name. Throws gpuext::Error(kNotReady) when a GPU's
// information file has no minor or `uvm` is set but nvidia-uvm has no major in proc/devices
// (the module is not loaded yet).
[[nodiscard]] std::vector<DeviceNode> PlanDeviceNodes(const HostPaths& host, KernelOps& kernel,
                                                      const DeviceNodeOptions& options);

// Makes every node through KernelOps::Mknod (idempotent) and replaces dev/char/<maj>:<min> by a
// symlink to "../<name>" (write-new-then-rename). Throws gpuext::Error on failure.
void CreateDeviceNodes(const HostPaths& host, KernelOps& kernel,
                       const std::vector<DeviceNode>& nodes);

}  // namespace gpuext::nodeagent
