// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/device_nodes.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/files.h"

namespace gpuext::nodeagent {

namespace fs = std::filesystem;

std::optional<unsigned> ParseDeviceMinor(std::string_view information) {
  std::istringstream in{std::string(information)};
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos || line.substr(0, colon) != "Device Minor") {
      continue;
    }
    try {
      std::size_t used = 0;
      const std::string value = line.substr(colon + 1);
      const unsigned long minor = std::stoul(value, &used);
      if (value.find_first_not_of(" \t\r", used) != std::string::npos || minor > 253) {
        return std::nullopt;  // 254 and 255 are modeset and ctl
      }
      return static_cast<unsigned>(minor);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::vector<DeviceNode> PlanDeviceNodes(const HostPaths& host, KernelOps& kernel,
                                        const DeviceNodeOptions& options) {
  std::vector<DeviceNode> nodes = {{"nvidiactl", kNvidiaDeviceMajor, kNvidiaCtlMinor}};
  if (options.modeset) {
    nodes.push_back({"nvidia-modeset", kNvidiaDeviceMajor, kNvidiaModesetMinor});
  }
  const fs::path gpus = host.Resolve("proc/driver/nvidia/gpus");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(gpus, ec)) {
    const fs::path info = entry.path() / "information";
    const auto minor = ParseDeviceMinor(ReadFileIfExists(info).value_or(""));
    if (!minor) {
      throw Error(ErrorCode::kNotReady,
                  info.string() + " has no \"Device Minor\"; is the nvidia module loaded?");
    }
    nodes.push_back({"nvidia" + std::to_string(*minor), kNvidiaDeviceMajor, *minor});
  }
  if (options.uvm) {
    const auto major = kernel.DeviceMajor("nvidia-uvm");
    if (!major) {
      throw Error(ErrorCode::kNotReady, host.ProcDevices().string() +
                                            " lists no nvidia-uvm; is the nvidia-uvm module "
                                            "loaded?");
    }
    nodes.push_back({"nvidia-uvm", *major, 0});
    nodes.push_back({"nvidia-uvm-tools", *major, 1});
  }
  std::sort(nodes.begin(), nodes.end(),
            [](const DeviceNode& a, const DeviceNode& b) { return a.name < b.name; });
  return nodes;
}

void CreateDeviceNodes(const HostPaths& host, KernelOps& kernel,
                       const std::vector<DeviceNode>& nodes) {
  const fs::path dev = host.Dev();
  const fs::path char_dir = dev / "char";
  fs::create_directories(char_dir);
  for (const DeviceNode& node : nodes) {
    kernel.Mknod(dev / node.name, node.major, node.minor, kDeviceNodeMode);
    const fs::path link = char_dir / fmt::format("{}:{}", node.major, node.minor);
    const fs::path target = fs::path("..") / node.name;
    std::error_code ec;
    if (fs::is_symlink(link, ec) && fs::read_symlink(link, ec) == target) {
      continue;
    }
    const fs::path tmp = char_dir / fmt::format(".{}:{}.tmp", node.major, node.minor);
    fs::remove(tmp, ec);
    fs::create_symlink(target, tmp);
    fs::rename(tmp, link);
  }
}

}  // namespace gpuext::nodeagent
