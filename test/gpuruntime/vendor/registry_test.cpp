// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/registry.h"

#include <atomic>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/gpuruntime/amd.h"
#include "gpuext/gpuruntime/intel.h"
#include "gpuext/gpuruntime/nvidia.h"

namespace gpuext::gpuruntime {
namespace {

DriverVersion Version(std::string_view text) { return *DriverVersion::Parse(text); }

TEST(VendorRegistryTest, NvidiaRuntimeGetsNvidiaVendor) {
  const GpuVendor& vendor = VendorFor("nvidia");
  EXPECT_EQ(vendor.Name(), "nvidia");
  EXPECT_EQ(vendor.PciVendorId(), 0x10de);
  EXPECT_TRUE(vendor.NeedsKernelModuleBuild());
}

TEST(VendorRegistryTest, UnknownRuntimeGetsTheNullVendor) {
  for (std::string_view type : {"gvisor", "", "NVIDIA", "amd"}) {
    const GpuVendor& vendor = VendorFor(type);
    EXPECT_EQ(vendor.Name(), "none") << type;
    EXPECT_TRUE(vendor.ContainerdPatches({}, CgroupDriver::kSystemd).empty());
    EXPECT_TRUE(vendor.NodeFiles(Version("580")).empty());
    EXPECT_FALSE(vendor.NeedsKernelModuleBuild());
    ModuleTypeDecision decision =
        vendor.ChooseModuleType({}, Version("580"), ModuleTypePref::kAuto);
    EXPECT_FALSE(decision.ok());
    EXPECT_EQ(decision.reason, "NoVendor");
  }
}

TEST(VendorRegistryTest, LabelledVendorsCoverNvidiaAmdIntel) {
  std::vector<std::string> labels;
  for (const GpuVendor* vendor : LabelledVendors()) {
    for (const auto& match : vendor->NfdMatchers()) {
      labels.push_back(match.label);
    }
  }
  EXPECT_THAT(labels, ::testing::ElementsAre("nvidia.present", "nvidia-nvswitch.present",
                                             "amd.present", "intel.present"));
}

TEST(VendorRegistryTest, AmdAndIntelMatchDisplayClassesWithoutBuilds) {
  PciScan scan{.devices = {{.address = "0000:03:00.0",
                            .vendor_id = kPciVendorAmd,
                            .device_id = 0x740f,
                            .class_code = 0x038000,
                            .driver = "amdgpu"},
                           {.address = "0000:00:02.0",
                            .vendor_id = kPciVendorIntel,
                            .device_id = 0x56c0,
                            .class_code = 0x030000,
                            .driver = "i915"},
                           {.address = "0000:00:1f.0",
                            .vendor_id = kPciVendorIntel,
                            .device_id = 0x1234,
                            .class_code = 0x060100,
                            .driver = ""}}};
  AmdVendor amd;
  IntelVendor intel;
  ASSERT_EQ(amd.Detect(scan).size(), 1u);
  EXPECT_EQ(amd.Detect(scan)[0].pci.address, "0000:03:00.0");
  ASSERT_EQ(intel.Detect(scan).size(), 1u);
  EXPECT_EQ(intel.Detect(scan)[0].pci.address, "0000:00:02.0");
  EXPECT_FALSE(amd.NeedsKernelModuleBuild());
  EXPECT_FALSE(intel.NeedsKernelModuleBuild());
  EXPECT_THAT(amd.NfdMatchers()[0].class_ids, ::testing::ElementsAre(0x0300, 0x0302, 0x0380));
}

// Throws from NodeFiles, as a vendor with a broken table would; counts calls.
class BrokenVendor final : public NvidiaVendor {
 public:
  std::vector<OscFile> NodeFiles(const DriverVersion& /*version*/) const override {
    ++calls;
    throw std::runtime_error("module table corrupt");
  }
  std::vector<UserspaceFile> UserspaceFileList(const DriverVersion& version,
                                               Arch arch) const override {
    return NvidiaVendor::UserspaceFileList(version, arch);
  }
  mutable std::atomic<int> calls{0};
};

TEST(FallbackVendorTest, PassesCallsThroughWhileTheVendorWorks) {
  FallbackVendor safe(VendorFor("nvidia"));
  EXPECT_EQ(safe.Name(), "nvidia");
  EXPECT_EQ(safe.NodeFiles(Version("580")).size(), 2u);
  EXPECT_EQ(safe.ContainerdPatches({}, CgroupDriver::kSystemd).size(), 3u);
  EXPECT_FALSE(safe.failure());
}

TEST(FallbackVendorTest, AThrowingVendorBecomesTheNullVendorWithAReason) {
  BrokenVendor broken;
  FallbackVendor safe(broken);
  EXPECT_TRUE(safe.NodeFiles(Version("580")).empty());
  EXPECT_EQ(safe.failure(), "nvidia: NodeFiles: module table corrupt");
  // From now on every answer is the null vendor's, also for methods that would still work.
  EXPECT_TRUE(safe.ContainerdPatches({}, CgroupDriver::kSystemd).empty());
  EXPECT_FALSE(safe.NeedsKernelModuleBuild());
  EXPECT_TRUE(safe.NodeFiles(Version("580")).empty());
  EXPECT_EQ(broken.calls.load(), 1);
}

TEST(FallbackVendorTest, ArgumentErrorsAreTheCallersAndPassThrough) {
  BrokenVendor broken;
  FallbackVendor safe(broken);
  EXPECT_THROW((void)safe.UserspaceFileList(Version("580"), Arch::kAmd64), Error);
  EXPECT_FALSE(safe.failure());
  EXPECT_EQ(safe.ContainerdPatches({}, CgroupDriver::kSystemd).size(), 3u);
}

}  // namespace
}  // namespace gpuext::gpuruntime
