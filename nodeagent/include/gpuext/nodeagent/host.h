// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// HostPaths: every host path the node agent reads or writes, under one configurable root
// (DESIGN.md §13.2). In the agent container the host is mounted at /host, in the installer at /,
// and in tests at a temporary directory built by gpuext::testing::HostTree. Nothing in the node
// agent spells an absolute host path; it asks HostPaths.
//
//   const HostPaths host{"/host"};
//   std::ifstream in(host.OsRelease());             // /host/etc/os-release
//   host.Resolve("sys/module/nvidia/version");      // /host/sys/module/nvidia/version

#include <filesystem>
#include <string_view>

namespace gpuext::nodeagent {

// A value; copy freely. Thread-compatible (no mutable state).
struct HostPaths {
  // The directory the host's "/" is visible at. "/" in production's installer container.
  std::filesystem::path root = "/";

  // root / relative. `relative` is a host path written without or with a leading '/'
  // ("sys/bus/pci" and "/sys/bus/pci" are the same). Throws gpuext::Error(kInvalidArgument) when
  // it contains a ".." component, so no caller can step out of the root by accident.
  [[nodiscard]] std::filesystem::path Resolve(std::string_view relative) const;

  // --- Read by detection (§13.3 step 1) ---
  [[nodiscard]] std::filesystem::path PciDevices() const;  // sys/bus/pci/devices
  [[nodiscard]] std::filesystem::path OsRelease() const;   // etc/os-release
  // sys/firmware/efi: absent on machines booted without UEFI.
  [[nodiscard]] std::filesystem::path EfiDir() const;
  // sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c (EFI global variable
  // GUID from the UEFI specification).
  [[nodiscard]] std::filesystem::path SecureBootVariable() const;
  [[nodiscard]] std::filesystem::path Lockdown() const;  // sys/kernel/security/lockdown
  [[nodiscard]] std::filesystem::path SigEnforce()
      const;  // sys/module/module/parameters/sig_enforce
  // sys/module/<module>/version (module name with '_' as the kernel spells it in sysfs).
  [[nodiscard]] std::filesystem::path ModuleVersion(std::string_view module) const;
  [[nodiscard]] std::filesystem::path ProcModules() const;  // proc/modules
  [[nodiscard]] std::filesystem::path ProcDevices() const;  // proc/devices
  // proc/driver/nvidia/gpus/<bdf>/information ("Device Minor" for /dev/nvidia<N>, §13.3 step 9).
  [[nodiscard]] std::filesystem::path NvidiaGpuInformation(std::string_view bdf) const;

  // --- Written by the installer (§13.3 steps 7-9) ---
  [[nodiscard]] std::filesystem::path RunNvidia() const;    // run/nvidia
  [[nodiscard]] std::filesystem::path DriverRoot() const;   // run/nvidia/driver (the symlink)
  [[nodiscard]] std::filesystem::path DriverTrees() const;  // run/nvidia/driver.d
  [[nodiscard]] std::filesystem::path StatusFile() const;   // run/nvidia/gpu-node-agent/status.json
  [[nodiscard]] std::filesystem::path FirmwareClassPath()
      const;                                        // sys/module/firmware_class/parameters/path
  [[nodiscard]] std::filesystem::path Dev() const;  // dev
  [[nodiscard]] std::filesystem::path StateDir() const;  // var/lib/gpu-node-agent
};

}  // namespace gpuext::nodeagent
