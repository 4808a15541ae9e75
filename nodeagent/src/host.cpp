// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/host.h"

#include <string>

#include "gpuext/error.h"

namespace gpuext::nodeagent {

namespace fs = std::filesystem;

namespace {

// One path component taken from data (a module name, a PCI address): never "", ".", ".." or with
// a '/', so it cannot point anywhere but the directory it is appended to.
std::string Component(std::string_view what, std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string(what) + " \"" + std::string(name) + "\" is not a file name");
  }
  return std::string(name);
}

}  // namespace

fs::path HostPaths::Resolve(std::string_view relative) const {
  fs::path rel{std::string(relative)};
  rel = rel.relative_path();  // drops a leading "/" so root / rel never discards root
  for (const fs::path& part : rel) {
    if (part == "..") {
      throw Error(ErrorCode::kInvalidArgument,
                  "host path " + std::string(relative) + " must not contain \"..\"");
    }
  }
  return root / rel;
}

fs::path HostPaths::PciDevices() const { return Resolve("sys/bus/pci/devices"); }
fs::path HostPaths::OsRelease() const { return Resolve("etc/os-release"); }
fs::path HostPaths::EfiDir() const { return Resolve("sys/firmware/efi"); }
fs::path HostPaths::SecureBootVariable() const {
  return Resolve("sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c");
}
fs::path HostPaths::Lockdown() const { return Resolve("sys/kernel/security/lockdown"); }
fs::path HostPaths::SigEnforce() const {
  return Resolve("sys/module/module/parameters/sig_enforce");
}
fs::path HostPaths::ModuleVersion(std::string_view module) const {
  return Resolve("sys/module") / Component("module name", module) / "version";
}
fs::path HostPaths::ProcModules() const { return Resolve("proc/modules"); }
fs::path HostPaths::ProcDevices() const { return Resolve("proc/devices"); }
fs::path HostPaths::NvidiaGpuInformation(std::string_view bdf) const {
  return Resolve("proc/driver/nvidia/gpus") / Component("PCI address", bdf) / "information";
}
fs::path HostPaths::RunNvidia() const { return Resolve("run/nvidia"); }
fs::path HostPaths::DriverRoot() const { return Resolve("run/nvidia/driver"); }
fs::path HostPaths::DriverTrees() const { return Resolve("run/nvidia/driver.d"); }
fs::path HostPaths::StatusFile() const { return Resolve("run/nvidia/gpu-node-agent/status.json"); }
fs::path HostPaths::FirmwareClassPath() const {
  return Resolve("sys/module/firmware_class/parameters/path");
}
fs::path HostPaths::Dev() const { return Resolve("dev"); }
fs::path HostPaths::StateDir() const { return Resolve("var/lib/gpu-node-agent"); }

}  // namespace gpuext::nodeagent
