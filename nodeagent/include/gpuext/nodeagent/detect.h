// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Detect: step 1 of the node agent (DESIGN.md §13.3). Reads what the node is from the host tree
// and the kernel: GPUs and NVSwitches on the PCI bus, the OS, the kernel release and arch,
// Secure Boot / lockdown / module signature enforcement, and the NVIDIA driver already loaded.
//
//   const NodeFacts facts = Detect(HostPaths{"/host"}, kernel);
//   if (!facts.HasGpu()) { /* condition GPUDriverReady=False/NoGPU, idle */ }
//
// Detection reads only; it never fails because one sysfs entry is odd. Entries it could not read
// are listed in NodeFacts::problems so the agent can log them once.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/gpuruntime/pci.h"
#include "gpuext/gpuruntime/types.h"
#include "gpuext/nodeagent/host.h"
#include "gpuext/nodeagent/kernel_ops.h"

namespace gpuext::nodeagent {

// /etc/os-release (os-release(5)): KEY=value lines, values optionally quoted.
struct OsRelease {
  std::string id;                   // "gardenlinux", "debian", "ubuntu"
  std::string version_id;           // "1877.5"
  std::string gardenlinux_version;  // "1877.5" on Garden Linux, empty elsewhere
  std::string pretty_name;
  std::map<std::string, std::string> fields;  // every key, unquoted
};

// Parses os-release text: comments and blank lines skipped, "double" and 'single' quoted
// values unquoted with backslash escapes inside double quotes, unquoted values trimmed, lines
// without '=' ignored. Never throws.
[[nodiscard]] OsRelease ParseOsRelease(std::string_view text);

// "[none] integrity confidentiality" -> "none": the bracketed entry of the kernel's lockdown
// file. Empty when none is bracketed.
[[nodiscard]] std::string ParseLockdown(std::string_view text);

// A hex sysfs attribute ("0x10de\n", "  0x030200 "), nullopt when it is not one.
[[nodiscard]] std::optional<uint32_t> ParseSysfsHex(std::string_view text);

enum class SecureBoot {
  kUnknown,   // UEFI firmware, but the variable could not be read (efivarfs not mounted?)
  kDisabled,  // variable is 0, absent, or the machine booted without UEFI
  kEnabled,   // variable is 1
};
[[nodiscard]] std::string_view ToString(SecureBoot state);  // "unknown" | "disabled" | "enabled"

// The SecureBoot efivar's content: 4 attribute bytes, then the data; the last byte 1 means on.
[[nodiscard]] SecureBoot ParseSecureBootVariable(std::string_view bytes);

// Everything step 1 learns. A value; copy freely.
struct NodeFacts {
  gpuruntime::PciScan pci;                        // every function, sorted by address
  std::vector<gpuruntime::PciDevice> gpus;        // NVIDIA, class 0x0300 or 0x0302
  std::vector<gpuruntime::PciDevice> nvswitches;  // NVIDIA, class 0x0680
  OsRelease os;
  std::string kernel_release;            // KernelOps::Release()
  std::string machine;                   // KernelOps::Machine(), "x86_64"
  std::optional<gpuruntime::Arch> arch;  // nullopt for machines we do not support
  SecureBoot secure_boot = SecureBoot::kUnknown;
  std::string lockdown;                      // "none" | "integrity" | "confidentiality" | ""
  bool sig_enforce = false;                  // module.sig_enforce=1 (absent: kernel lacks it)
  std::optional<std::string> loaded_driver;  // sys/module/nvidia/version, e.g. "580.95.05"
  std::vector<std::string> loaded_modules;   // proc/modules names ("nvidia", "nouveau")
  std::vector<std::string> problems;         // what could not be read, one line each

  [[nodiscard]] bool HasGpu() const { return !gpus.empty(); }
  // NVSwitches mean fabric manager is needed (§13.3 step 10).
  [[nodiscard]] bool HasNvSwitch() const { return !nvswitches.empty(); }
  [[nodiscard]] bool IsLoaded(std::string_view module) const;
  // The kernel will only accept signed modules: Secure Boot on or unknown (fail closed: an
  // unsigned module would be refused by the kernel anyway), sig_enforce, or lockdown.
  [[nodiscard]] bool RequiresSignedModules() const;
};

// The NVIDIA GPUs of a scan (vendor 0x10de, class 0x0300 or 0x0302).
[[nodiscard]] bool IsNvidiaGpu(const gpuruntime::PciDevice& device);
// NVSwitch: vendor 0x10de, class 0x0680 (the class the nvswitch driver binds to).
[[nodiscard]] bool IsNvSwitch(const gpuruntime::PciDevice& device);

// Scans host.PciDevices(): each <address>/{vendor,device,class} and the basename of the `driver`
// link. A device whose attributes cannot be read is left out and reported in `problems`.
[[nodiscard]] gpuruntime::PciScan ScanPci(const HostPaths& host,
                                          std::vector<std::string>& problems);

// Runs all of step 1. Throws gpuext::Error only when the kernel itself cannot be queried
// (KernelOps::Release/Machine/LoadedModules throw); everything read from files degrades into
// `problems`.
[[nodiscard]] NodeFacts Detect(const HostPaths& host, KernelOps& kernel);

}  // namespace gpuext::nodeagent
