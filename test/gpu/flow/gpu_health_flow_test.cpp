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
const kube::Resource kNodes{"", "v1", "nodes", false};

// Hands the test's shoot client to the health check (which owns what the factory returns).
class BorrowedClient final : public kube::Client {
 public:
  explicit BorrowedClient(kube::Client& c) : c_(c) {}
  std::optional<json> Get(const kube::Resource& r, const kube::ObjectKey& k) override {
    return c_.Get(r, k);
  }
  json List(const kube::Resource& r, const kube::ListOptions& o) override { return c_.List(r, o); }
  json Create(const kube::Resource& r, const json& o, const kube::WriteOptions& w) override {
    return c_.Create(r, o, w);
  }
  json Update(const kube::Resource& r, const json& o, kube::Subresource s,
              const kube::WriteOptions& w) override {
    return c_.Update(r, o, s, w);
  }
  json Patch(const kube::Resource& r, const kube::ObjectKey& k, kube::PatchType t, const json& p,
             kube::Subresource s, const kube::WriteOptions& w) override {
    return c_.Patch(r, k, t, p, s, w);
  }
  void Delete(const kube::Resource& r, const kube::ObjectKey& k,
              const kube::DeleteOptions& o) override {
    c_.Delete(r, k, o);
  }
  void DeleteCollection(const kube::Resource& r, const kube::ListOptions& l,
                        const kube::DeleteOptions& o) override {
    c_.DeleteCollection(r, l, o);
  }
  std::unique_ptr<kube::WatchStream> Watch(const kube::Resource& r, const kube::ListOptions& o,
                                           std::stop_token s) override {
    return c_.Watch(r, o, s);
  }

 private:
  kube::Client& c_;
};

json GpuNode(const std::string& name, const std::string& pool, const std::string& reason) {
  const bool ready = reason == "Ready";
  json node = {{"apiVersion", "v1"},
               {"kind", "Node"},
               {"metadata", {{"name", name}, {"labels", {{"worker.gardener.cloud/pool", pool}}}}},
               {"status",
                {{"nodeInfo", {{"kernelVersion", "6.12.72-cloud-amd64"}}},
                 {"conditions",
                  {{{"type", "GPUDriverReady"},
                    {"status", ready ? "True" : "False"},
                    {"reason", reason}}}}}}};
  if (ready) {
    node["metadata"]["labels"]["gpu.extensions.gardener.cloud/driver-ready"] = "580.95.05";
    node["status"]["allocatable"] = {{"nvidia.com/gpu", "1"}};
  }
  return node;
}

class GpuHealthFlowTest : public GpuFlowTest {
 protected:
  // Creates or replaces a node, its status written through /status as the kubelet and the node
  // agent do.
  void PutNode(const json& node) {
    const std::string name = node["metadata"]["name"];
    std::optional<json> current = shoot_.Get(kNodes, {"", name});
    if (!current.has_value()) {
      current = shoot_.Create(kNodes, node);
    }
    (*current)["metadata"]["labels"] = node["metadata"]["labels"];
    current = shoot_.Update(kNodes, *current);
    (*current)["status"] = node["status"];
    shoot_.Update(kNodes, *current, kube::Subresource::kStatus);
  }

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
