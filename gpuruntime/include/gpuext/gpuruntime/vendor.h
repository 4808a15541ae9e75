// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The vendor interface (DESIGN.md §16): everything that differs between GPU vendors, as pure
// functions over plain data, so the seed (webhooks, actuators), the NFD rules and the node agent
// ask one object. Pick one with VendorFor() (registry.h).
//
//   const GpuVendor& vendor = VendorFor("nvidia");
//   std::vector<Device> gpus = vendor.Detect(scan);
//   ModuleTypeDecision type = vendor.ChooseModuleType(gpus, version, ModuleTypePref::kAuto);
//   if (!type.ok()) refuse(type.reason, type.message);
//
// Not here yet: `Operator(ResolvedPool, ShootFacts)` of §16 — it needs the configuration API
// types (gpuruntime/api) and is added when those exist.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpuext/gpuruntime/containerd.h"
#include "gpuext/gpuruntime/module_params.h"
#include "gpuext/gpuruntime/pci.h"
#include "gpuext/gpuruntime/types.h"

namespace gpuext::gpuruntime {

// A PCI function a vendor claims, and what it is to that vendor.
struct Device {
  enum class Kind {
    kGpu,       // a display/3D controller the driver serves
    kNvSwitch,  // NVIDIA NVLink switch: needs fabric manager, no GPU of its own
  };
  PciDevice pci = {};
  Kind kind = Kind::kGpu;
  friend bool operator==(const Device&, const Device&) = default;
};

// How the container runtime reaches the vendor's devices (§12): the RuntimeClass and containerd
// runtime handler the vendor's operator uses, the OCI runtime binary that handler runs, and
// whether devices are injected through CDI.
struct RuntimeIntegration {
  std::string runtime_class = {};  // RuntimeClass name ("nvidia"); owned by the GPU operator
  std::string handler = {};        // containerd runtime name (`runtimes.<handler>`)
  std::string binary = {};         // BinaryName; empty: plain runc, no runtime entry needed
  bool cdi = false;                // devices come as CDI specs
  friend bool operator==(const RuntimeIntegration&, const RuntimeIntegration&) = default;
};

// A file for the OSC's `spec.files` (inline, plain text).
struct OscFile {
  std::string path = {};
  std::string content = {};
  int permissions = 0644;
  friend bool operator==(const OscFile&, const OscFile&) = default;
};

// The answer of ChooseModuleType: a type, or a refusal the agent reports (§13.6) as the
// GPUDriverReady reason with `message` naming the fix.
struct ModuleTypeDecision {
  std::optional<ModuleType> type = std::nullopt;
  std::string reason = {};   // "MixedGPUGenerations", "ModuleTypeUnsupported", ...; empty if ok
  std::string message = {};  // why, and what to change

  [[nodiscard]] bool ok() const { return type.has_value(); }
  static ModuleTypeDecision Use(ModuleType type) { return {.type = type}; }
  static ModuleTypeDecision Refuse(std::string reason, std::string message) {
    return {.type = std::nullopt, .reason = std::move(reason), .message = std::move(message)};
  }
};

// Refusal reasons of ModuleTypeDecision.
inline constexpr std::string_view kReasonMixedGpuGenerations = "MixedGPUGenerations";
inline constexpr std::string_view kReasonModuleTypeUnsupported = "ModuleTypeUnsupported";
inline constexpr std::string_view kReasonNoVendor = "NoVendor";

// One file the builder copies out of the vendor's extracted userspace package (§14.5 step 5).
struct UserspaceFile {
  std::string source = {};       // relative to the extracted package; may end in a '*' glob
  std::string destination = {};  // directory in the artifact tree, e.g. "usr/lib/x86_64-linux-gnu"
  bool required = true;          // a missing required file fails the build
  friend bool operator==(const UserspaceFile&, const UserspaceFile&) = default;
};

// Stateless; implementations are safe for concurrent use. Methods throw gpuext::Error only for
// arguments they cannot answer for (e.g. a branch where a full version is needed); registry.h's
// FallbackVendor turns any other exception into the NullVendor answer.
class GpuVendor {
 public:
  virtual ~GpuVendor() = default;

  // Lower-case vendor name: "nvidia", "amd", "intel", "none".
  [[nodiscard]] virtual std::string_view Name() const = 0;
  // 0x10de, 0x1002, 0x8086; 0 for NullVendor.
  [[nodiscard]] virtual uint16_t PciVendorId() const = 0;
  // The functions of `scan` that are this vendor's, in scan order.
  [[nodiscard]] virtual std::vector<Device> Detect(const PciScan& scan) const = 0;
  // Whether the node agent must build and load a kernel module (NVIDIA yes; in-tree drivers no).
  [[nodiscard]] virtual bool NeedsKernelModuleBuild() const = 0;
  // §13.3 step 2.
  [[nodiscard]] virtual ModuleTypeDecision ChooseModuleType(const std::vector<Device>& devices,
                                                            const DriverVersion& version,
                                                            ModuleTypePref pref) const = 0;
  [[nodiscard]] virtual RuntimeIntegration Runtime() const = 0;
  // The OSC plugin entries that register the runtime (v2-style paths, see containerd.h).
  [[nodiscard]] virtual std::vector<ContainerdPatch> ContainerdPatches(
      const ContainerdDialect& dialect, CgroupDriver cgroup_driver) const = 0;
  // The entries that undo ContainerdPatches for a pool that no longer has the runtime (§12
  // step 3: node-agent patches are additive, so removal must be explicit).
  [[nodiscard]] virtual std::vector<ContainerdPatch> ContainerdRemovalPatches(
      const ContainerdDialect& dialect) const = 0;
  // The OSC files for the node (modprobe.d), for the pool's configured driver version.
  [[nodiscard]] virtual std::vector<OscFile> NodeFiles(const DriverVersion& version) const = 0;
  // The paths NodeFiles may write, so a webhook can drop them for a pool without the runtime.
  [[nodiscard]] virtual std::vector<std::string> NodeFilePaths() const = 0;
  [[nodiscard]] virtual ModuleParams ModuleParameters(const DriverVersion& version) const = 0;
  // Plain data for nfdrules (via gpu); each match's label is a suffix below the extension's
  // label namespace.
  [[nodiscard]] virtual std::vector<PciMatch> NfdMatchers() const = 0;
  // What the builder copies from the userspace package of `version` (a full version) for
  // `arch`. Throws gpuext::Error(kInvalidArgument) for a branch-only version.
  [[nodiscard]] virtual std::vector<UserspaceFile> UserspaceFileList(const DriverVersion& version,
                                                                     Arch arch) const = 0;
};

// The functions of `scan` that `matches` claims, each with `kind`; helper for Detect.
std::vector<Device> DetectByMatch(const PciScan& scan, const PciMatch& match, Device::Kind kind);

}  // namespace gpuext::gpuruntime
