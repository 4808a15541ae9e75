// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// NVIDIA (DESIGN.md §12, §13.3, §14.5, §15, §16): data-center and workstation GPUs driven by our
// node agent's driver build, the `nvidia` runtime of the NVIDIA container toolkit installed by
// the GPU operator under /opt/nvidia.

#include <string>
#include <string_view>
#include <vector>

#include "gpuext/gpuruntime/vendor.h"

namespace gpuext::gpuruntime {

// Where the GPU operator's toolkit (toolkit.installDir: /opt/nvidia) puts the runtime binary.
inline constexpr std::string_view kNvidiaRuntimeBinary =
    "/opt/nvidia/toolkit/nvidia-container-runtime";
inline constexpr std::string_view kNvidiaRuntimeName = "nvidia";
inline constexpr std::string_view kNouveauConfPath =
    "/etc/modprobe.d/gardener-extension-gpu-nouveau.conf";
inline constexpr std::string_view kNvidiaConfPath =
    "/etc/modprobe.d/gardener-extension-gpu-nvidia.conf";

// Device ids below this are pre-Turing (Maxwell, Pascal, Volta), which the open kernel modules
// do not support (§13.3 step 2).
inline constexpr uint16_t kFirstTuringDeviceId = 0x1E00;
// Branch from which `auto` prefers the open modules (§13.3 step 2) and the first branch that
// ships them at all.
inline constexpr int kOpenDefaultBranch = 560;
inline constexpr int kFirstOpenBranch = 515;

// True for GPUs that only the open kernel modules support: Blackwell (device ids from 0x2900)
// and Grace Hopper. NVIDIA states that Grace Hopper and Blackwell need the open modules; the
// id ranges are our reading of the PCI id lists (unverified against NVIDIA's
// supported-gpus.json, which has a per-device "kernelopen"-only flag we do not ship).
[[nodiscard]] bool NvidiaNeedsOpenModules(uint16_t device_id);

// Stateless; safe for concurrent use.
class NvidiaVendor : public GpuVendor {
 public:
  [[nodiscard]] std::string_view Name() const override { return "nvidia"; }
  [[nodiscard]] uint16_t PciVendorId() const override { return kPciVendorNvidia; }
  // GPUs: class 0x0300 or 0x0302. NVSwitches: class 0x0680, the class the nvswitch driver
  // binds (open-gpu-kernel-modules kernel-open/nvidia/linux_nvswitch.c).
  [[nodiscard]] std::vector<Device> Detect(const PciScan& scan) const override;
  [[nodiscard]] bool NeedsKernelModuleBuild() const override { return true; }
  // kOpen/kProprietary as configured unless a GPU cannot run that type (refusal
  // ModuleTypeUnsupported). kAuto: proprietary when any GPU is pre-Turing, open when any GPU
  // needs the open modules (both at once: MixedGPUGenerations), otherwise proprietary below
  // branch 560 and open from it. NVSwitches do not take part.
  [[nodiscard]] ModuleTypeDecision ChooseModuleType(const std::vector<Device>& devices,
                                                    const DriverVersion& version,
                                                    ModuleTypePref pref) const override;
  // {nvidia, nvidia, /opt/nvidia/toolkit/nvidia-container-runtime, cdi: true}.
  [[nodiscard]] RuntimeIntegration Runtime() const override;
  // The runtime table, its options (BinaryName, SystemdCgroup = cgroup driver is systemd) and,
  // for CdiMode::kEnableInConfig only, enable_cdi + cdi_spec_dirs in the CRI plugin.
  [[nodiscard]] std::vector<ContainerdPatch> ContainerdPatches(
      const ContainerdDialect& dialect, CgroupDriver cgroup_driver) const override;
  // {op: remove, path: [io.containerd.grpc.v1.cri, containerd, runtimes, nvidia]}. The CDI keys
  // stay: they are harmless without a runtime using them, and other runtimes may rely on them.
  [[nodiscard]] std::vector<ContainerdPatch> ContainerdRemovalPatches(
      const ContainerdDialect& dialect) const override;
  // The nouveau blacklist and the module options file (§12).
  [[nodiscard]] std::vector<OscFile> NodeFiles(const DriverVersion& version) const override;
  [[nodiscard]] std::vector<std::string> NodeFilePaths() const override;
  // nvidia-uvm: uvm_disable_hmm=1 (every branch); nvidia: NVreg_CoherentGPUMemoryMode=driver
  // from branch 580.
  [[nodiscard]] ModuleParams ModuleParameters(const DriverVersion& version) const override;
  // nvidia.present (10de, 0300/0302) and nvidia-nvswitch.present (10de, 0680).
  [[nodiscard]] std::vector<PciMatch> NfdMatchers() const override;
  // Files of the extracted `NVIDIA-Linux-<narch>-<version>.run`: binaries at the top level go to
  // bin/, `lib*.so.<version>` to usr/lib/<triplet>/, firmware/gsp_*.bin to
  // lib/firmware/nvidia/<version>/ (§13.3 step 7 layout).
  [[nodiscard]] std::vector<UserspaceFile> UserspaceFileList(const DriverVersion& version,
                                                             Arch arch) const override;
};

}  // namespace gpuext::gpuruntime
