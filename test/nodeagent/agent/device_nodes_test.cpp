// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Device nodes (DESIGN.md §13.3 step 9) from the files the SIMULATED driver writes.
#include "gpuext/nodeagent/device_nodes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent_fixture.h"

namespace gpuext::nodeagent::agenttest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(ParseDeviceMinorTest, ReadsTheDriversInformationFile) {
  EXPECT_EQ(ParseDeviceMinor("Model: \t\t NVIDIA H100\nDevice Minor: \t 3\nGPU Excluded:\t No\n"),
            3u);
  EXPECT_EQ(ParseDeviceMinor("Device Minor: \t 0"), 0u);
  EXPECT_EQ(ParseDeviceMinor("Model: x\n"), std::nullopt);
  EXPECT_EQ(ParseDeviceMinor("Device Minor: many\n"), std::nullopt);
  EXPECT_EQ(ParseDeviceMinor("Device Minor: 255\n"), std::nullopt) << "255 is nvidiactl";
}

TEST_F(AgentTest, DeviceNodePlanFollowsTheLoadedModules) {
  EXPECT_THAT([&] { (void)PlanDeviceNodes(host_, kernel_, {.modeset = false, .uvm = true}); },
              ThrowsMessage<Error>(HasSubstr("lists no nvidia-uvm")));
  tree_.File("proc/driver/nvidia/gpus/0000:18:00.0/information", "Device Minor: \t 1\n")
      .File("proc/driver/nvidia/gpus/0000:2a:00.0/information", "Device Minor: \t 0\n");
  const auto nodes = PlanDeviceNodes(host_, kernel_, {.modeset = false, .uvm = false});
  EXPECT_THAT(nodes, ElementsAre(DeviceNode{"nvidia0", 195, 0}, DeviceNode{"nvidia1", 195, 1},
                                 DeviceNode{"nvidiactl", 195, 255}));
  tree_.File("proc/driver/nvidia/gpus/0000:2a:00.0/information", "Model: broken\n");
  EXPECT_THAT([&] { (void)PlanDeviceNodes(host_, kernel_, {.modeset = false, .uvm = false}); },
              ThrowsMessage<Error>(HasSubstr("has no \"Device Minor\"")));
}

TEST_F(AgentTest, DeviceNodeLinksAreReplacedNotDuplicated) {
  artifact::testing::WriteFile(host_root_ / "dev/nvidiactl", "stale regular file");
  tree_.Symlink("dev/char/195:255", "../somewhere-else");
  CreateDeviceNodes(host_, kernel_, {{"nvidiactl", 195, 255}});
  CreateDeviceNodes(host_, kernel_, {{"nvidiactl", 195, 255}});
  EXPECT_EQ(HostFile("dev/nvidiactl"), "SIMULATED character device 195:255\n");
  EXPECT_EQ(fs::read_symlink(host_root_ / "dev/char/195:255"), "../nvidiactl");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(host_root_ / "dev/char")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1) << "no temporary link left behind";
}

}  // namespace
}  // namespace gpuext::nodeagent::agenttest
