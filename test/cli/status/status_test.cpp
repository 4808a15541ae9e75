// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// `gpu status` against the in-process kube-emulator with Nodes the agent's KubeNodeReporter
// reported on: grouping by pool, table alignment, JSON fields, colour and exit codes.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_status_fixture.h"

namespace gpuext::cli::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class CliStatusCommandTest : public CliStatusTest {
 protected:
  // gpu-a: one ready node and one refused; gpu-b: a GPU node without an agent; cpu: a node
  // without GPU labels and one whose agent found no GPU.
  void AddShoot() {
    AddNode("a-1", "gpu-a", {{"gpu.extensions.gardener.cloud/nvidia.present", "true"}});
    AddNode("a-2", "gpu-a", {{"gpu.extensions.gardener.cloud/nvidia.present", "true"}});
    AddNode("b-1", "gpu-b", {{"feature.node.kubernetes.io/pci-10de.present", "true"}});
    AddNode("cpu-1", "cpu");
    AddNode("cpu-2", "cpu");
    ReportReady("a-1");
    ReportRefused("a-2");
    Agent("cpu-2").Report({.phase = nodeagent::Phase::kNoGpu,
                           .status = nodeagent::ConditionStatus::kFalse,
                           .reason = "NoGPU",
                           .message = "no NVIDIA GPU found"});
  }
};

TEST_F(CliStatusCommandTest, TableGroupsGpuNodesByPoolAndExitsThreeWhileOneIsNotReady) {
  AddShoot();
  const CliRun run = Gpu({"status"});
  EXPECT_EQ(run.exit_code, kExitNotReady) << run.err;
  const std::string header = CliLineWith(run.out, "POOL");
  const std::string pool_a = CliLineWith(run.out, "gpu-a   ");
  ASSERT_FALSE(header.empty()) << run.out;
  ASSERT_FALSE(pool_a.empty()) << run.out;
  // Aligned columns: values start where their headers do.
  EXPECT_EQ(pool_a.find("580.95.05"), header.find("DRIVER")) << run.out;
  EXPECT_EQ(pool_a.find("1/2"), header.find("READY")) << run.out;
  EXPECT_THAT(CliLineWith(run.out, "gpu-b   "), HasSubstr("0/1"));
  EXPECT_THAT(CliLineWith(run.out, "a-1 "), HasSubstr("Ready (DriverLoaded)"));
  const std::string a2 = CliLineWith(run.out, "a-2 ");
  EXPECT_THAT(a2, HasSubstr("Failed (BadSignature)"));
  EXPECT_THAT(a2, HasSubstr("manifest signature does not verify"));
  EXPECT_THAT(CliLineWith(run.out, "b-1 "), HasSubstr("no agent"));
  EXPECT_THAT(run.out, Not(HasSubstr("cpu")));
  EXPECT_THAT(run.out, Not(HasSubstr("\x1b[")));  // no colour without a TTY
}

TEST_F(CliStatusCommandTest, JsonHasStableFieldsForScripts) {
  AddShoot();
  const CliRun run = Gpu({"status", "-o", "json"});
  EXPECT_EQ(run.exit_code, kExitNotReady) << run.err;
  const json out = json::parse(run.out);
  EXPECT_EQ(out["ready"], false);
  ASSERT_EQ(out["pools"].size(), 2U) << out.dump(2);
  const json& a = out["pools"][0];
  EXPECT_EQ(a["name"], "gpu-a");
  EXPECT_EQ(a["driverVersions"], json::array({"580.95.05"}));
  EXPECT_EQ(a["readyNodes"], 1);
  EXPECT_EQ(a["totalNodes"], 2);
  EXPECT_EQ(a["nodes"][0]["name"], "a-1");
  EXPECT_EQ(a["nodes"][0]["phase"], "Ready");
  EXPECT_EQ(a["nodes"][0]["ready"], true);
  EXPECT_EQ(a["nodes"][0]["driverVersion"], "580.95.05");
  EXPECT_EQ(a["nodes"][0]["kernelRelease"], "6.12.72-cloud-amd64");
  EXPECT_EQ(a["nodes"][1]["phase"], "Failed");
  EXPECT_EQ(a["nodes"][1]["condition"]["status"], "False");
  EXPECT_EQ(a["nodes"][1]["condition"]["reason"], "BadSignature");
  EXPECT_FALSE(a["nodes"][1]["condition"]["lastTransitionTime"].get<std::string>().empty());
  EXPECT_EQ(a["nodes"][1]["lastError"], "manifest signature does not verify with the trusted keys");
  const json& b = out["pools"][1];
  EXPECT_EQ(b["name"], "gpu-b");
  EXPECT_EQ(b["nodes"][0]["phase"], "NoAgent");
  EXPECT_EQ(b["nodes"][0]["agent"], false);
}

TEST_F(CliStatusCommandTest, YamlCarriesTheSameFields) {
  AddShoot();
  const CliRun run = Gpu({"status", "-o", "yaml"});
  EXPECT_EQ(run.exit_code, kExitNotReady) << run.err;
  EXPECT_THAT(run.out, HasSubstr("readyNodes: 1"));
  EXPECT_THAT(run.out, HasSubstr("name: gpu-a"));
}

TEST_F(CliStatusCommandTest, ExitsZeroWhenEveryGpuNodeIsReady) {
  AddNode("a-1", "gpu-a", {{"gpu.extensions.gardener.cloud/nvidia.present", "true"}});
  AddNode("cpu-1", "cpu");
  ReportReady("a-1");
  const CliRun run = Gpu({"status"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.out << run.err;
  EXPECT_THAT(CliLineWith(run.out, "gpu-a   "), HasSubstr("1/1"));
}

TEST_F(CliStatusCommandTest, InProgressPhaseIsNotReady) {
  AddNode("a-1", "gpu-a", {{"gpu.extensions.gardener.cloud/nvidia.present", "true"}});
  Agent("a-1").Report({.phase = nodeagent::Phase::kDownloading,
                       .status = nodeagent::ConditionStatus::kUnknown,
                       .reason = "Downloading",
                       .message = "kernel part 10 of 20 MiB"});
  const CliRun run = Gpu({"status"});
  EXPECT_EQ(run.exit_code, kExitNotReady);
  EXPECT_THAT(CliLineWith(run.out, "a-1 "), HasSubstr("Downloading"));
}

TEST_F(CliStatusCommandTest, NoGpuNodesIsSaidAndReady) {
  AddNode("cpu-1", "cpu");
  const CliRun run = Gpu({"status"});
  EXPECT_EQ(run.exit_code, kExitOk);
  EXPECT_THAT(run.out, HasSubstr("No GPU nodes found."));
}

TEST_F(CliStatusCommandTest, ColourOnlyWhenAsked) {
  AddShoot();
  const CliRun run = Gpu({"status"}, /*colour=*/true);
  EXPECT_THAT(run.out, HasSubstr("\x1b[32mReady (DriverLoaded)\x1b[0m"));
  EXPECT_THAT(run.out, HasSubstr("\x1b[31mFailed (BadSignature)\x1b[0m"));
  // Colour codes do not shift the columns.
  const std::string header = CliLineWith(run.out, "NODE");
  const std::string a1 = CliLineWith(run.out, "a-1 ");
  EXPECT_EQ(a1.find("gpu-a"), header.find("POOL"));
}

TEST_F(CliStatusCommandTest, UsageErrorsExitTwoAndNameTheProblem) {
  CliRun run = Gpu({"status", "--bogus"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("--bogus"));
  EXPECT_THAT(run.err, HasSubstr("usage: gpu status"));
  run = Gpu({"status", "-o", "xml"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("use table, json or yaml"));
  run = Gpu({"frobnicate"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("unknown command \"frobnicate\""));
}

TEST_F(CliStatusCommandTest, HelpListsCommandsAndExitCodes) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunGpu({"--help"}, {.out = out, .err = err}), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("3  not ready"));
  EXPECT_THAT(out.str(), HasSubstr("cache prebuild"));
  std::ostringstream status_help;
  EXPECT_EQ(RunGpu({"status", "--help"}, {.out = status_help, .err = err}), kExitOk);
  EXPECT_THAT(status_help.str(), HasSubstr("--kubeconfig"));
  EXPECT_THAT(status_help.str(), HasSubstr("--output"));
}

TEST_F(CliStatusCommandTest, UnreachableApiIsAnErrorExitOne) {
  const auto bad = dir_.path() / "bad-kubeconfig";
  {
    std::ofstream f(bad);
    f << "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
         "https://127.0.0.1:"
      << gpuext::testing::FreeLoopbackPort()
      << "\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\n"
         "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n";
  }
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunGpu({"status", "--kubeconfig", bad.string()}, {.out = out, .err = err}), kExitError);
  EXPECT_THAT(err.str(), HasSubstr("error: "));
}

}  // namespace
}  // namespace gpuext::cli::testing
