// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// What the controllers put into a shoot, applied to the kube-emulator playing that shoot: the
// generated CRDs (charts/internal/*/crds) must be accepted, and every rendered object, our
// NodeFeatureRules included, must pass the emulator's validation against them (issue 8,
// "Tests"). The emulator's Load applies CRDs first, then Namespaces, then the rest, and throws
// naming the file and document it rejects.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../plan/plan_test_util.h"
#include "gpuext/emulator/server.h"
#include "gpuext/gpu/chart_values.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpu/node_config.h"
#include "gpuext/gpu/shoot_charts.h"
#include "gpuext/gpu/shoot_plan.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/testing/process.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpu::e2e {
namespace {

using nlohmann::json;

// Every chart the Extension and its ContainerRuntimes render for `plan`, as files in `dir`.
size_t WriteShootObjects(const ShootPlan& plan, const std::filesystem::path& dir) {
  const ShootCharts& charts = ShootCharts::Embedded();
  const auto& component = testing::Component();
  const std::string& kube = plan.kubernetes_version;
  const std::string ops(kOperatorNamespace);
  const std::string agents(kAgentNamespace);
  std::vector<std::pair<std::string, RenderedChart>> rendered = {
      {"nfd", charts.Render(kNfdChart, NfdChartValues(plan), ops, kube)},
      {"operator", charts.Render(kOperatorChart, OperatorChartValues(plan), ops, kube)},
      {"shared", charts.Render(kSharedChart, SharedChartValues(plan), agents, kube)},
      {"cache",
       charts.Render(kDriverCacheChart, DriverCacheChartValues(plan, component, "shoot--dev--gpu1"),
                     std::string(kCacheNamespace), kube)},
      {"agent-shared",
       charts.Render(kNodeAgentChart, AgentSharedChartValues(component.images.node_agent, "CA PEM"),
                     agents, kube)}};
  for (const auto& pool : plan.pools) {
    rendered.emplace_back(
        "agent-" + pool.name,
        charts.Render(kNodeAgentChart,
                      AgentPoolChartValues(component.images.node_agent, pool.name,
                                           {{"worker.gardener.cloud/pool", pool.name}},
                                           BuildAgentConfiguration(pool, plan, {}), plan.cache),
                      agents, kube));
  }
  size_t documents = 0;
  for (const auto& [name, chart] : rendered) {
    std::ofstream(dir / (name + "-crds.yaml")) << chart.crds;
    std::ofstream(dir / (name + ".yaml")) << chart.objects;
    documents += ParseYamlDocuments(chart.crds).size() + ParseYamlDocuments(chart.objects).size();
  }
  std::ofstream rules(dir / "nodefeaturerules.yaml");
  for (const json& rule : ShootNodeFeatureRules()) {
    rules << "---\n" << ToYaml(rule);
    ++documents;
  }
  return documents;
}

TEST(ShootObjectsEmulatorTest, CrdsAreAcceptedAndEveryRenderedObjectValidates) {
  const std::vector<json> configs = {
      nullptr, testing::GpuConfigDoc({{"mig", {{"strategy", "mixed"}}},
                                      {"sharing", {{"timeSlicing", {{"replicas", 4}}}}},
                                      {"driver", {{"peermem", true}}}})};
  for (const json& config : configs) {
    SCOPED_TRACE(config.dump());
    gpuext::testing::TempDir dir;
    const ShootPlan plan =
        PlanShoot(testing::ClusterFor(testing::GpuShoot(config)), testing::Component());
    const size_t documents = WriteShootObjects(plan, dir.path());
    ASSERT_GT(documents, 40u);

    emulator::Server shoot(emulator::ServerOptions{.listen = "127.0.0.1:0"},
                           Logger::Root().WithName("shoot"));
    shoot.Start();
    ASSERT_NO_THROW(shoot.Load(dir.path()));

    // Spot checks that the objects really landed, custom resources included.
    const std::filesystem::path kubeconfig = dir.path() / "kubeconfig";
    shoot.WriteKubeconfig(kubeconfig);
    kube::HttpClient client(kube::ParseKubeconfig(shoot.Kubeconfig(), kubeconfig));
    const kube::Resource policies{"nvidia.com", "v1", "clusterpolicies", false};
    const kube::Resource rules{"nfd.k8s-sigs.io", "v1alpha1", "nodefeaturerules", false};
    const kube::Resource daemonsets{"apps", "v1", "daemonsets", true};
    EXPECT_EQ(client.List(policies, {})["items"].size(), 1u);
    EXPECT_EQ(client.List(rules, {})["items"].size(), ShootNodeFeatureRules().size());
    EXPECT_TRUE(client.Get(daemonsets, {std::string(kAgentNamespace), "gpu-node-agent-gpu-a"}));
    shoot.Stop();
  }
}

}  // namespace
}  // namespace gpuext::gpu::e2e
