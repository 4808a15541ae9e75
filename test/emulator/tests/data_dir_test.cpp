// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// --data-dir: the state saved on stop is what the next start serves, custom resources
// included, and resourceVersions keep growing across the restart.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulator_fixture.h"

namespace gpuext::emulator::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class DataDirTest : public EmulatorTest {
 protected:
  ServerOptions Options() override {
    return {.listen = "127.0.0.1:0", .data_dir = dir_.path() / "data"};
  }

  // Stops the server (saving the snapshot) and starts a fresh one on the same data dir,
  // without --load: everything served afterwards comes from the snapshot.
  void Restart() {
    server_->Stop();
    server_.reset();
    server_ = std::make_unique<Server>(Options(), Logger::Root().WithName("emulator"));
    server_->Start();
    server_->WriteKubeconfig(kubeconfig_);
  }

  json GetJson(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"get"};
    full.insert(full.end(), args.begin(), args.end());
    full.insert(full.end(), {"-o", "json"});
    return json::parse(MustKubectl(full));
  }
};

TEST_F(DataDirTest, RestoresObjectsCustomResourcesAndResourceVersions) {
  MustKubectl({"apply", "-f", "-"}, R"(apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kept, namespace: demo, labels: {tier: gpu}}
data: {a: "1"}
---
apiVersion: extensions.gardener.cloud/v1alpha1
kind: Extension
metadata: {name: gpu, namespace: demo}
spec: {type: nvidia-gpu}
)");
  const json cm_before = GetJson({"-n", "demo", "configmap", "kept"});
  const json ext_before = GetJson({"-n", "demo", "extension", "gpu"});
  const uint64_t list_rv_before =
      std::max(std::stoull(cm_before["metadata"]["resourceVersion"].get<std::string>()),
               std::stoull(ext_before["metadata"]["resourceVersion"].get<std::string>()));

  Restart();

  const json cm_after = GetJson({"-n", "demo", "configmap", "kept"});
  EXPECT_EQ(cm_after["data"], cm_before["data"]);
  EXPECT_EQ(cm_after["metadata"]["uid"], cm_before["metadata"]["uid"]);
  EXPECT_EQ(cm_after["metadata"]["resourceVersion"], cm_before["metadata"]["resourceVersion"]);
  EXPECT_EQ(cm_after["metadata"]["creationTimestamp"], cm_before["metadata"]["creationTimestamp"]);
  // The CRD came back with the snapshot and its instances are served at once.
  const json ext_after = GetJson({"-n", "demo", "extension", "gpu"});
  EXPECT_EQ(ext_after["spec"], ext_before["spec"]);
  EXPECT_EQ(ext_after["metadata"]["resourceVersion"], ext_before["metadata"]["resourceVersion"]);
  EXPECT_EQ(MustKubectl({"-n", "demo", "get", "cm", "-l", "tier=gpu", "-o",
                         "jsonpath={.items[*].metadata.name}"}),
            "kept");
  // Writes after the restart get resourceVersions above everything before it.
  MustKubectl({"-n", "demo", "patch", "cm", "kept", "--type=merge", "-p", R"({"data":{"b":"2"}})"});
  const uint64_t patched_rv = std::stoull(
      GetJson({"-n", "demo", "cm", "kept"})["metadata"]["resourceVersion"].get<std::string>());
  EXPECT_GT(patched_rv, list_rv_before);
  MustKubectl({"-n", "demo", "create", "-f", "-"}, R"(apiVersion: v1
kind: ConfigMap
metadata: {name: fresh}
)");
  EXPECT_GT(
      std::stoull(
          GetJson({"-n", "demo", "cm", "fresh"})["metadata"]["resourceVersion"].get<std::string>()),
      patched_rv);
  // An optimistic-concurrency write with the pre-restart resourceVersion is stale now.
  json stale = cm_before;
  stale["data"] = {{"c", "3"}};
  const auto conflict = Kubectl({"replace", "-f", "-"}, stale.dump());
  EXPECT_NE(conflict.exit_code, 0);
  EXPECT_THAT(conflict.stderr_text, HasSubstr("the object has been modified"));

  // A second restart keeps the post-restart writes too.
  Restart();
  EXPECT_EQ(GetJson({"-n", "demo", "cm", "kept"})["data"], json({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(GetJson({"-n", "demo", "cm", "fresh"})["metadata"]["name"], "fresh");
}

TEST_F(DataDirTest, WatchesFromBeforeTheRestartAreExpired) {
  const std::string rv = json::parse(MustKubectl(
      {"get", "--raw", "/api/v1/namespaces"}))["metadata"]["resourceVersion"]
                             .get<std::string>();
  MustKubectl({"create", "namespace", "before-restart"});
  Restart();
  const auto r = Kubectl(
      {"get", "--raw", "/api/v1/namespaces?watch=1&timeoutSeconds=2&resourceVersion=" + rv});
  // As kube-apiserver: the watch starts, then ends with an ERROR event carrying 410 Expired.
  EXPECT_THAT(r.stdout_text, HasSubstr(R"("type":"ERROR")"));
  EXPECT_THAT(r.stdout_text, HasSubstr("too old resource version"));
  EXPECT_THAT(r.stdout_text, HasSubstr(R"("code":410)"));
}

}  // namespace
}  // namespace gpuext::emulator::testing
