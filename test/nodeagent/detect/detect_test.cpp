// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Step 1 against host trees built by HostTree (PCI ids are the public ones; see host_tree.h).
#include "gpuext/nodeagent/detect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/testing/host_tree.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

using gpuext::testing::HostTree;
using gpuext::testing::TempDir;
using gpuruntime::Arch;
using gpuruntime::PciDevice;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class DetectTest : public ::testing::Test {
 protected:
  NodeFacts Run(const std::string& machine = "x86_64") {
    SimulatedKernelOps kernel(HostPaths{dir_.path()},
                              {.release = "6.12.72-cloud-amd64",
                               .machine = machine,
                               .read_modinfo = gpuext::testing::ReadFakeModinfo});
    return Detect(HostPaths{dir_.path()}, kernel);
  }

  TempDir dir_;
  HostTree tree_{dir_.path()};
};

std::vector<std::string> Addresses(const std::vector<PciDevice>& devices) {
  std::vector<std::string> out;
  for (const PciDevice& d : devices) {
    out.push_back(d.address);
  }
  return out;
}

TEST_F(DetectTest, FindsGpusAndNvSwitchesByVendorAndClass) {
  struct Case {
    std::string name;
    std::function<void(HostTree&)> build;
    std::vector<std::string> gpus;
    std::vector<std::string> nvswitches;
  };
  const std::vector<Case> cases = {
      {"single T4 (AWS g4dn)",
       [](HostTree& t) { t.VirtioNet().T4("0000:00:1e.0"); },
       {"0000:00:1e.0"},
       {}},
      {"HGX A100: GPUs and NVSwitches",
       [](HostTree& t) {
         t.A100("0000:07:00.0")
             .A100("0000:0f:00.0")
             .NvSwitch("0000:c1:00.0")
             .NvSwitch("0000:c2:00.0");
       },
       {"0000:07:00.0", "0000:0f:00.0"},
       {"0000:c1:00.0", "0000:c2:00.0"}},
      {"H100 bound to nvidia",
       [](HostTree& t) { t.H100("0000:18:00.0", "nvidia"); },
       {"0000:18:00.0"},
       {}},
      {"other vendor's VGA and NICs only", [](HostTree& t) { t.AspeedVga().VirtioNet(); }, {}, {}},
      {"NVIDIA VGA-class board counts",
       [](HostTree& t) {
         t.Pci({"0000:01:00.0", 0x10de, 0x2204, 0x030000, ""});
       },
       {"0000:01:00.0"},
       {}},
      {"NVIDIA audio function does not",
       [](HostTree& t) {
         t.Pci({"0000:01:00.1", 0x10de, 0x1aef, 0x040300, "snd_hda_intel"});
       },
       {},
       {}},
      {"empty bus",
       [](HostTree& t) {
         t.File("sys/bus/pci/devices/.keep", "").Remove("sys/bus/pci/devices/.keep");
       },
       {},
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    HostTree tree(dir.path());
    tree.GardenLinux();
    c.build(tree);
    SimulatedKernelOps kernel(HostPaths{dir.path()},
                              {.read_modinfo = gpuext::testing::ReadFakeModinfo});
    const NodeFacts facts = Detect(HostPaths{dir.path()}, kernel);
    EXPECT_EQ(Addresses(facts.gpus), c.gpus);
    EXPECT_EQ(Addresses(facts.nvswitches), c.nvswitches);
    EXPECT_EQ(facts.HasGpu(), !c.gpus.empty());
    EXPECT_EQ(facts.HasNvSwitch(), !c.nvswitches.empty());
    EXPECT_THAT(facts.problems, IsEmpty());
  }
}

TEST_F(DetectTest, ReadsIdsClassAndDriverOfEveryFunction) {
  tree_.GardenLinux()
      .H100("0000:18:00.0", "nvidia")
      .VirtioNet("0000:00:03.0")
      .NvSwitch("0000:07:00.0");
  const NodeFacts facts = Run();
  EXPECT_THAT(facts.pci.devices,
              ElementsAre(PciDevice{"0000:00:03.0", 0x1af4, 0x1041, 0x020000, "virtio-pci"},
                          PciDevice{"0000:07:00.0", 0x10de, 0x1af1, 0x068000, ""},
                          PciDevice{"0000:18:00.0", 0x10de, 0x2330, 0x030200, "nvidia"}));
}

TEST_F(DetectTest, HexParsingToleratesWhitespaceAndReportsGarbage) {
  tree_.GardenLinux()
      .File("sys/bus/pci/devices/0000:01:00.0/vendor", "0x10de")
      .File("sys/bus/pci/devices/0000:01:00.0/device", "  0x20B0 \n\n")
      .File("sys/bus/pci/devices/0000:01:00.0/class", "030200\n")
      .File("sys/bus/pci/devices/0000:02:00.0/vendor", "nvidia\n")
      .File("sys/bus/pci/devices/0000:02:00.0/device", "0x20b0\n")
      .File("sys/bus/pci/devices/0000:02:00.0/class", "0x030200\n")
      .File("sys/bus/pci/devices/0000:03:00.0/vendor", "0x10de\n")
      .File("sys/bus/pci/devices/0000:03:00.0/class", "0x030200\n");
  const NodeFacts facts = Run();
  EXPECT_THAT(facts.pci.devices,
              ElementsAre(PciDevice{"0000:01:00.0", 0x10de, 0x20b0, 0x030200, ""}));
  EXPECT_THAT(facts.problems, ElementsAre("PCI device 0000:02:00.0: vendor is not hex: \"nvidia\"",
                                          "PCI device 0000:03:00.0: device is missing"));
}

TEST(ParseSysfsHexTest, Table) {
  EXPECT_EQ(ParseSysfsHex("0x10de\n"), 0x10deu);
  EXPECT_EQ(ParseSysfsHex("0X10DE"), 0x10deu);
  EXPECT_EQ(ParseSysfsHex(" \t0x030200\r\n"), 0x030200u);
  EXPECT_EQ(ParseSysfsHex("ffff"), 0xffffu);
  EXPECT_EQ(ParseSysfsHex(""), std::nullopt);
  EXPECT_EQ(ParseSysfsHex("0x"), std::nullopt);
  EXPECT_EQ(ParseSysfsHex("0x10de 0x1"), std::nullopt);
  EXPECT_EQ(ParseSysfsHex("0x1ffffffff"), std::nullopt);  // does not fit 32 bits
}

TEST_F(DetectTest, ReadsOsKernelAndArch) {
  tree_.GardenLinux("1877.5").T4();
  const NodeFacts facts = Run();
  EXPECT_EQ(facts.os.id, "gardenlinux");
  EXPECT_EQ(facts.os.version_id, "1877.5");
  EXPECT_EQ(facts.os.gardenlinux_version, "1877.5");
  EXPECT_EQ(facts.kernel_release, "6.12.72-cloud-amd64");
  EXPECT_EQ(facts.machine, "x86_64");
  EXPECT_EQ(facts.arch, Arch::kAmd64);
}

TEST_F(DetectTest, MapsUnameMachinesToKubernetesArch) {
  tree_.GardenLinux();
  EXPECT_EQ(Run("aarch64").arch, Arch::kArm64);
  EXPECT_EQ(Run("x86_64").arch, Arch::kAmd64);
  const NodeFacts s390 = Run("s390x");
  EXPECT_EQ(s390.arch, std::nullopt);
  EXPECT_EQ(s390.machine, "s390x");
}

TEST_F(DetectTest, MissingOsReleaseIsAProblemNotAFailure) {
  tree_.T4();
  const NodeFacts facts = Run();
  EXPECT_EQ(facts.os.id, "");
  EXPECT_THAT(facts.problems, ElementsAre(HasSubstr("etc/os-release is missing")));
  EXPECT_TRUE(facts.HasGpu());
}

TEST_F(DetectTest, ReportsTheLoadedDriverAndModules) {
  tree_.GardenLinux().A100().LoadedNvidia("580.95.05");
  const NodeFacts facts = Run();
  EXPECT_EQ(facts.loaded_driver, "580.95.05");
  EXPECT_TRUE(facts.IsLoaded("nvidia"));
  EXPECT_FALSE(facts.IsLoaded("nouveau"));
}

TEST_F(DetectTest, NoDriverLoadedOnAFreshNode) {
  tree_.GardenLinux().A100().IdleKernel();
  const NodeFacts facts = Run();
  EXPECT_EQ(facts.loaded_driver, std::nullopt);
  EXPECT_THAT(facts.loaded_modules, ElementsAre("overlay", "nf_conntrack", "virtio_net"));
}

TEST_F(DetectTest, SeesNouveau) {
  tree_.GardenLinux()
      .T4("0000:00:1e.0", "nouveau")
      .File("proc/modules", "nouveau 2969600 0 - Live 0x0000000000000000\n");
  const NodeFacts facts = Run();
  EXPECT_TRUE(facts.IsLoaded("nouveau"));
  EXPECT_EQ(facts.gpus.at(0).driver, "nouveau");
}

TEST_F(DetectTest, DriverLoadedBySimulatedKernelIsDetected) {
  tree_.GardenLinux().A100().IdleKernel().FakeKernelModule(
      "run/nvidia/driver.d/t/lib/modules/6.12.72-cloud-amd64/kernel/drivers/video/nvidia.ko",
      {{"vermagic", "6.12.72-cloud-amd64 SMP preempt mod_unload modversions "},
       {"version", "580.95.05"}});
  SimulatedKernelOps kernel(
      HostPaths{dir_.path()},
      {.release = "6.12.72-cloud-amd64", .read_modinfo = gpuext::testing::ReadFakeModinfo});
  kernel.LoadModule(dir_.path() / "run/nvidia/driver.d/t", "nvidia", {}, {});
  const NodeFacts facts = Detect(HostPaths{dir_.path()}, kernel);
  EXPECT_EQ(facts.loaded_driver, "580.95.05");
  EXPECT_TRUE(facts.IsLoaded("nvidia"));
}

}  // namespace
}  // namespace gpuext::nodeagent
