// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// `gpu explain <node>` against the in-process kube-emulator: the condition, the agent's Events
// (written by the real KubeNodeReporter / EventRecorder), the GPU labels and the hint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_status_fixture.h"

namespace gpuext::cli::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class CliExplainTest : public CliStatusTest {};

TEST_F(CliExplainTest, RefusedNodeShowsConditionEventsLabelsAndSignatureHint) {
  AddNode("a-2", "gpu-a",
          {{"gpu.extensions.gardener.cloud/nvidia.present", "true"},
           {"gpu.extensions.gardener.cloud/kernel-release", "6.12.72-cloud-amd64"},
           {"unrelated.example/label", "x"}});
  ReportRefused("a-2");
  FlushEvents();
  const CliRun run = Gpu({"explain", "a-2"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Phase:     Failed (BadSignature)"));
  EXPECT_THAT(run.out, HasSubstr("GPUDriverReady=False since "));
  EXPECT_THAT(run.out, HasSubstr("Message:   manifest signature does not verify"));
  EXPECT_THAT(run.out, HasSubstr("gpu.extensions.gardener.cloud/nvidia.present=true"));
  EXPECT_THAT(run.out, HasSubstr("worker.gardener.cloud/pool=gpu-a"));
  EXPECT_THAT(run.out, Not(HasSubstr("unrelated.example")));
  const std::string event = CliLineWith(run.out, "DriverRefused");
  EXPECT_THAT(event, HasSubstr("Warning"));
  EXPECT_THAT(event, HasSubstr("BadSignature: manifest signature"));
  EXPECT_THAT(CliLineWith(run.out, "Next step:"), HasSubstr("--public-key"));
}

TEST_F(CliExplainTest, JsonCarriesConditionEventsAndHint) {
  AddNode("a-1", "gpu-a", {{"gpu.extensions.gardener.cloud/nvidia.present", "true"}});
  ReportReady("a-1");
  FlushEvents();
  const CliRun run = Gpu({"explain", "a-1", "-o", "json"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  const json out = json::parse(run.out);
  EXPECT_EQ(out["node"], "a-1");
  EXPECT_EQ(out["phase"], "Ready");
  EXPECT_EQ(out["ready"], true);
  EXPECT_EQ(out["driverVersion"], "580.95.05");
  EXPECT_EQ(out["condition"]["reason"], "DriverLoaded");
  EXPECT_FALSE(out["condition"]["lastTransitionTime"].get<std::string>().empty());
  EXPECT_EQ(out["labels"]["gpu.extensions.gardener.cloud/driver-ready"], "580.95.05");
  ASSERT_EQ(out["events"].size(), 1U) << out.dump(2);
  EXPECT_EQ(out["events"][0]["reason"], "DriverReady");
  EXPECT_EQ(out["events"][0]["type"], "Normal");
  EXPECT_EQ(out["events"][0]["count"], 1);
  EXPECT_THAT(out["hint"].get<std::string>(), HasSubstr("nothing to do"));
}

TEST_F(CliExplainTest, WaitingForBuildPointsAtTheBuildJob) {
  AddNode("a-1", "gpu-a", {{"gpu.extensions.gardener.cloud/nvidia.present", "true"}});
  Agent("a-1").Report({.phase = nodeagent::Phase::kWaitingForBuild,
                       .status = nodeagent::ConditionStatus::kUnknown,
                       .reason = "WaitingForBuildSimulated",
                       .message = "shoot--p--s/build-6f1c builds kernel/580.95.05/..."});
  const CliRun run = Gpu({"explain", "a-1"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("WaitingForBuild (WaitingForBuildSimulated)"));
  EXPECT_THAT(CliLineWith(run.out, "Next step:"), HasSubstr("gpu-driver-builder"));
}

TEST_F(CliExplainTest, NodeWithoutAgentNamesTheDaemonSet) {
  AddNode("b-1", "gpu-b", {{"nvidia.com/gpu.present", "true"}});
  const CliRun run = Gpu({"explain", "b-1"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("GPUDriverReady not set"));
  EXPECT_THAT(run.out, HasSubstr("gpu-node-agent-gpu-b"));
}

TEST_F(CliExplainTest, UnknownNodeIsAnErrorAndMissingNameIsUsage) {
  CliRun run = Gpu({"explain", "nope"});
  EXPECT_EQ(run.exit_code, kExitError);
  EXPECT_THAT(run.err, HasSubstr("node nope not found"));
  run = Gpu({"explain"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("exactly one node name"));
}

}  // namespace
}  // namespace gpuext::cli::testing
