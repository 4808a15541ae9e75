// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/types.h"

#include <gtest/gtest.h>

#include "gpuext/gpuruntime/pci.h"

namespace gpuext::gpuruntime {
namespace {

TEST(DriverVersionTest, AcceptsBranchesAndFullVersions) {
  auto branch = DriverVersion::Parse("580");
  ASSERT_TRUE(branch);
  EXPECT_TRUE(branch->IsBranchOnly());
  EXPECT_EQ(branch->Branch(), 580);

  auto full = DriverVersion::Parse("580.95.05");
  ASSERT_TRUE(full);
  EXPECT_FALSE(full->IsBranchOnly());
  EXPECT_EQ(full->Branch(), 580);
  EXPECT_EQ(full->Minor(), 95);
  EXPECT_EQ(full->Patch(), 5);
  EXPECT_EQ(full->String(), "580.95.05");  // NVIDIA's spelling kept for file names

  auto two_part = DriverVersion::Parse("570.86");
  ASSERT_TRUE(two_part);
  EXPECT_EQ(two_part->Minor(), 86);
  EXPECT_FALSE(two_part->Patch());
}

TEST(DriverVersionTest, RejectsWhatTheValidationRuleRejects) {
  for (const char* bad : {"", "58", "5800", "580.", "580.1234", "580.95.", "580.95.05.1", "v580",
                          "580 ", " 580", "580.9a", "abc", "580..5", "-580"}) {
    EXPECT_FALSE(DriverVersion::Parse(bad)) << bad;
  }
}

TEST(DriverVersionTest, OrdersNumericallyWithBranchFirst) {
  auto v = [](const char* text) { return *DriverVersion::Parse(text); };
  EXPECT_LT(v("570.86.15"), v("580"));
  EXPECT_LT(v("580"), v("580.65.06"));
  EXPECT_LT(v("580.65.06"), v("580.95.05"));
  EXPECT_LT(v("580.95"), v("580.95.05"));
  EXPECT_LT(v("580.9.1"), v("580.10.1"));  // numeric, not text order
  EXPECT_EQ(v("590.48.01"), v("590.48.01"));
}

TEST(TypesTest, ModuleTypesRoundTrip) {
  EXPECT_EQ(ParseModuleType("open"), ModuleType::kOpen);
  EXPECT_EQ(ParseModuleType("proprietary"), ModuleType::kProprietary);
  EXPECT_FALSE(ParseModuleType("auto"));  // auto is a preference, never a built module
  EXPECT_EQ(ParseModuleTypePref("auto"), ModuleTypePref::kAuto);
  EXPECT_FALSE(ParseModuleTypePref("Open"));
  for (auto t : {ModuleType::kOpen, ModuleType::kProprietary}) {
    EXPECT_EQ(ParseModuleType(ToString(t)), t);
  }
  for (auto p : {ModuleTypePref::kAuto, ModuleTypePref::kOpen, ModuleTypePref::kProprietary}) {
    EXPECT_EQ(ParseModuleTypePref(ToString(p)), p);
  }
}

TEST(TypesTest, ArchAcceptsKubernetesAndUnameNames) {
  EXPECT_EQ(ParseArch("amd64"), Arch::kAmd64);
  EXPECT_EQ(ParseArch("x86_64"), Arch::kAmd64);
  EXPECT_EQ(ParseArch("arm64"), Arch::kArm64);
  EXPECT_EQ(ParseArch("aarch64"), Arch::kArm64);
  EXPECT_FALSE(ParseArch("i386"));
  EXPECT_EQ(ToString(Arch::kArm64), "arm64");
  EXPECT_EQ(UnameMachine(Arch::kAmd64), "x86_64");
  EXPECT_EQ(MultiarchTriplet(Arch::kArm64), "aarch64-linux-gnu");
}

TEST(TypesTest, CdiModesRoundTrip) {
  for (auto m : {CdiMode::kNone, CdiMode::kEnableInConfig, CdiMode::kBuiltin}) {
    EXPECT_EQ(ParseCdiMode(ToString(m)), m);
  }
  EXPECT_FALSE(ParseCdiMode("enabled"));
}

TEST(PciTest, ClassIdIsTheUpperSixteenBitsAndMatchesVendorAndClass) {
  PciDevice a100{.address = "0000:3b:00.0",
                 .vendor_id = 0x10de,
                 .device_id = 0x20b0,
                 .class_code = 0x030200,
                 .driver = ""};
  EXPECT_EQ(a100.ClassId(), 0x0302);
  PciMatch nvidia{.vendor_id = kPciVendorNvidia,
                  .class_ids = {kPciClassVgaController, kPciClass3dController},
                  .label = "nvidia.present"};
  EXPECT_TRUE(nvidia.Matches(a100));
  PciDevice nvswitch = a100;
  nvswitch.class_code = 0x068000;
  EXPECT_FALSE(nvidia.Matches(nvswitch));
  PciDevice other_vendor = a100;
  other_vendor.vendor_id = kPciVendorAmd;
  EXPECT_FALSE(nvidia.Matches(other_vendor));
}

}  // namespace
}  // namespace gpuext::gpuruntime
