// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/host.h"

namespace gpuext::nodeagent {
namespace {

using ::testing::HasSubstr;

TEST(HostPathsTest, EveryPathLivesUnderTheRoot) {
  const HostPaths host{"/tmp/x"};
  EXPECT_EQ(host.PciDevices(), "/tmp/x/sys/bus/pci/devices");
  EXPECT_EQ(host.OsRelease(), "/tmp/x/etc/os-release");
  EXPECT_EQ(host.SecureBootVariable(),
            "/tmp/x/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c");
  EXPECT_EQ(host.Lockdown(), "/tmp/x/sys/kernel/security/lockdown");
  EXPECT_EQ(host.SigEnforce(), "/tmp/x/sys/module/module/parameters/sig_enforce");
  EXPECT_EQ(host.ModuleVersion("nvidia"), "/tmp/x/sys/module/nvidia/version");
  EXPECT_EQ(host.ProcModules(), "/tmp/x/proc/modules");
  EXPECT_EQ(host.ProcDevices(), "/tmp/x/proc/devices");
  EXPECT_EQ(host.NvidiaGpuInformation("0000:3b:00.0"),
            "/tmp/x/proc/driver/nvidia/gpus/0000:3b:00.0/information");
  EXPECT_EQ(host.DriverRoot(), "/tmp/x/run/nvidia/driver");
  EXPECT_EQ(host.DriverTrees(), "/tmp/x/run/nvidia/driver.d");
  EXPECT_EQ(host.StatusFile(), "/tmp/x/run/nvidia/gpu-node-agent/status.json");
  EXPECT_EQ(host.FirmwareClassPath(), "/tmp/x/sys/module/firmware_class/parameters/path");
  EXPECT_EQ(host.StateDir(), "/tmp/x/var/lib/gpu-node-agent");
  EXPECT_EQ(host.Dev(), "/tmp/x/dev");
}

TEST(HostPathsTest, LeadingSlashDoesNotEscapeTheRoot) {
  const HostPaths host{"/host"};
  EXPECT_EQ(host.Resolve("/sys/bus/pci"), "/host/sys/bus/pci");
  EXPECT_EQ(host.Resolve("sys/bus/pci"), "/host/sys/bus/pci");
  EXPECT_EQ(HostPaths{}.Resolve("/etc/os-release"), "/etc/os-release");
}

TEST(HostPathsTest, RejectsDotDot) {
  const HostPaths host{"/host"};
  EXPECT_THAT([&] { (void)host.Resolve("run/../../etc/shadow"); },
              ::testing::ThrowsMessage<Error>(HasSubstr("must not contain \"..\"")));
  EXPECT_THAT([&] { (void)host.ModuleVersion(".."); },
              ::testing::ThrowsMessage<Error>(HasSubstr("module name \"..\" is not a file name")));
  EXPECT_THAT([&] { (void)host.NvidiaGpuInformation("a/b"); },
              ::testing::ThrowsMessage<Error>(HasSubstr("PCI address \"a/b\"")));
}

}  // namespace
}  // namespace gpuext::nodeagent
