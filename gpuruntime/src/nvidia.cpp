// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/nvidia.h"

#include <algorithm>

namespace gpuext::gpuruntime {
namespace {

using nlohmann::json;

constexpr std::string_view kCriPlugin = "io.containerd.grpc.v1.cri";

std::vector<std::string> RuntimePath() {
  return {std::string(kCriPlugin), "containerd", "runtimes", std::string(kNvidiaRuntimeName)};
}

}  // namespace

std::vector<Device> NvidiaVendor::Detect(const PciScan& scan) const {
  std::vector<PciMatch> matches = NfdMatchers();
  std::vector<Device> out;
  for (const auto& device : scan.devices) {
    if (matches[0].Matches(device)) {
      out.push_back({.pci = device, .kind = Device::Kind::kGpu});
    } else if (matches[1].Matches(device)) {
      out.push_back({.pci = device, .kind = Device::Kind::kNvSwitch});
    }
  }
  return out;
}

RuntimeIntegration NvidiaVendor::Runtime() const {
  return {.runtime_class = std::string(kNvidiaRuntimeName),
          .handler = std::string(kNvidiaRuntimeName),
          .binary = std::string(kNvidiaRuntimeBinary),
          .cdi = true};
}

std::vector<ContainerdPatch> NvidiaVendor::ContainerdPatches(const ContainerdDialect& dialect,
                                                             CgroupDriver cgroup_driver) const {
  std::vector<std::string> runtime = RuntimePath();
  std::vector<std::string> options = runtime;
  options.push_back("options");
  std::vector<ContainerdPatch> patches = {
      {.op = ContainerdPatch::Op::kAdd,
       .path = runtime,
       .values = json{{"runtime_type", "io.containerd.runc.v2"}}},
      // Options are written, not inherited: containerd does not copy runc's options into another
      // runtime, and a SystemdCgroup differing from kubelet's cgroup driver breaks sandboxes.
      {.op = ContainerdPatch::Op::kAdd,
       .path = options,
       .values = json{{"BinaryName", kNvidiaRuntimeBinary},
                      {"SystemdCgroup", cgroup_driver == CgroupDriver::kSystemd}}},
  };
  if (dialect.cdi == CdiMode::kEnableInConfig) {
    // containerd 1.7 has CDI off by default (pkg/cri/config/config_unix.go). The path is not
    // rewritten by node-agent, so name the dialect's CRI plugin ourselves: config v2 puts it in
    // io.containerd.grpc.v1.cri; a v3 file (containerd 2.x, where it is on anyway) in the
    // runtime plugin.
    patches.push_back(
        {.op = ContainerdPatch::Op::kAdd,
         .path = {std::string(CdiPlugin(dialect.config_version))},
         .values = json{{"enable_cdi", true},
                        {"cdi_spec_dirs", json::array({"/etc/cdi", "/var/run/cdi"})}}});
  }
  return patches;
}

std::vector<ContainerdPatch> NvidiaVendor::ContainerdRemovalPatches(
    const ContainerdDialect& /*dialect*/) const {
  return {{.op = ContainerdPatch::Op::kRemove, .path = RuntimePath(), .values = nullptr}};
}

ModuleParams NvidiaVendor::ModuleParameters(const DriverVersion& version) const {
  ModuleParams params;
  // HMM in nvidia-uvm made CUDA validation fail on B200 (Garden Linux nvidia installer
  // resources/nvidia-uvm.conf, commit cfa6dc3). The parameter exists in every open and
  // proprietary uvm we build (open-gpu-kernel-modules kernel-open/nvidia-uvm/uvm_hmm.c); on a
  // build without HMM it is ignored.
  params.by_module["nvidia-uvm"] = {"uvm_disable_hmm=1"};
  if (version.Branch() >= 580) {
    // From R580 NVIDIA's driver container always loads nvidia with CDMM, so the memory of
    // coherent GPUs (GH200/GB200) is not onlined as NUMA nodes that inflate the node's memory
    // (gpu-driver-container `_get_module_params`; its test expects exactly this default). The
    // mode only changes behaviour on hardware-coherent platforms. That the parameter first
    // appeared in 580 is taken from that gate, not checked in the driver sources.
    params.by_module["nvidia"] = {"NVreg_CoherentGPUMemoryMode=driver"};
  }
  return params;
}

std::vector<OscFile> NvidiaVendor::NodeFiles(const DriverVersion& version) const {
  std::vector<OscFile> files = {
      {.path = std::string(kNouveauConfPath),
       .content = "blacklist nouveau\noptions nouveau modeset=0\n",
       .permissions = 0644},
  };
  std::string options = RenderModprobeOptions(ModuleParameters(version));
  if (!options.empty()) {
    files.push_back(
        {.path = std::string(kNvidiaConfPath), .content = options, .permissions = 0644});
  }
  return files;
}

std::vector<std::string> NvidiaVendor::NodeFilePaths() const {
  return {std::string(kNouveauConfPath), std::string(kNvidiaConfPath)};
}

std::vector<PciMatch> NvidiaVendor::NfdMatchers() const {
  // Order matters to Detect: GPUs first, NVSwitches second.
  return {
      PciMatch{.vendor_id = kPciVendorNvidia,
               .class_ids = {kPciClassVgaController, kPciClass3dController},
               .label = "nvidia.present"},
      PciMatch{.vendor_id = kPciVendorNvidia,
               .class_ids = {kPciClassBridgeOther},
               .label = "nvidia-nvswitch.present"},
  };
}

}  // namespace gpuext::gpuruntime
