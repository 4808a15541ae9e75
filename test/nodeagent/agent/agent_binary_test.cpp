// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The gpu-node-agent binary: `run --kernel-backend=simulated --once` over a SIMULATED host with
// a filesystem source, the exec probes, and the sub-command dispatch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent_fixture.h"
#include "gpuext/nodeagent/driver_root.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::agenttest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AgentBinaryTest : public AgentTest {
 protected:
  static std::string Binary() {
    return (fs::path(GPUEXT_BINARY_DIR) / "bin/gpu-node-agent").string();
  }

  gpuext::testing::ProcessResult Agent(std::vector<std::string> args) {
    EXPECT_TRUE(fs::exists(Binary())) << Binary() << " missing: build target gpu-node-agent";
    args.insert(args.begin(), Binary());
    return gpuext::testing::RunProcess(args, {.env = {"NODE_NAME="}});
  }

  std::string WriteConfig() {
    const fs::path path = dir_.path() / "config.yaml";
    // JSON is YAML; the ConfigMap carries what ToJson writes.
    artifact::testing::WriteFile(path, gpuruntime::api::ToJson(config_).dump(2));
    return path.string();
  }

  std::string Heartbeat() const {
    return (host_root_ / "run/nvidia/gpu-node-agent/heartbeat").string();
  }
};

TEST_F(AgentBinaryTest, RunOnceInstallsWithTheSimulatedBackend) {
  PublishGoodDriver();
  const auto r =
      Agent({"run", "--config=" + WriteConfig(), "--kernel-backend=simulated",
             "--host-root=" + host_root_.string(), "--no-report", "--once",
             "--scratch-dir=" + (dir_.path() / "bin-scratch").string(), "--log-format=text"});
  EXPECT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("Ready DriverLoaded: SIMULATED driver 580.95.05"));
  EXPECT_THAT(r.stderr_text, HasSubstr("DriverLoadedSimulated"));
  EXPECT_EQ(ActiveDriverTree(host_), kAgentTree);
  EXPECT_EQ(HostFile("sys/module/nvidia/version"), "580.95.05\n");
  EXPECT_EQ(ReadStatusFile(host_.StatusFile())->phase, Phase::kReady);
}

TEST_F(AgentBinaryTest, BadFlagsAreAllListedWithExitTwo) {
  const auto r = Agent({"run", "--kernel-backend=magic", "--frobnicate=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.stderr_text, HasSubstr("unknown flag --frobnicate"));
  EXPECT_THAT(r.stderr_text, HasSubstr("--kernel-backend must be real or simulated"));
  EXPECT_THAT(r.stderr_text, HasSubstr("NODE_NAME is not set"));
  EXPECT_EQ(Agent({"dance"}).exit_code, 2);
  EXPECT_EQ(Agent({}).exit_code, 2);
}

TEST_F(AgentBinaryTest, ProbesReadTheHeartbeatAndStatusFiles) {
  const std::string root = "--host-root=" + host_root_.string();
  auto r = Agent({"probe", "live", root});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("has not started"));

  artifact::testing::WriteFile(Heartbeat(), FormatRfc3339(std::chrono::system_clock::now()) + "\n");
  EXPECT_EQ(Agent({"probe", "live", root}).exit_code, 0);
  r = Agent({"probe", "ready", root});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("status.json does not exist"));

  StatusWriter(host_.StatusFile(), clock_).Write({.phase = Phase::kDownloading, .message = "x"});
  r = Agent({"probe", "ready", root});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("Downloading: x"));

  artifact::testing::WriteFile(
      Heartbeat(),
      FormatRfc3339(std::chrono::system_clock::now() - std::chrono::minutes(10)) + "\n");
  r = Agent({"probe", "live", root});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("stuck"));
  EXPECT_EQ(Agent({"probe", "sideways", root}).exit_code, 2);
}

TEST_F(AgentBinaryTest, BuildIsTheBuildersEntryPoint) {
  const auto r = Agent({"build"});
  EXPECT_EQ(r.exit_code, 2) << "bad flags";
  EXPECT_THAT(r.stderr_text, HasSubstr("--key"));
}

// The builder Job's init container copies the bundle into the shared emptyDir.
TEST_F(AgentBinaryTest, CopyBundleCopiesTheTreeWithModesAndLinks) {
  const fs::path bundle = dir_.path() / "bundle";
  fs::create_directories(bundle / "bin");
  artifact::testing::WriteFile(bundle / "bin/tool", "#!/bin/sh\n");
  fs::permissions(bundle / "bin/tool", fs::perms(0755));
  fs::create_symlink("tool", bundle / "bin/alias");
  const fs::path to = dir_.path() / "shared";

  const auto r = Agent({"copy-bundle", "--from=" + bundle.string(), "--to=" + to.string()});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(fs::status(to / "bin/tool").permissions() & fs::perms::all, fs::perms(0755));
  ASSERT_TRUE(fs::is_symlink(to / "bin/alias"));
  EXPECT_EQ(fs::read_symlink(to / "bin/alias"), "tool");

  const auto bad = Agent({"copy-bundle", "--to=" + to.string(), "--frm=x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.stderr_text, HasSubstr("unknown flag \"--frm=x\""));
  EXPECT_THAT(bad.stderr_text, HasSubstr("--from: required"));
}

}  // namespace
}  // namespace gpuext::nodeagent::agenttest
