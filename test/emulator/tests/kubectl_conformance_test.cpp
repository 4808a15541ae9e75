// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// kube-emulator driven by the real kubectl 1.35 (DESIGN.md §21.1): every command a user or
// our scripts run against it must behave as against kube-apiserver.
#include <fstream>
#include <future>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulator_fixture.h"

namespace gpuext::emulator::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kNamespace = R"(apiVersion: v1
kind: Namespace
metadata:
  name: demo
)";

constexpr const char* kExtension = R"(apiVersion: extensions.gardener.cloud/v1alpha1
kind: Extension
metadata:
  name: nvidia-gpu
  namespace: demo
spec:
  type: nvidia-gpu
)";

std::string ReadFileForTest(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Polls `path` until it contains `text` (10 s deadline).
bool WaitForFile(const std::filesystem::path& path, const std::string& text) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ReadFileForTest(path).find(text) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

class KubectlTest : public EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    MustKubectl({"apply", "-f", "-"}, kNamespace);
  }

  json GetJson(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"get"};
    full.insert(full.end(), args.begin(), args.end());
    full.insert(full.end(), {"-o", "json"});
    return json::parse(MustKubectl(full));
  }
};

TEST_F(KubectlTest, AppliesEveryFixtureAndServesItsCrds) {
  const std::string out = MustKubectl(
      {"apply", "-f", std::string(GPUEXT_SOURCE_DIR) + "/../shared/fixtures", "--recursive"});
  EXPECT_THAT(out, HasSubstr("customresourcedefinition.apiextensions.k8s.io/"
                             "extensions.extensions.gardener.cloud"));
  const std::string crds = MustKubectl({"get", "crds", "-o", "name"});
  for (const char* crd : {"clusterpolicies.nvidia.com", "nodefeaturerules.nfd.k8s-sigs.io",
                          "managedresources.resources.gardener.cloud",
                          "operatingsystemconfigs.extensions.gardener.cloud"}) {
    EXPECT_THAT(crds, HasSubstr(crd));
  }
}

TEST_F(KubectlTest, ApiResourcesListsBuiltinsAndCrdsWithShortNamesAndScope) {
  const std::string out = MustKubectl({"api-resources", "--no-headers"});
  EXPECT_THAT(out, ::testing::ContainsRegex("deployments +deploy +apps/v1 +true +Deployment"));
  EXPECT_THAT(out, ::testing::ContainsRegex("namespaces +ns +v1 +false +Namespace"));
  EXPECT_THAT(out, ::testing::ContainsRegex(
                       "extensions +ext +extensions.gardener.cloud/v1alpha1 +true +Extension"));
  EXPECT_THAT(out, ::testing::ContainsRegex("shoots +shoot +core.gardener.cloud/v1beta1 +true"));
  const std::string versions = MustKubectl({"api-versions"});
  EXPECT_THAT(versions, HasSubstr("resources.gardener.cloud/v1alpha1"));
}

TEST_F(KubectlTest, ExplainReadsCrdSchemas) {
  const std::string out = MustKubectl({"explain", "extensions.spec"});
  EXPECT_THAT(out, HasSubstr("KIND:       Extension"));
  EXPECT_THAT(out, HasSubstr("type\t<string> -required-"));
}

TEST_F(KubectlTest, CreatesGetsAndListsInEveryOutputFormat) {
  MustKubectl({"create", "-f", "-"}, kExtension);
  EXPECT_EQ(GetJson({"-n", "demo", "extension", "nvidia-gpu"})["spec"]["type"], "nvidia-gpu");
  EXPECT_THAT(MustKubectl({"-n", "demo", "get", "extensions", "-o", "yaml"}),
              HasSubstr("type: nvidia-gpu"));
  EXPECT_EQ(
      MustKubectl({"-n", "demo", "get", "extensions", "-o", "jsonpath={.items[0].metadata.name}"}),
      "nvidia-gpu");
  EXPECT_THAT(MustKubectl({"-n", "demo", "get", "extensions", "-o", "wide"}),
              HasSubstr("nvidia-gpu"));
  const auto again = Kubectl({"create", "-f", "-"}, kExtension);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.stderr_text, HasSubstr("AlreadyExists"));
}

TEST_F(KubectlTest, RejectsSchemaViolationsWithTheFieldPath) {
  const auto r = Kubectl({"create", "-f", "-"}, R"(apiVersion: extensions.gardener.cloud/v1alpha1
kind: Extension
metadata: {name: bad, namespace: demo}
spec: {type: 5}
)");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("spec.type"));
  EXPECT_THAT(r.stderr_text, HasSubstr("must be of type string"));
  const auto unknown =
      Kubectl({"create", "-f", "-"}, R"(apiVersion: extensions.gardener.cloud/v1alpha1
kind: Extension
metadata: {name: bad, namespace: demo}
spec: {type: x, flavour: y}
)");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.stderr_text, HasSubstr("unknown field \"spec.flavour\""));
}

TEST_F(KubectlTest, LabelAnnotateAndPatchInEveryType) {
  MustKubectl({"apply", "-f", "-"}, R"(apiVersion: v1
kind: ConfigMap
metadata: {name: c1, namespace: demo}
data: {a: b}
)");
  MustKubectl({"-n", "demo", "label", "cm", "c1", "tier=gpu"});
  MustKubectl({"-n", "demo", "annotate", "cm", "c1", "note=hi"});
  EXPECT_EQ(MustKubectl({"-n", "demo", "get", "cm", "-l", "tier in (gpu,cpu)", "-o",
                         "jsonpath={.items[*].metadata.name}"}),
            "c1");
  EXPECT_EQ(MustKubectl({"-n", "demo", "get", "cm", "-l", "tier!=gpu", "-o",
                         "jsonpath={.items[*].metadata.name}"}),
            "");
  MustKubectl({"-n", "demo", "patch", "cm", "c1", "--type=merge", "-p", R"({"data":{"m":"1"}})"});
  MustKubectl({"-n", "demo", "patch", "cm", "c1", "--type=json", "-p",
               R"([{"op":"add","path":"/data/j","value":"2"},{"op":"remove","path":"/data/a"}])"});
  MustKubectl(
      {"-n", "demo", "patch", "cm", "c1", "--type=strategic", "-p", R"({"data":{"s":"3"}})"});
  const json cm = GetJson({"-n", "demo", "cm", "c1"});
  EXPECT_EQ(cm["data"], json({{"m", "1"}, {"j", "2"}, {"s", "3"}}));
  EXPECT_EQ(cm["metadata"]["annotations"]["note"], "hi");
}

TEST_F(KubectlTest, StrategicMergePatchMergesContainersByName) {
  MustKubectl({"apply", "-f", "-"}, R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: a, image: a:1}
      - {name: b, image: b:1}
)");
  MustKubectl({"-n", "demo", "patch", "deploy", "web", "-p",
               R"({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:2"}]}}}})"});
  const json d = GetJson({"-n", "demo", "deploy", "web"});
  const json& containers = d["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["image"], "a:1");
  EXPECT_EQ(containers[1]["image"], "b:2");
  EXPECT_EQ(d["metadata"]["generation"], 2);
}

TEST_F(KubectlTest, PatchesTheStatusSubresourceOnly) {
  MustKubectl({"create", "-f", "-"}, kExtension);
  MustKubectl(
      {"-n", "demo", "patch", "extension", "nvidia-gpu", "--subresource=status", "--type=merge",
       "-p",
       R"({"spec":{"type":"ignored"},"status":{"lastOperation":{"state":"Succeeded","type":"Create","progress":100,"lastUpdateTime":"2026-01-01T00:00:00Z","description":"done"}}})"});
  const json ext = GetJson({"-n", "demo", "extension", "nvidia-gpu"});
  EXPECT_EQ(ext["status"]["lastOperation"]["state"], "Succeeded");
  EXPECT_EQ(ext["spec"]["type"], "nvidia-gpu");
  EXPECT_EQ(ext["metadata"]["generation"], 1);
  // And the main resource ignores status.
  MustKubectl({"-n", "demo", "patch", "extension", "nvidia-gpu", "--type=merge", "-p",
               R"({"status":{"lastOperation":{"state":"Error"}}})"});
  EXPECT_EQ(GetJson({"-n", "demo", "extension", "nvidia-gpu"})["status"]["lastOperation"]["state"],
            "Succeeded");
}

TEST_F(KubectlTest, ServerSideApplyCreatesUpdatesAndPrunes) {
  const std::string cm = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: ssa, namespace: demo}
data: {a: "1", b: "2"}
)";
  EXPECT_THAT(MustKubectl({"apply", "--server-side", "-f", "-"}, cm),
              HasSubstr("serverside-applied"));
  MustKubectl({"apply", "--server-side", "-f", "-"}, R"(apiVersion: v1
kind: ConfigMap
metadata: {name: ssa, namespace: demo}
data: {a: "3"}
)");
  const json got = GetJson({"-n", "demo", "cm", "ssa"});
  EXPECT_EQ(got["data"], json({{"a", "3"}}));
  EXPECT_FALSE(got["metadata"].contains("managedFields"));  // hidden unless asked for
  const json with_fields = json::parse(
      MustKubectl({"-n", "demo", "get", "cm", "ssa", "-o", "json", "--show-managed-fields"}));
  EXPECT_EQ(with_fields["metadata"]["managedFields"][0]["manager"], "kubectl");
  EXPECT_EQ(with_fields["metadata"]["managedFields"][0]["operation"], "Apply");
}

TEST_F(KubectlTest, GetWatchSeesUpdatesInOrder) {
  MustKubectl({"apply", "-f", "-"}, R"(apiVersion: v1
kind: ConfigMap
metadata: {name: w, namespace: demo}
data: {n: "0"}
)");
  const std::filesystem::path log = dir_.path() / "watch.log";
  gpuext::testing::BackgroundProcess watcher(
      {gpuext::testing::Tools().kubectl.string(), "--kubeconfig", kubeconfig_.string(), "-n",
       "demo", "get", "cm", "w", "-w", "--output-watch-events", "-o",
       "jsonpath={.type} {.object.data.n}{\"\\n\"}"},
      {}, log);
  // The watch starts with the current state; patch only once that has arrived.
  ASSERT_TRUE(WaitForFile(log, "ADDED")) << ReadFileForTest(log);
  for (int i = 1; i <= 3; ++i) {
    MustKubectl({"-n", "demo", "patch", "cm", "w", "--type=merge", "-p",
                 json{{"data", {{"n", std::to_string(i)}}}}.dump()});
  }
  EXPECT_TRUE(WaitForFile(log, "\nMODIFIED 1\nMODIFIED 2\nMODIFIED 3\n")) << ReadFileForTest(log);
}

TEST_F(KubectlTest, DeleteWithFinalizerStaysTerminatingUntilRemoved) {
  MustKubectl({"apply", "-f", "-"}, R"(apiVersion: v1
kind: ConfigMap
metadata: {name: held, namespace: demo, finalizers: [example.com/hold]}
)");
  MustKubectl({"-n", "demo", "delete", "cm", "held", "--wait=false"});
  const json held = GetJson({"-n", "demo", "cm", "held"});
  EXPECT_TRUE(held["metadata"].contains("deletionTimestamp"));
  const auto adding = Kubectl({"-n", "demo", "patch", "cm", "held", "--type=merge", "-p",
                               R"({"metadata":{"finalizers":["example.com/hold","x/y"]}})"});
  EXPECT_NE(adding.exit_code, 0);
  EXPECT_THAT(adding.stderr_text, HasSubstr("no new finalizers can be added"));
  auto waiting = std::async(std::launch::async, [&] {
    return Kubectl({"-n", "demo", "wait", "cm/held", "--for=delete", "--timeout=20s"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  MustKubectl({"-n", "demo", "patch", "cm", "held", "--type=json", "-p",
               R"([{"op":"remove","path":"/metadata/finalizers"}])"});
  const auto waited = waiting.get();
  EXPECT_EQ(waited.exit_code, 0) << waited.stderr_text;
  EXPECT_NE(Kubectl({"-n", "demo", "get", "cm", "held"}).exit_code, 0);
}

TEST_F(KubectlTest, WaitForCondition) {
  MustKubectl({"create", "-f", "-"}, kExtension);
  auto waiting = std::async(std::launch::async, [&] {
    return Kubectl(
        {"-n", "demo", "wait", "extension/nvidia-gpu", "--for=condition=Ready", "--timeout=20s"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  MustKubectl(
      {"-n", "demo", "patch", "extension", "nvidia-gpu", "--subresource=status", "--type=merge",
       "-p",
       R"({"status":{"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z","lastUpdateTime":"2026-01-01T00:00:00Z","reason":"R","message":"m"}]}})"});
  const auto waited = waiting.get();
  EXPECT_EQ(waited.exit_code, 0) << waited.stderr_text;
  EXPECT_THAT(waited.stdout_text, HasSubstr("condition met"));
}

TEST_F(KubectlTest, ForegroundCascadeDeletesDependentsFirst) {
  MustKubectl({"apply", "-f", "-"}, R"(apiVersion: v1
kind: ConfigMap
metadata: {name: owner, namespace: demo}
)");
  const std::string uid =
      MustKubectl({"-n", "demo", "get", "cm", "owner", "-o", "jsonpath={.metadata.uid}"});
  for (const char* name : {"dep-1", "dep-2"}) {
    MustKubectl({"apply", "-f", "-"}, json{{"apiVersion", "v1"},
                                           {"kind", "ConfigMap"},
                                           {"metadata",
                                            {{"name", name},
                                             {"namespace", "demo"},
                                             {"ownerReferences",
                                              {{{"apiVersion", "v1"},
                                                {"kind", "ConfigMap"},
                                                {"name", "owner"},
                                                {"uid", uid},
                                                {"blockOwnerDeletion", true}}}}}}}
                                          .dump());
  }
  MustKubectl({"-n", "demo", "delete", "cm", "owner", "--cascade=foreground", "--timeout=30s"});
  const std::string left = MustKubectl({"-n", "demo", "get", "cm", "-o", "name"});
  EXPECT_THAT(left, Not(HasSubstr("dep-1")));
  EXPECT_THAT(left, Not(HasSubstr("owner")));
}

TEST_F(KubectlTest, DescribeShowsAnObject) {
  MustKubectl({"create", "-f", "-"}, kExtension);
  EXPECT_THAT(MustKubectl({"-n", "demo", "describe", "extension", "nvidia-gpu"}),
              HasSubstr("Name:         nvidia-gpu"));
}

}  // namespace
}  // namespace gpuext::emulator::testing
