// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Server-side printing: `kubectl get` asks for meta.k8s.io Tables and prints their columns
// (built-in printers' columns, CRD additionalPrinterColumns).
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "emulator_fixture.h"

namespace gpuext::emulator::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class KubectlTableTest : public EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    MustKubectl({"apply", "-f", "-"}, R"(apiVersion: v1
kind: Namespace
metadata: {name: demo}
)");
  }
};

TEST_F(KubectlTableTest, ConfigMapsAndSecretsShowTheirDataColumns) {
  MustKubectl({"apply", "-f", "-"}, R"(apiVersion: v1
kind: ConfigMap
metadata: {name: c1, namespace: demo}
data: {a: "1", b: "2"}
---
apiVersion: v1
kind: Secret
metadata: {name: s1, namespace: demo}
type: Opaque
stringData: {token: x}
)");
  const std::string cms = MustKubectl({"-n", "demo", "get", "configmaps", "c1"});
  EXPECT_THAT(cms, StartsWith("NAME   DATA   AGE\n"));
  EXPECT_THAT(cms, ContainsRegex("\nc1 +2 +[0-9]+s\n"));
  const std::string secrets = MustKubectl({"-n", "demo", "get", "secrets"});
  EXPECT_THAT(secrets, StartsWith("NAME   TYPE     DATA   AGE\n"));
  EXPECT_THAT(secrets, ContainsRegex("\ns1 +Opaque +1 +[0-9]+s\n"));
}

TEST_F(KubectlTableTest, NamespacesNodesPodsAndDeploymentsUseTheUpstreamColumns) {
  EXPECT_THAT(MustKubectl({"get", "namespaces", "demo"}), StartsWith("NAME   STATUS   AGE\n"));
  MustKubectl({"apply", "-f", "-"}, R"(apiVersion: v1
kind: Node
metadata:
  name: n1
  labels: {node-role.kubernetes.io/worker: ""}
status:
  conditions: [{type: Ready, status: "True"}]
  nodeInfo: {kubeletVersion: v1.35.0}
)");
  MustKubectl({"-n", "demo", "apply", "-f", "-"}, R"(apiVersion: v1
kind: Pod
metadata: {name: p1}
spec:
  containers: [{name: a, image: a:1}, {name: b, image: b:1}]
)");
  MustKubectl(
      {"-n", "demo", "patch", "pod", "p1", "--subresource=status", "--type=merge", "-p",
       R"({"status":{"phase":"Running","containerStatuses":[)"
       R"({"name":"a","ready":true,"restartCount":2,"image":"a:1","imageID":"","state":{}},)"
       R"({"name":"b","ready":false,"restartCount":1,"image":"b:1","imageID":"","state":{}}]}})"});
  MustKubectl({"-n", "demo", "apply", "-f", "-"}, R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx:1}]}
)");
  const std::string nodes = MustKubectl({"get", "nodes"});
  EXPECT_THAT(nodes, StartsWith("NAME   STATUS   ROLES    AGE   VERSION\n"));
  EXPECT_THAT(nodes, ContainsRegex("\nn1 +Ready +worker +[0-9]+s +v1.35.0\n"));
  const std::string pods = MustKubectl({"-n", "demo", "get", "pods"});
  EXPECT_THAT(pods, StartsWith("NAME   READY   STATUS    RESTARTS   AGE\n"));
  EXPECT_THAT(pods, ContainsRegex("\np1 +1/2 +Running +3 +[0-9]+s\n"));
  const std::string deploys = MustKubectl({"-n", "demo", "get", "deployments", "-o", "wide"});
  EXPECT_THAT(deploys, StartsWith("NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   "
                                  "IMAGES    SELECTOR\n"));
  EXPECT_THAT(deploys, ContainsRegex("\nweb +0/3 +0 +0 +[0-9]+s +c +nginx:1 +app=web\n"));
}

TEST_F(KubectlTableTest, CustomResourcesShowTheirPrinterColumns) {
  MustKubectl({"apply", "-f", "-"}, R"(apiVersion: extensions.gardener.cloud/v1alpha1
kind: Extension
metadata: {name: gpu, namespace: demo}
spec: {type: nvidia-gpu}
)");
  MustKubectl({"-n", "demo", "patch", "extension", "gpu", "--subresource=status", "--type=merge",
               "-p",
               R"({"status":{"lastOperation":{"state":"Succeeded","type":"Create",)"
               R"("progress":100,"lastUpdateTime":"2026-01-01T00:00:00Z",)"
               R"("description":"done"}}})"});
  // The Extension CRD's additionalPrinterColumns: Type, Status (lastOperation.state), Age.
  const std::string out = MustKubectl({"-n", "demo", "get", "extensions"});
  EXPECT_THAT(out, ContainsRegex("^NAME +TYPE +STATUS +AGE\n"));
  EXPECT_THAT(out, ContainsRegex("\ngpu +nvidia-gpu +Succeeded +[0-9]+s\n"));
  // -A adds NAMESPACE from the rows' object metadata; --show-labels reads its labels.
  MustKubectl({"-n", "demo", "label", "extension", "gpu", "tier=gpu"});
  const std::string all = MustKubectl({"get", "extensions", "-A", "--show-labels"});
  EXPECT_THAT(all, ContainsRegex("\ndemo +gpu +nvidia-gpu +Succeeded +[0-9]+s +tier=gpu\n"));
  EXPECT_THAT(MustKubectl({"get", "crds"}), StartsWith("NAME"));
  EXPECT_THAT(MustKubectl({"get", "crds"}), HasSubstr("CREATED AT"));
}

TEST_F(KubectlTableTest, EmptyListsAndWatchesPrintLikeUpstream) {
  const auto empty = Kubectl({"-n", "demo", "get", "leases"});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_THAT(empty.stderr_text, HasSubstr("No resources found in demo namespace."));
  MustKubectl({"-n", "demo", "apply", "-f", "-"}, R"(apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: leader}
spec: {holderIdentity: pod-a}
)");
  const std::filesystem::path log = dir_.path() / "watch.log";
  gpuext::testing::BackgroundProcess watcher(
      {gpuext::testing::Tools().kubectl.string(), "--kubeconfig", kubeconfig_.string(), "-n",
       "demo", "get", "leases", "-w"},
      {}, log);
  const auto read = [&] {
    std::ifstream in(log);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  const auto wait_for = [&](const std::string& text) {
    for (int i = 0; i < 200 && read().find(text) == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return read();
  };
  EXPECT_THAT(wait_for("pod-a"), ContainsRegex("^NAME +HOLDER +AGE\nleader +pod-a "));
  MustKubectl({"-n", "demo", "patch", "lease", "leader", "--type=merge", "-p",
               R"({"spec":{"holderIdentity":"pod-b"}})"});
  const std::string out = wait_for("pod-b");
  EXPECT_THAT(out, ContainsRegex("\nleader +pod-b "));
  // Headers are printed once for the whole watch.
  EXPECT_EQ(out.find("NAME"), out.rfind("NAME")) << out;
}

}  // namespace
}  // namespace gpuext::emulator::testing
