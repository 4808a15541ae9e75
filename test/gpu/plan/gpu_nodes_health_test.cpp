// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/gpu/health_checks.h"
#include "plan_test_util.h"

namespace gpuext::gpu {
namespace {

using gardener::HealthStatus;
using nlohmann::json;
using testing::ClusterFor;
using testing::Component;
using testing::GpuShoot;
using namespace std::chrono_literals;

// A node of `pool` as the node agent leaves it: condition GPUDriverReady with `reason`,
// the driver-ready label when `label` is set, nvidia.com/gpu allocatable when `gpus`.
json Node(const std::string& name, const std::string& pool, const std::string& status,
          const std::string& reason, const std::string& label = "", bool gpus = false) {
  json node = {{"metadata", {{"name", name}, {"labels", {{"worker.gardener.cloud/pool", pool}}}}},
               {"status",
                {{"nodeInfo", {{"kernelVersion", "6.12.72-cloud-amd64"}}},
                 {"allocatable", {{"cpu", "8"}}},
                 {"conditions", json::array()}}}};
  if (!status.empty()) {
    node["status"]["conditions"].push_back(
        {{"type", "GPUDriverReady"}, {"status", status}, {"reason", reason}, {"message", "m"}});
  }
  if (!label.empty()) {
    node["metadata"]["labels"]["gpu.extensions.gardener.cloud/driver-ready"] = label;
  }
  if (gpus) {
    node["status"]["allocatable"]["nvidia.com/gpu"] = "8";
  }
  return node;
}

class GpuNodesHealthTest : public ::testing::Test {
 protected:
  ShootPlan plan_ = PlanShoot(ClusterFor(GpuShoot()), Component());
};

TEST_F(GpuNodesHealthTest, AllGpuNodesReadyIsHealthyAndCpuNodesDoNotCount) {
  const auto result = EvaluateGpuNodes(
      plan_,
      {Node("a1", "gpu-a", "True", "Ready", "580.95.05", true),
       Node("b1", "gpu-b", "True", "Ready", "580.95.05", true), Node("c1", "cpu", "", "")},
      30min);
  EXPECT_EQ(result.status, HealthStatus::kHealthy);
  EXPECT_EQ(result.detail, "2/2 GPU nodes ready");
}

TEST_F(GpuNodesHealthTest, BuildingAndDownloadingNodesAreProgressingWithACountingMessage) {
  const auto result =
      EvaluateGpuNodes(plan_,
                       {Node("a1", "gpu-a", "True", "Ready", "580.95.05", true),
                        Node("a2", "gpu-a", "False", "WaitingForBuild"),
                        Node("a3", "gpu-a", "False", "WaitingForBuildSimulated"),
                        Node("b1", "gpu-b", "False", "Downloading"), Node("b2", "gpu-b", "", "")},
                       30min);
  EXPECT_EQ(result.status, HealthStatus::kProgressing);
  EXPECT_EQ(result.detail,
            "1/5 GPU nodes ready, 1 downloading driver 580.95.05, 2 waiting for driver 580.95.05 "
            "build for 6.12.72-cloud-amd64, 1 waiting for the node agent");
  EXPECT_EQ(result.progressing_threshold, 30min);
}

TEST_F(GpuNodesHealthTest, ARefusedDriverIsUnhealthyAtOnce) {
  const auto result = EvaluateGpuNodes(
      plan_, {Node("a1", "gpu-a", "False", "Failed"), Node("a2", "gpu-a", "False", "Installing")},
      30min);
  EXPECT_EQ(result.status, HealthStatus::kUnhealthy);
  EXPECT_EQ(result.detail,
            "0/2 GPU nodes ready, 1 installing driver 580.95.05, node a1 failed (Failed: m)");
}

TEST_F(GpuNodesHealthTest, AnOldDriverOrNoAllocatableGpuIsNotReadyYet) {
  const auto result = EvaluateGpuNodes(plan_,
                                       {Node("a1", "gpu-a", "True", "Ready", "570.195.03", true),
                                        Node("a2", "gpu-a", "True", "Ready", "580.95.05", false)},
                                       30min);
  EXPECT_EQ(result.status, HealthStatus::kProgressing);
  EXPECT_EQ(result.detail,
            "0/2 GPU nodes ready, 1 running driver 570.195.03 instead of 580.95.05, 1 waiting for "
            "the device plugin to offer nvidia.com/gpu");
}

TEST_F(GpuNodesHealthTest, NoGpuNodesYetIsHealthy) {
  EXPECT_EQ(EvaluateGpuNodes(plan_, {}, 30min).status, HealthStatus::kHealthy);
}

}  // namespace
}  // namespace gpuext::gpu
