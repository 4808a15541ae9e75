// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/nvidia.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"

namespace gpuext::gpuruntime {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;

PciDevice Pci(std::string address, uint16_t vendor, uint16_t device, uint32_t class_code) {
  return {.address = std::move(address),
          .vendor_id = vendor,
          .device_id = device,
          .class_code = class_code,
          .driver = ""};
}

Device Gpu(uint16_t device_id) {
  return {.pci = Pci("0000:3b:00.0", kPciVendorNvidia, device_id, 0x030200),
          .kind = Device::Kind::kGpu};
}

DriverVersion V(std::string_view text) { return *DriverVersion::Parse(text); }

TEST(NvidiaVendorTest, DetectsGpusAndNvSwitchesOnly) {
  PciScan scan{.devices = {
                   Pci("0000:00:02.0", kPciVendorIntel, 0x4680, 0x030000),   // Intel iGPU
                   Pci("0000:07:00.0", kPciVendorNvidia, 0x20b0, 0x030200),  // A100 (3D)
                   Pci("0000:08:00.0", kPciVendorNvidia, 0x1eb8, 0x030000),  // T4 (VGA)
                   Pci("0000:09:00.0", kPciVendorNvidia, 0x22a3, 0x068000),  // NVSwitch
                   Pci("0000:0a:00.1", kPciVendorNvidia, 0x10f0, 0x040300),  // HDMI audio
                   Pci("0000:0b:00.0", kPciVendorNvidia, 0x1af1, 0x068000),  // NVSwitch (old)
               }};
  std::vector<Device> found = NvidiaVendor().Detect(scan);
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].pci.address, "0000:07:00.0");
  EXPECT_EQ(found[0].kind, Device::Kind::kGpu);
  EXPECT_EQ(found[1].pci.address, "0000:08:00.0");
  EXPECT_EQ(found[1].kind, Device::Kind::kGpu);
  EXPECT_EQ(found[2].kind, Device::Kind::kNvSwitch);
  EXPECT_EQ(found[3].pci.address, "0000:0b:00.0");
  EXPECT_EQ(found[3].kind, Device::Kind::kNvSwitch);
}

struct ModuleTypeCase {
  std::string name;
  std::vector<uint16_t> gpus;
  std::string version;
  ModuleTypePref pref;
  std::optional<ModuleType> want;
  std::string want_reason;
};

TEST(NvidiaVendorTest, ChoosesModuleTypeByGenerationAndBranch) {
  const std::vector<ModuleTypeCase> cases = {
      {"auto, Ampere, 580 → open",
       {0x20b0},
       "580.95.05",
       ModuleTypePref::kAuto,
       ModuleType::kOpen,
       ""},
      {"auto, Ampere, 550 → proprietary",
       {0x20b0},
       "550",
       ModuleTypePref::kAuto,
       ModuleType::kProprietary,
       ""},
      {"auto, branch 560 is the switch",
       {0x1eb8},
       "560",
       ModuleTypePref::kAuto,
       ModuleType::kOpen,
       ""},
      {"auto, Volta → proprietary",
       {0x1db4},
       "580",
       ModuleTypePref::kAuto,
       ModuleType::kProprietary,
       ""},
      {"auto, Turing is the first open GPU",
       {0x1e00},
       "580",
       ModuleTypePref::kAuto,
       ModuleType::kOpen,
       ""},
      {"auto, Blackwell on 550 → open",
       {0x2901},
       "550",
       ModuleTypePref::kAuto,
       ModuleType::kOpen,
       ""},
      {"auto, no GPU at all → branch default",
       {},
       "580",
       ModuleTypePref::kAuto,
       ModuleType::kOpen,
       ""},
      {"auto, Volta + Blackwell → refusal",
       {0x1db4, 0x2901},
       "580",
       ModuleTypePref::kAuto,
       std::nullopt,
       "MixedGPUGenerations"},
      {"open, Volta + Blackwell → still mixed",
       {0x1db4, 0x2901},
       "580",
       ModuleTypePref::kOpen,
       std::nullopt,
       "MixedGPUGenerations"},
      {"open, Pascal → refusal",
       {0x15f8},
       "580",
       ModuleTypePref::kOpen,
       std::nullopt,
       "ModuleTypeUnsupported"},
      {"open, branch 470 → refusal",
       {0x20b0},
       "470",
       ModuleTypePref::kOpen,
       std::nullopt,
       "ModuleTypeUnsupported"},
      {"open as configured", {0x20b0}, "550", ModuleTypePref::kOpen, ModuleType::kOpen, ""},
      {"proprietary as configured",
       {0x20b0},
       "580",
       ModuleTypePref::kProprietary,
       ModuleType::kProprietary,
       ""},
      {"proprietary, GH200 → refusal",
       {0x2342},
       "580",
       ModuleTypePref::kProprietary,
       std::nullopt,
       "ModuleTypeUnsupported"},
  };
  NvidiaVendor vendor;
  for (const auto& c : cases) {
    std::vector<Device> devices;
    for (uint16_t id : c.gpus) {
      devices.push_back(Gpu(id));
    }
    ModuleTypeDecision got = vendor.ChooseModuleType(devices, V(c.version), c.pref);
    EXPECT_EQ(got.type, c.want) << c.name;
    EXPECT_EQ(got.reason, c.want_reason) << c.name;
    EXPECT_EQ(got.ok(), c.want.has_value()) << c.name;
    if (!got.ok()) {
      EXPECT_FALSE(got.message.empty()) << c.name;
    }
  }
}

TEST(NvidiaVendorTest, MixedGenerationRefusalNamesBothGpusAndTheFix) {
  ModuleTypeDecision got = NvidiaVendor().ChooseModuleType(
      {Gpu(0x1db4),
       {.pci = Pci("0000:5e:00.0", kPciVendorNvidia, 0x2901, 0x030200),
        .kind = Device::Kind::kGpu}},
      V("580"), ModuleTypePref::kAuto);
  EXPECT_EQ(got.message,
            "GPU 0000:3b:00.0 (device 1db4) needs the proprietary kernel modules (pre-Turing) "
            "and GPU 0000:5e:00.0 (device 2901) needs the open ones; no single driver serves "
            "both. Put these GPUs into different worker pools");
}

TEST(NvidiaVendorTest, NvSwitchesDoNotInfluenceTheModuleType) {
  Device nvswitch{.pci = Pci("0000:09:00.0", kPciVendorNvidia, 0x1af1, 0x068000),
                  .kind = Device::Kind::kNvSwitch};
  EXPECT_EQ(NvidiaVendor()
                .ChooseModuleType({Gpu(0x20b0), nvswitch}, V("580"), ModuleTypePref::kAuto)
                .type,
            ModuleType::kOpen);
}

TEST(NvidiaVendorTest, RuntimeIsTheOperatorsNvidiaHandler) {
  RuntimeIntegration runtime = NvidiaVendor().Runtime();
  EXPECT_EQ(runtime.runtime_class, "nvidia");
  EXPECT_EQ(runtime.handler, "nvidia");
  EXPECT_EQ(runtime.binary, "/opt/nvidia/toolkit/nvidia-container-runtime");
  EXPECT_TRUE(runtime.cdi);
}

std::vector<json> OscEntries(const std::vector<ContainerdPatch>& patches) {
  std::vector<json> out;
  for (const auto& patch : patches) {
    out.push_back(ToOscJson(patch));
  }
  return out;
}

TEST(NvidiaVendorTest, ContainerdPatchesForContainerd17EnableCdi) {
  auto patches = NvidiaVendor().ContainerdPatches(
      {.config_version = 2, .cdi = CdiMode::kEnableInConfig}, CgroupDriver::kSystemd);
  EXPECT_THAT(OscEntries(patches),
              ElementsAre(json::parse(R"({"op": "add",
          "path": ["io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia"],
          "values": {"runtime_type": "io.containerd.runc.v2"}})"),
                          json::parse(R"({"op": "add",
          "path": ["io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia", "options"],
          "values": {"BinaryName": "/opt/nvidia/toolkit/nvidia-container-runtime",
                     "SystemdCgroup": true}})"),
                          json::parse(R"({"op": "add", "path": ["io.containerd.grpc.v1.cri"],
          "values": {"enable_cdi": true, "cdi_spec_dirs": ["/etc/cdi", "/var/run/cdi"]}})")));
}

TEST(NvidiaVendorTest, ContainerdPatchesKeepV2PathsAndSkipCdiWhereBuiltInOrAbsent) {
  NvidiaVendor vendor;
  auto v3 = vendor.ContainerdPatches({.config_version = 3, .cdi = CdiMode::kBuiltin},
                                     CgroupDriver::kSystemd);
  ASSERT_EQ(v3.size(), 2u);  // no CDI entry: on by default in 2.x
  EXPECT_EQ(v3[0].path,
            (std::vector<std::string>{"io.containerd.grpc.v1.cri", "containerd", "runtimes",
                                      "nvidia"}));  // node-agent rewrites it for v3
  auto v16 = vendor.ContainerdPatches({.config_version = 2, .cdi = CdiMode::kNone},
                                      CgroupDriver::kSystemd);
  EXPECT_EQ(v16.size(), 2u);
}

TEST(NvidiaVendorTest, SystemdCgroupFollowsTheCgroupDriver) {
  auto patches = NvidiaVendor().ContainerdPatches({.config_version = 2, .cdi = CdiMode::kNone},
                                                  CgroupDriver::kCgroupfs);
  EXPECT_EQ(patches[1].values["SystemdCgroup"], false);
}

TEST(NvidiaVendorTest, RemovalDeletesTheRuntimeTable) {
  auto patches = NvidiaVendor().ContainerdRemovalPatches({.config_version = 3});
  ASSERT_EQ(patches.size(), 1u);
  EXPECT_EQ(ToOscJson(patches[0]), json::parse(R"({"op": "remove",
      "path": ["io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia"]})"));
}

TEST(NvidiaVendorTest, ModuleParametersPerBranch) {
  NvidiaVendor vendor;
  EXPECT_EQ(ToJson(vendor.ModuleParameters(V("580.95.05"))), json::parse(R"({
      "nvidia": ["NVreg_CoherentGPUMemoryMode=driver"], "nvidia-uvm": ["uvm_disable_hmm=1"]})"));
  EXPECT_EQ(ToJson(vendor.ModuleParameters(V("570"))),
            json::parse(R"({"nvidia-uvm": ["uvm_disable_hmm=1"]})"));
}

TEST(NvidiaVendorTest, NodeFilesAreTheTwoModprobeFiles) {
  NvidiaVendor vendor;
  std::vector<OscFile> files = vendor.NodeFiles(V("580"));
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "/etc/modprobe.d/gardener-extension-gpu-nouveau.conf");
  EXPECT_EQ(files[0].content, "blacklist nouveau\noptions nouveau modeset=0\n");
  EXPECT_EQ(files[0].permissions, 0644);
  EXPECT_EQ(files[1].path, "/etc/modprobe.d/gardener-extension-gpu-nvidia.conf");
  EXPECT_EQ(files[1].content,
            "options nvidia NVreg_CoherentGPUMemoryMode=driver\n"
            "options nvidia-uvm uvm_disable_hmm=1\n");
  EXPECT_EQ(files[1].permissions, 0644);
  EXPECT_EQ(vendor.NodeFiles(V("550"))[1].content, "options nvidia-uvm uvm_disable_hmm=1\n");
  EXPECT_THAT(vendor.NodeFilePaths(), ElementsAre(files[0].path, files[1].path));
}

TEST(NvidiaVendorTest, NfdMatchersCoverGpusAndNvSwitches) {
  auto matchers = NvidiaVendor().NfdMatchers();
  ASSERT_EQ(matchers.size(), 2u);
  EXPECT_EQ(matchers[0].vendor_id, 0x10de);
  EXPECT_THAT(matchers[0].class_ids, ElementsAre(0x0300, 0x0302));
  EXPECT_EQ(matchers[0].label, "nvidia.present");
  EXPECT_THAT(matchers[1].class_ids, ElementsAre(0x0680));
  EXPECT_EQ(matchers[1].label, "nvidia-nvswitch.present");
}

TEST(NvidiaVendorTest, UserspaceFilesFollowTheRunLayout) {
  auto files = NvidiaVendor().UserspaceFileList(V("580.95.05"), Arch::kArm64);
  auto find = [&](std::string_view source) -> const UserspaceFile* {
    for (const auto& file : files) {
      if (file.source == source) {
        return &file;
      }
    }
    return nullptr;
  };
  const UserspaceFile* smi = find("nvidia-smi");
  ASSERT_NE(smi, nullptr);
  EXPECT_EQ(smi->destination, "bin");
  EXPECT_TRUE(smi->required);
  const UserspaceFile* nvml = find("libnvidia-ml.so.580.95.05");
  ASSERT_NE(nvml, nullptr);
  EXPECT_EQ(nvml->destination, "usr/lib/aarch64-linux-gnu");
  EXPECT_TRUE(nvml->required);
  ASSERT_NE(find("libcuda.so.580.95.05"), nullptr);
  ASSERT_NE(find("nvidia-cuda-mps-control"), nullptr);
  const UserspaceFile* gsp = find("firmware/gsp_*.bin");
  ASSERT_NE(gsp, nullptr);
  EXPECT_EQ(gsp->destination, "lib/firmware/nvidia/580.95.05");
  const UserspaceFile* encode = find("libnvidia-encode.so.580.95.05");
  ASSERT_NE(encode, nullptr);
  EXPECT_FALSE(encode->required);
}

TEST(NvidiaVendorTest, UserspaceFilesNeedAFullVersion) {
  try {
    (void)NvidiaVendor().UserspaceFileList(V("580"), Arch::kAmd64);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace gpuext::gpuruntime
