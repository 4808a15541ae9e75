// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The generated objects against an API server: kube-emulator in-process, driven by the real
// kubectl (which sends fieldValidation=Strict).
//   - example/controller-registration.yaml against structural ControllerRegistration /
//     ControllerDeployment CRDs (testdata/gardener-core-crds.yaml);
//   - charts/internal/*/crds/*.yaml created like any CRD, then custom resources validated by
//     their schemas: a good NodeFeatureRule / ClusterPolicy is stored, a bad one is refused.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../generate_test_util.h"
#include "gpuext/emulator/server.h"
#include "gpuext/logger.h"

namespace gpuext::generate::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::filesystem::path kTestdata = kRepo / "test/generate/testdata";
const std::filesystem::path kNfdCrds = kRepo / "charts/internal/nfd/crds";
const std::filesystem::path kOperatorCrds = kRepo / "charts/internal/gpu-operator/crds";

class GeneratedObjectsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string missing = gpuext::testing::Tools().Check();
    ASSERT_TRUE(missing.empty()) << missing;
    server_ = std::make_unique<emulator::Server>(emulator::ServerOptions{.listen = "127.0.0.1:0"},
                                                 Logger::Root().WithName("emulator"));
    server_->Start();
    kubeconfig_ = dir_.path() / "kubeconfig";
    server_->WriteKubeconfig(kubeconfig_);
  }

  void TearDown() override {
    if (server_) {
      server_->Stop();
    }
  }

  gpuext::testing::ProcessResult Kubectl(const std::vector<std::string>& args,
                                         const std::string& stdin_text = {}) {
    std::vector<std::string> argv = {gpuext::testing::Tools().kubectl.string(), "--kubeconfig",
                                     kubeconfig_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return gpuext::testing::RunProcess(
        argv, {.env = {"KUBECACHEDIR=" + (dir_.path() / "kube-cache").string()},
               .stdin_text = stdin_text});
  }

  std::string MustKubectl(const std::vector<std::string>& args,
                          const std::string& stdin_text = {}) {
    const auto r = Kubectl(args, stdin_text);
    EXPECT_EQ(r.exit_code, 0) << "kubectl " << ::testing::PrintToString(args) << ": "
                              << r.stderr_text;
    return r.stdout_text;
  }

  json GetJson(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"get"};
    full.insert(full.end(), args.begin(), args.end());
    full.insert(full.end(), {"-o", "json"});
    const std::string out = MustKubectl(full);
    return out.empty() ? json::object() : json::parse(out);
  }

  // Creates CRDs from files with kubectl and waits until they are served.
  void CreateCrds(const std::vector<std::filesystem::path>& paths) {
    for (const auto& p : paths) {
      MustKubectl({"create", "-f", p.string()});
    }
    MustKubectl({"wait", "--for=condition=Established", "--timeout=30s", "crd", "--all"});
  }

  gpuext::testing::TempDir dir_;
  std::unique_ptr<emulator::Server> server_;
  std::filesystem::path kubeconfig_;
};

TEST_F(GeneratedObjectsTest, ControllerRegistrationAndDeploymentAreAccepted) {
  CreateCrds({kTestdata / "gardener-core-crds.yaml"});

  // Dry run first: accepted, nothing stored.
  MustKubectl({"apply", "--dry-run=server", "-f", kRegistration.string()});
  EXPECT_NE(Kubectl({"get", "controllerregistration", "gpu"}).exit_code, 0);

  EXPECT_THAT(MustKubectl({"create", "-f", kRegistration.string()}),
              HasSubstr("controllerregistration.core.gardener.cloud/gpu created"));
  const json reg = GetJson({"controllerregistration", "gpu"});
  EXPECT_EQ(reg["metadata"]["annotations"]["security.gardener.cloud/pod-security-enforce"],
            "restricted");
  EXPECT_EQ(reg["spec"]["deployment"]["deploymentRefs"], json::parse(R"([{"name": "gpu"}])"));
  EXPECT_EQ(reg["spec"]["deployment"]["policy"], "OnDemand");
  std::vector<std::string> kinds;
  for (const json& r : reg["spec"]["resources"]) {
    kinds.push_back(r["kind"].get<std::string>() + "/" + r["type"].get<std::string>());
    EXPECT_FALSE(r.contains("autoEnable")) << "the extension must not be enabled for every shoot";
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"Extension/nvidia-gpu", "ContainerRuntime/nvidia"}));
  EXPECT_EQ(reg["spec"]["resources"][0]["lifecycle"]["reconcile"], "AfterKubeAPIServer");

  // The stored ControllerDeployment still carries a chart Helm renders.
  const json deployment = GetJson({"controllerdeployment", "gpu"});
  EXPECT_EQ(deployment["apiVersion"], "core.gardener.cloud/v1");
  const auto tgz = WriteRawChart(deployment, dir_.path());
  const auto r =
      Helm({"template", "gpu", tgz.string(), "--namespace", "extension-gpu-test"}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("kind: Deployment"));
}

TEST_F(GeneratedObjectsTest, StrictSchemaRefusesARemovedRegistrationField) {
  // Proves the registration check above has teeth: `globallyEnabled` left Gardener's API.
  CreateCrds({kTestdata / "gardener-core-crds.yaml"});
  json reg = RegistrationDocument("ControllerRegistration");
  reg["spec"]["resources"][0]["globallyEnabled"] = false;
  const auto r = Kubectl({"create", "-f", "-"}, reg.dump());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("globallyEnabled"));
}

TEST_F(GeneratedObjectsTest, GeneratedCrdsAreServed) {
  CreateCrds({kNfdCrds, kOperatorCrds});
  const std::string resources = MustKubectl({"api-resources", "-o", "name"});
  for (const char* name : {"nodefeatures.nfd.k8s-sigs.io", "nodefeaturegroups.nfd.k8s-sigs.io",
                           "nodefeaturerules.nfd.k8s-sigs.io", "clusterpolicies.nvidia.com",
                           "nvidiadrivers.nvidia.com"}) {
    EXPECT_THAT(resources, HasSubstr(name));
  }
}

TEST_F(GeneratedObjectsTest, NodeFeatureRuleIsValidatedBySchema) {
  CreateCrds({kNfdCrds});
  // NFD's own sample rule (the shared fixture) is accepted as is.
  const std::filesystem::path sample = kRepo / "../shared/fixtures/nfd-crds/cr-sample.yaml";
  MustKubectl({"create", "-f", sample.string()});
  const json stored = GetJson({"nodefeaturerule", "my-rule"});
  EXPECT_EQ(stored["spec"]["rules"][0]["matchFeatures"][0]["feature"], "cpu.cpuid");

  const json good = json::parse(R"({
    "apiVersion": "nfd.k8s-sigs.io/v1alpha1", "kind": "NodeFeatureRule",
    "metadata": {"name": "gpuext-nvidia"},
    "spec": {"rules": [{"name": "nvidia gpu", "labels": {"gpu.extensions.gardener.cloud/nvidia": "true"},
      "matchFeatures": [{"feature": "pci.device",
        "matchExpressions": {"vendor": {"op": "In", "value": ["10de"]},
                             "class": {"op": "In", "value": ["0300", "0302"]}}}]}]}})");
  MustKubectl({"create", "-f", "-"}, good.dump());

  json bad_op = good;
  bad_op["metadata"]["name"] = "bad-op";
  bad_op["spec"]["rules"][0]["matchFeatures"][0]["matchExpressions"]["vendor"]["op"] = "Equals";
  auto r = Kubectl({"create", "-f", "-"}, bad_op.dump());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("Equals"));

  json no_feature = good;
  no_feature["metadata"]["name"] = "no-feature";
  no_feature["spec"]["rules"][0]["matchFeatures"][0].erase("feature");
  r = Kubectl({"create", "-f", "-"}, no_feature.dump());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("feature"));

  json unknown = good;
  unknown["metadata"]["name"] = "unknown-field";
  unknown["spec"]["rules"][0]["lables"] = {{"a", "b"}};
  r = Kubectl({"create", "-f", "-"}, unknown.dump());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("lables"));

  EXPECT_NE(Kubectl({"get", "nodefeaturerule", "bad-op"}).exit_code, 0);
}

TEST_F(GeneratedObjectsTest, ClusterPolicyIsValidatedBySchema) {
  CreateCrds({kOperatorCrds});
  const json good = ParseYaml(ReadFile(kTestdata / "clusterpolicy.yaml"));
  MustKubectl({"create", "-f", "-"}, good.dump());
  const json stored = GetJson({"clusterpolicy", "cluster-policy"});
  EXPECT_EQ(stored["spec"]["toolkit"]["installDir"], "/opt/nvidia");
  EXPECT_EQ(stored["spec"]["mig"]["strategy"], "single");

  json bad_strategy = good;
  bad_strategy["metadata"]["name"] = "bad-strategy";
  bad_strategy["spec"]["mig"]["strategy"] = "split";
  auto r = Kubectl({"create", "-f", "-"}, bad_strategy.dump());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("spec.mig.strategy"));

  json no_driver = good;
  no_driver["metadata"]["name"] = "no-driver";
  no_driver["spec"].erase("driver");
  r = Kubectl({"create", "-f", "-"}, no_driver.dump());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("spec.driver"));

  json wrong_type = good;
  wrong_type["metadata"]["name"] = "wrong-type";
  wrong_type["spec"]["toolkit"]["enabled"] = "yes";
  r = Kubectl({"create", "-f", "-"}, wrong_type.dump());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("spec.toolkit.enabled"));
}

}  // namespace
}  // namespace gpuext::generate::testing
