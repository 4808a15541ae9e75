// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// KubeNodeReporter against the in-process kube-emulator over real TLS: the agent, running over
// a SIMULATED host, sets the readiness label, the GPUDriverReady condition on nodes/status and
// the DriverReady / DriverRefused events, as `kubectl describe node` would show them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent_fixture.h"
#include "gpuext/emulator/server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"

namespace gpuext::nodeagent::agenttest {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kAgentNode = "shoot-gpu-h100-z1-5d8f9-abcde";

class AgentEmulatorTest : public AgentTest {
 protected:
  void SetUp() override {
    server_.Start();
    client_ = std::make_unique<kube::HttpClient>(
        kube::ParseKubeconfig(server_.Kubeconfig(), dir_.path() / "kubeconfig"),
        kube::HttpClientOptions{.component = "agent-test"});
    client_->Create(
        KubeNodeReporter::kNodes,
        {{"apiVersion", "v1"},
         {"kind", "Node"},
         {"metadata",
          {{"name", kAgentNode}, {"labels", {{"worker.gardener.cloud/pool", "gpu-h100"}}}}},
         {"status",
          {{"conditions", json::array({{{"type", "Ready"},
                                        {"status", "True"},
                                        {"reason", "KubeletReady"},
                                        {"message", "kubelet is posting ready status"}}})}}}});
    reporter_kube_ = std::make_unique<KubeNodeReporter>(
        *client_, KubeNodeReporterOptions{.node_name = kAgentNode}, clock_);
    reporter_override_ = reporter_kube_.get();
  }

  void TearDown() override {
    reporter_kube_.reset();
    client_.reset();  // closes its keep-alive connections, so Stop does not wait for them
    server_.Stop();
  }

  json Node() { return client_->Get(KubeNodeReporter::kNodes, {"", kAgentNode}).value(); }

  json Condition(const std::string& type) {
    for (const json& c : Node().value("/status/conditions"_json_pointer, json::array())) {
      if (c.value("type", "") == type) {
        return c;
      }
    }
    return nullptr;
  }

  std::vector<json> Events(const std::string& reason) {
    EXPECT_TRUE(reporter_kube_->FlushEvents(std::chrono::seconds(10)));
    std::vector<json> out;
    const json list = client_->List(kube::EventRecorder::kEvents, {.ns = "default"});
    for (const json& e : list.value("items", json::array())) {
      if (e.value("reason", "") == reason) {
        out.push_back(e);
      }
    }
    return out;
  }

  emulator::Server server_{{.listen = "127.0.0.1:0"}, Logger::Root().WithName("emulator")};
  std::unique_ptr<kube::HttpClient> client_;
  std::unique_ptr<KubeNodeReporter> reporter_kube_;
};

TEST_F(AgentEmulatorTest, ReadyNodeGetsLabelConditionAndEvent) {
  config_.device_labels = {{"nvidia.com/device-plugin.config", "pool-gpu-h100"}};
  PublishGoodDriver();
  const AgentOutcome o = MakeAgent()->RunOnce({});
  ASSERT_EQ(o.phase, Phase::kReady) << o.message;

  const json node = Node();
  EXPECT_EQ(node["metadata"]["labels"].value(std::string(kDriverReadyLabel), ""), kAgentVersion);
  EXPECT_EQ(node["metadata"]["labels"].value("nvidia.com/device-plugin.config", ""),
            "pool-gpu-h100");
  EXPECT_EQ(node["metadata"]["labels"].value("worker.gardener.cloud/pool", ""), "gpu-h100");
  const json condition = Condition("GPUDriverReady");
  ASSERT_TRUE(condition.is_object()) << Node().dump();
  EXPECT_EQ(condition["status"], "True");
  EXPECT_EQ(condition["reason"], "DriverLoaded");
  EXPECT_THAT(condition["message"].get<std::string>(), HasSubstr("driver 580.95.05"));
  EXPECT_EQ(condition["lastTransitionTime"], "2026-01-01T00:00:00Z");
  // kubelet's own condition survived the strategic merge patch.
  EXPECT_EQ(Condition("Ready")["reason"], "KubeletReady");
  const auto events = Events("DriverReady");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "Normal");
  EXPECT_EQ(events[0]["involvedObject"]["name"], kAgentNode);
  EXPECT_EQ(events[0]["involvedObject"]["kind"], "Node");
}

TEST_F(AgentEmulatorTest, RefusalRemovesTheLabelAndWarns) {
  PublishGoodDriver();
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  clock_.Advance(std::chrono::minutes(1));
  const artifact::SigningKey stranger = artifact::SigningKey::Generate();
  config_.driver.version = "580.105.08";
  Publish(remote_, KernelKey("580.105.08"), KernelPartTree("580.105.08"), &stranger);

  const AgentOutcome o = MakeAgent()->RunOnce({});
  ASSERT_EQ(o.reason, "UnknownKey") << o.message;
  const json node = Node();
  EXPECT_FALSE(node["metadata"]["labels"].contains(std::string(kDriverReadyLabel)));
  const json condition = Condition("GPUDriverReady");
  EXPECT_EQ(condition["status"], "False");
  EXPECT_EQ(condition["reason"], "UnknownKey");
  EXPECT_EQ(condition["lastTransitionTime"], "2026-01-01T00:01:00Z");
  const auto events = Events("DriverRefused");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "Warning");
  EXPECT_THAT(events[0]["message"].get<std::string>(), HasSubstr(stranger.KeyId()));
}

TEST_F(AgentEmulatorTest, ConditionMessageIsRewrittenAtMostEvery15Seconds) {
  KubeNodeReporter& r = *reporter_kube_;
  const auto progress = [&](const std::string& message) {
    r.Report({.phase = Phase::kDownloading,
              .status = ConditionStatus::kUnknown,
              .reason = "Downloading",
              .message = message});
  };
  progress("10 of 300 MB");
  clock_.Advance(std::chrono::seconds(5));
  progress("100 of 300 MB");
  EXPECT_EQ(Condition("GPUDriverReady")["message"], "10 of 300 MB");
  clock_.Advance(std::chrono::seconds(10));
  progress("200 of 300 MB");
  EXPECT_EQ(Condition("GPUDriverReady")["message"], "200 of 300 MB");
  // A phase change is written at once.
  r.Report({.phase = Phase::kVerifying,
            .status = ConditionStatus::kUnknown,
            .reason = "Verifying",
            .message = "verifying"});
  EXPECT_EQ(Condition("GPUDriverReady")["reason"], "Verifying");
}

}  // namespace
}  // namespace gpuext::nodeagent::agenttest
