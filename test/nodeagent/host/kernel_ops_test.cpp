// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The /proc parsers and RealKernelOps. RealKernelOps runs modprobe only through the
// CommandRunner, so a FakeCommandRunner pins the exact argv; proc files come from a HostTree.
#include "gpuext/nodeagent/kernel_ops.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/testing/fake_command_runner.h"
#include "gpuext/testing/host_tree.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

using gpuext::testing::HostTree;
using gpuext::testing::TempDir;
using nodeagent::testing::FakeCommandRunner;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ParseProcModulesTest, ReadsTheKernelsFormat) {
  const std::vector<LoadedModule> modules = ParseProcModules(
      "nvidia_uvm 1441792 0 - Live 0xffffffffc1234000 (POE)\n"
      "nvidia 56463360 2 nvidia_uvm,nvidia_modeset, Live 0xffffffffc0000000 (POE)\n"
      "garbage line\n"
      "drm 622592 1 - Unloading 0x0000000000000000\n"
      "x notanumber 0 - Live 0x0\n");
  ASSERT_EQ(modules.size(), 3u);
  EXPECT_EQ(modules[0], (LoadedModule{"nvidia_uvm", 1441792, 0, {}, "Live"}));
  EXPECT_EQ(modules[1],
            (LoadedModule{"nvidia", 56463360, 2, {"nvidia_uvm", "nvidia_modeset"}, "Live"}));
  EXPECT_EQ(modules[2].state, "Unloading");
}

TEST(ParseProcModulesTest, FormatRoundTrips) {
  const std::vector<LoadedModule> modules = {{"nvidia", 10, 1, {"nvidia_uvm"}, "Live"},
                                             {"nvidia_uvm", 5, 0, {}, "Live"}};
  EXPECT_EQ(FormatProcModules(modules),
            "nvidia 10 1 nvidia_uvm, Live 0x0000000000000000\n"
            "nvidia_uvm 5 0 - Live 0x0000000000000000\n");
  EXPECT_EQ(ParseProcModules(FormatProcModules(modules)), modules);
}

TEST(ParseCharDeviceMajorTest, LooksOnlyAtCharacterDevices) {
  const std::string text =
      "Character devices:\n  1 mem\n195 nvidia-frontend\n511 nvidia-uvm\n\n"
      "Block devices:\n  7 loop\n259 nvidia-uvm\n";
  EXPECT_EQ(ParseCharDeviceMajor(text, "nvidia-uvm"), 511u);
  EXPECT_EQ(ParseCharDeviceMajor(text, "nvidia-frontend"), 195u);
  EXPECT_EQ(ParseCharDeviceMajor(text, "loop"), std::nullopt);
  EXPECT_EQ(ParseCharDeviceMajor(text, "nvidia"), std::nullopt);
  EXPECT_EQ(ParseCharDeviceMajor("", "mem"), std::nullopt);
}

TEST(KernelModuleNameTest, UsesUnderscores) {
  EXPECT_EQ(KernelModuleName("nvidia-uvm"), "nvidia_uvm");
  EXPECT_EQ(KernelModuleName("nvidia_modeset"), "nvidia_modeset");
}

class RealKernelOpsTest : public ::testing::Test {
 protected:
  TempDir dir_;
  HostTree tree_{dir_.path()};
  FakeCommandRunner runner_;
  RealKernelOps kernel_{HostPaths{dir_.path()}, runner_};
};

TEST_F(RealKernelOpsTest, LoadsWithModprobeDFromTheDriverRoot) {
  runner_.Expect({"modprobe"}, {});
  kernel_.LoadModule("/run/nvidia/driver", "nvidia", {"NVreg_CoherentGPUMemoryMode=driver"}, {});
  kernel_.LoadModule("", "ipmi_devintf", {}, {});
  ASSERT_EQ(runner_.calls().size(), 2u);
  EXPECT_THAT(runner_.calls()[0].argv, ElementsAre("modprobe", "-d", "/run/nvidia/driver", "nvidia",
                                                   "NVreg_CoherentGPUMemoryMode=driver"));
  EXPECT_THAT(runner_.calls()[0].env, ElementsAre("PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
  EXPECT_THAT(runner_.calls()[1].argv, ElementsAre("modprobe", "ipmi_devintf"));
}

TEST_F(RealKernelOpsTest, UnloadsWithModprobeR) {
  runner_.Expect({"modprobe", "-r"}, {});
  kernel_.Unload("nouveau", {});
  EXPECT_THAT(runner_.argvs(), ElementsAre(ElementsAre("modprobe", "-r", "nouveau")));
}

TEST_F(RealKernelOpsTest, RefusalCarriesModprobesMessage) {
  runner_.Expect(
      {"modprobe"},
      {.exit_code = 1,
       .stderr_text = "modprobe: ERROR: could not insert 'nvidia': Exec format error\n"});
  EXPECT_THAT([&] { kernel_.LoadModule("/r", "nvidia", {}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("Exec format error")));
}

TEST_F(RealKernelOpsTest, ReadsProcFilesUnderTheHostRoot) {
  tree_.IdleKernel().File("proc/devices",
                          "Character devices:\n195 nvidia-frontend\n508 nvidia-uvm\n");
  const std::vector<LoadedModule> modules = kernel_.LoadedModules();
  ASSERT_EQ(modules.size(), 3u);
  EXPECT_EQ(modules[0].name, "overlay");
  EXPECT_EQ(kernel_.DeviceMajor("nvidia-uvm"), 508u);
  EXPECT_EQ(kernel_.DeviceMajor("nvidia-caps"), std::nullopt);
}

TEST_F(RealKernelOpsTest, MissingProcModulesIsAnEmptyList) {
  EXPECT_TRUE(kernel_.LoadedModules().empty());
}

TEST_F(RealKernelOpsTest, ReleaseAndMachineComeFromUname) {
  const std::string osrelease = Slurp("/proc/sys/kernel/osrelease");
  EXPECT_EQ(kernel_.Release() + "\n", osrelease);
  EXPECT_FALSE(kernel_.Machine().empty());
}

TEST_F(RealKernelOpsTest, WriteSysfsNeverCreatesAnAttribute) {
  const auto path = dir_.path() / "sys/module/firmware_class/parameters/path";
  EXPECT_THAT([&] { kernel_.WriteSysfs(path, "/run/nvidia/driver/lib/firmware"); },
              ::testing::ThrowsMessage<Error>(HasSubstr("open " + path.string())));
  tree_.File("sys/module/firmware_class/parameters/path", "old-longer-value\n");
  kernel_.WriteSysfs(path, "/run/nvidia/driver/lib/firmware");
  EXPECT_EQ(Slurp(path), "/run/nvidia/driver/lib/firmware");
}

TEST_F(RealKernelOpsTest, MknodCreatesAndRepairsCharacterDevices) {
  const auto path = dir_.path() / "dev/nvidiactl";
  if (geteuid() != 0) {
    // Without CAP_MKNOD the kernel refuses; the error must name the call and the path.
    EXPECT_THAT([&] { kernel_.Mknod(path, 195, 255, 0666); },
                ::testing::ThrowsMessage<Error>(HasSubstr("mknod " + path.string())));
    return;
  }
  tree_.File("dev/nvidiactl", "a regular file in the way");
  kernel_.Mknod(path, 195, 255, 0666);
  struct stat st {};
  ASSERT_EQ(lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(major(st.st_rdev), 195u);
  EXPECT_EQ(minor(st.st_rdev), 255u);
  EXPECT_EQ(st.st_mode & 07777, 0666u);  // not filtered by the umask
  // Idempotent: the same node is kept (same inode).
  const ino_t inode = st.st_ino;
  kernel_.Mknod(path, 195, 255, 0666);
  ASSERT_EQ(lstat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_ino, inode);
  // Wrong numbers are replaced.
  kernel_.Mknod(path, 195, 254, 0666);
  ASSERT_EQ(lstat(path.c_str(), &st), 0);
  EXPECT_EQ(minor(st.st_rdev), 254u);
}

}  // namespace
}  // namespace gpuext::nodeagent
