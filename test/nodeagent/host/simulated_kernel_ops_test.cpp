// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// SimulatedKernelOps: the SIMULATED kernel keeps the host tree's proc and sys files the way the
// real kernel would, and refuses modules whose vermagic does not match.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/kernel_ops.h"
#include "gpuext/testing/host_tree.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;
using gpuext::testing::HostTree;
using gpuext::testing::TempDir;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kRelease = "6.12.72-cloud-amd64";
constexpr const char* kVermagic = "6.12.72-cloud-amd64 SMP preempt mod_unload modversions ";

std::string ReadSimulatedFile(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> Names(const std::vector<LoadedModule>& modules) {
  std::vector<std::string> out;
  for (const LoadedModule& m : modules) {
    out.push_back(m.name);
  }
  return out;
}

class SimulatedKernelOpsTest : public ::testing::Test {
 protected:
  SimulatedKernelOpsTest() {
    tree_.IdleKernel()
        .H100("0000:18:00.0")
        .A100("0000:3b:00.0")
        .NvSwitch("0000:07:00.0")
        .AspeedVga("0000:02:00.0");
    Module("nvidia", {{"vermagic", kVermagic}, {"version", "580.95.05"}, {"depends", ""}});
    Module("nvidia-uvm",
           {{"vermagic", kVermagic}, {"version", "580.95.05"}, {"depends", "nvidia"}});
    Module("nvidia-modeset",
           {{"vermagic", kVermagic}, {"version", "580.95.05"}, {"depends", "nvidia"}});
  }

  void Module(const std::string& name, const std::map<std::string, std::string>& modinfo,
              const std::string& release = kRelease) {
    tree_.FakeKernelModule(
        "run/nvidia/driver.d/t/lib/modules/" + release + "/kernel/drivers/video/" + name + ".ko",
        modinfo);
  }

  [[nodiscard]] fs::path Root() const { return dir_.path() / "run/nvidia/driver.d/t"; }
  [[nodiscard]] std::string HostFile(const std::string& rel) const {
    return ReadSimulatedFile(dir_.path() / rel);
  }

  TempDir dir_;
  HostTree tree_{dir_.path()};
  HostPaths host_{dir_.path()};
  SimulatedKernelOps kernel_{
      host_,
      {.release = kRelease, .machine = "x86_64", .read_modinfo = gpuext::testing::ReadFakeModinfo}};
};

TEST_F(SimulatedKernelOpsTest, LoadingNvidiaUpdatesProcAndSysLikeTheKernel) {
  kernel_.LoadModule(Root(), "nvidia", {"NVreg_CoherentGPUMemoryMode=driver"}, {});

  const std::vector<LoadedModule> modules = kernel_.LoadedModules();
  EXPECT_THAT(Names(modules), ElementsAre("overlay", "nf_conntrack", "virtio_net", "nvidia"));
  EXPECT_EQ(HostFile("sys/module/nvidia/version"), "580.95.05\n");
  EXPECT_EQ(HostFile("sys/module/nvidia/parameters/NVreg_CoherentGPUMemoryMode"), "driver\n");
  EXPECT_EQ(kernel_.DeviceMajor("nvidia-frontend"), 195u);
  EXPECT_TRUE(kernel_.DeviceMajor("nvidia-caps").has_value());
  // The untouched parts of proc/devices stay, block devices included.
  EXPECT_THAT(HostFile("proc/devices"), HasSubstr("Block devices:\n  7 loop\n"));
  EXPECT_THAT(HostFile("proc/devices"), HasSubstr("  1 mem\n"));
  // One information file per NVIDIA GPU, minors in address order; none for the NVSwitch or
  // the other vendor's VGA device.
  EXPECT_THAT(HostFile("proc/driver/nvidia/gpus/0000:18:00.0/information"),
              HasSubstr("Device Minor: \t 0\n"));
  EXPECT_THAT(HostFile("proc/driver/nvidia/gpus/0000:3b:00.0/information"),
              HasSubstr("Device Minor: \t 1\n"));
  EXPECT_THAT(HostFile("proc/driver/nvidia/gpus/0000:3b:00.0/information"), HasSubstr("SIMULATED"));
  EXPECT_FALSE(fs::exists(dir_.path() / "proc/driver/nvidia/gpus/0000:07:00.0"));
  EXPECT_FALSE(fs::exists(dir_.path() / "proc/driver/nvidia/gpus/0000:02:00.0"));
}

TEST_F(SimulatedKernelOpsTest, LoadingIsIdempotent) {
  kernel_.LoadModule(Root(), "nvidia", {}, {});
  const std::string devices = HostFile("proc/devices");
  kernel_.LoadModule(Root(), "nvidia", {}, {});
  EXPECT_EQ(Names(kernel_.LoadedModules()),
            (std::vector<std::string>{"overlay", "nf_conntrack", "virtio_net", "nvidia"}));
  EXPECT_EQ(HostFile("proc/devices"), devices);
}

TEST_F(SimulatedKernelOpsTest, DependenciesLoadFirstAndHoldReferences) {
  kernel_.LoadModule(Root(), "nvidia-uvm", {}, {});
  kernel_.LoadModule(Root(), "nvidia_modeset", {}, {});
  const std::vector<LoadedModule> modules = kernel_.LoadedModules();
  ASSERT_EQ(modules.size(), 6u);
  EXPECT_EQ(modules[3].name, "nvidia");
  EXPECT_EQ(modules[3].refcount, 2);
  EXPECT_THAT(modules[3].used_by, ElementsAre("nvidia_uvm", "nvidia_modeset"));
  EXPECT_EQ(modules[4].name, "nvidia_uvm");
  const std::optional<unsigned> uvm = kernel_.DeviceMajor("nvidia-uvm");
  ASSERT_TRUE(uvm.has_value());
  EXPECT_NE(*uvm, 195u);
  EXPECT_NE(uvm, kernel_.DeviceMajor("nvidia-caps"));
}

TEST_F(SimulatedKernelOpsTest, RefusesAModuleBuiltForAnotherKernel) {
  Module("nvidia", {{"vermagic", "6.12.71-cloud-amd64 SMP preempt mod_unload modversions "},
                    {"version", "580.95.05"}});
  EXPECT_THAT([&] { kernel_.LoadModule(Root(), "nvidia", {}, {}); },
              ::testing::ThrowsMessage<Error>(
                  AllOf(HasSubstr("Exec format error"), HasSubstr("6.12.71-cloud-amd64"),
                        HasSubstr("does not match the running kernel 6.12.72-cloud-amd64"))));
  EXPECT_THAT(Names(kernel_.LoadedModules()), Not(::testing::Contains("nvidia")));
  EXPECT_FALSE(fs::exists(dir_.path() / "sys/module/nvidia"));
  EXPECT_FALSE(fs::exists(dir_.path() / "proc/driver/nvidia"));
}

TEST_F(SimulatedKernelOpsTest, VermagicMustMatchTheWholeReleaseNotAPrefix) {
  Module("nvidia", {{"vermagic", "6.12.72-cloud-amd64-rt SMP mod_unload "}});
  EXPECT_THAT([&] { kernel_.LoadModule(Root(), "nvidia", {}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("vermagic")));
  Module("nvidia", {});  // no vermagic at all
  EXPECT_THAT([&] { kernel_.LoadModule(Root(), "nvidia", {}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("vermagic \"\"")));
}

TEST_F(SimulatedKernelOpsTest, RefusesAMissingDependencyAndAMissingModule) {
  Module("nvidia-peermem", {{"vermagic", kVermagic}, {"depends", "nvidia,ib_core"}});
  EXPECT_THAT([&] { kernel_.LoadModule(Root(), "nvidia-peermem", {}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("depends on ib_core")));
  EXPECT_THAT([&] { kernel_.LoadModule(Root(), "nvidia-drm", {}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("module nvidia_drm not found")));
}

TEST_F(SimulatedKernelOpsTest, OnlyLooksInTheTreeOfTheRunningKernel) {
  Module("nvidia-drm", {{"vermagic", "6.1.0-28-amd64 SMP"}}, "6.1.0-28-amd64");
  EXPECT_THAT([&] { kernel_.LoadModule(Root(), "nvidia-drm", {}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("not found in")));
}

TEST_F(SimulatedKernelOpsTest, UnloadRefusesModulesInUseAndCleansUp) {
  kernel_.LoadModule(Root(), "nvidia-uvm", {}, {});
  EXPECT_THAT([&] { kernel_.Unload("nvidia", {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("Module is in use")));
  kernel_.Unload("nvidia-uvm", {});
  EXPECT_EQ(kernel_.DeviceMajor("nvidia-uvm"), std::nullopt);
  kernel_.Unload("nvidia", {});
  EXPECT_THAT(Names(kernel_.LoadedModules()), ElementsAre("overlay", "nf_conntrack", "virtio_net"));
  EXPECT_FALSE(fs::exists(dir_.path() / "sys/module/nvidia"));
  EXPECT_FALSE(fs::exists(dir_.path() / "proc/driver/nvidia"));
  EXPECT_EQ(kernel_.DeviceMajor("nvidia-frontend"), std::nullopt);
  EXPECT_THAT(HostFile("proc/devices"), HasSubstr("Block devices:\n  7 loop\n"));
  kernel_.Unload("nvidia", {});  // not loaded: no-op
}

TEST_F(SimulatedKernelOpsTest, MknodAndSysfsWritesLandInTheTree) {
  kernel_.Mknod(dir_.path() / "dev/nvidia0", 195, 0, 0666);
  EXPECT_EQ(HostFile("dev/nvidia0"), "SIMULATED character device 195:0\n");
  EXPECT_EQ(fs::status(dir_.path() / "dev/nvidia0").permissions() & fs::perms::all,
            static_cast<fs::perms>(0666));
  kernel_.WriteSysfs(host_.FirmwareClassPath(), "/run/nvidia/driver/lib/firmware");
  EXPECT_EQ(ReadSimulatedFile(host_.FirmwareClassPath()), "/run/nvidia/driver/lib/firmware");
}

TEST(SimulatedKernelOpsConstructionTest, NeedsAModinfoReader) {
  EXPECT_THAT([] { SimulatedKernelOps kernel(HostPaths{"/nonexistent"}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("needs a ModinfoReader")));
}

TEST(SimulatedKernelOpsConstructionTest, ReportsItsConfiguredKernel) {
  SimulatedKernelOps kernel(HostPaths{"/nonexistent"},
                            {.release = "6.6.63-cloud-arm64",
                             .machine = "aarch64",
                             .read_modinfo = gpuext::testing::ReadFakeModinfo});
  EXPECT_EQ(kernel.Release(), "6.6.63-cloud-arm64");
  EXPECT_EQ(kernel.Machine(), "aarch64");
  EXPECT_THAT(kernel.LoadedModules(), IsEmpty());
}

}  // namespace
}  // namespace gpuext::nodeagent
