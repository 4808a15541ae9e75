// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The Extension's health conditions after a real reconcile: SystemComponentsHealthy from our
// ManagedResources as resource-manager reports them, EveryNodeReady from the shoot's nodes as the
// node agents leave them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "flow_fixture.h"
#include "gpuext/gardener/health_check.h"
#include "gpuext/gpu/health_checks.h"
#include "gpuext/gpu/shoot_access.h"

namespace gpuext::gpu::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class GpuHealthFlowTest : public GpuFlowTest {
 protected:
  json Conditions() {
    std::vector<gardener::ConditionChecks> checks;
    checks.push_back({"SystemComponentsHealthy", {}});
    checks.back().checks.push_back(
        std::make_unique<ManagedResourcesHealthy>(ExtensionHealthManagedResources));
    checks.push_back({"EveryNodeReady", {}});
    checks.back().checks.push_back(
        std::make_unique<GpuNodesReady>(Component(), [this](kube::Client&, const std::string&) {
          return std::make_unique<BorrowedClient>(shoot_);
        }));
    gardener::HealthCheckReconciler health(gardener::ExtensionKind::Extension("nvidia-gpu"), seed_,
                                           std::move(checks), {.clock = &clock_});
    const kube::ReconcileContext ctx{
        .stop = {}, .log = Logger::Root(), .clock = clock_, .reconcile_id = "h"};
    (void)health.Reconcile(ctx, {kSeedNs, "nvidia-gpu"});
    const json ext = Extension();
    EXPECT_TRUE(ext["status"].contains("conditions")) << ext["status"].dump();
    json by_type = json::object();
    for (const json& c : ext["status"]["conditions"]) {
      by_type[c["type"].get<std::string>()] = c;
    }
    return by_type;
  }
};

TEST_F(GpuHealthFlowTest, ConditionsFollowManagedResourcesAndTheNodesDrivers) {
  ReconcileShoot(GpuShoot());
  // The access Secret for the shoot token exists for resource-manager's token requestor.
  const auto access =
      seed_.Get(gardener::kSecretsResource, {kSeedNs, std::string(kShootAccessSecret)});
  ASSERT_TRUE(access.has_value());
  EXPECT_EQ(access.value()["metadata"]["labels"]["resources.gardener.cloud/purpose"],
            "token-requestor");

  PutNode(GpuNode("a1", "gpu-a", "Ready"));
  PutNode(GpuNode("a2", "gpu-a", "WaitingForBuild"));
  PutNode(GpuNode("b1", "gpu-b", "Ready"));
  json conditions = Conditions();
  // Nothing runs the workloads here, so resource-manager reports them unready.
  EXPECT_EQ(conditions["SystemComponentsHealthy"]["status"], "False");
  EXPECT_THAT(conditions["SystemComponentsHealthy"]["message"].get<std::string>(),
              HasSubstr("ManagedResource extension-gpu-operator"));
  EXPECT_EQ(conditions["EveryNodeReady"]["status"], "Progressing");
  EXPECT_THAT(conditions["EveryNodeReady"]["message"].get<std::string>(),
              HasSubstr("2/3 GPU nodes ready, 1 waiting for driver 580.95.05 build for "
                        "6.12.72-cloud-amd64"));

  // The build finishes.
  PutNode(GpuNode("a2", "gpu-a", "Ready"));
  conditions = Conditions();
  EXPECT_EQ(conditions["EveryNodeReady"]["status"], "True");
}

}  // namespace
}  // namespace gpuext::gpu::testing
