// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// kubectl's imperative generators (`kubectl create namespace|configmap|secret|serviceaccount`)
// send their objects as protobuf; kube-emulator decodes them and answers in JSON.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulator_fixture.h"
#include "gpuext/base64.h"

namespace gpuext::emulator::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class KubectlCreateTest : public EmulatorTest {
 protected:
  json GetJson(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"get"};
    full.insert(full.end(), args.begin(), args.end());
    full.insert(full.end(), {"-o", "json"});
    return json::parse(MustKubectl(full));
  }
};

TEST_F(KubectlCreateTest, CreatesANamespaceFromProtobuf) {
  EXPECT_THAT(MustKubectl({"create", "namespace", "proto-ns"}),
              HasSubstr("namespace/proto-ns created"));
  const json ns = GetJson({"namespace", "proto-ns"});
  EXPECT_EQ(ns["kind"], "Namespace");
  EXPECT_EQ(ns["metadata"]["name"], "proto-ns");
  EXPECT_FALSE(ns["metadata"]["uid"].get<std::string>().empty());
  EXPECT_FALSE(ns["metadata"].contains("generateName"));  // empty strings stay omitted
}

TEST_F(KubectlCreateTest, CreatesAConfigMapWithLiteralsAndFiles) {
  const std::filesystem::path file = dir_.path() / "blob.bin";
  {
    std::ofstream out(file, std::ios::binary);
    out << std::string("\xff\xfe\x00\x01", 4);
  }
  MustKubectl({"create", "configmap", "cfg", "-n", "default", "--from-literal=a=b",
               "--from-literal=greeting=hello world", "--from-file=blob=" + file.string()});
  const json cm = GetJson({"-n", "default", "configmap", "cfg"});
  EXPECT_EQ(cm["data"], json({{"a", "b"}, {"greeting", "hello world"}}));
  EXPECT_EQ(cm["binaryData"]["blob"], Base64Encode(std::string("\xff\xfe\x00\x01", 4)));
  EXPECT_EQ(cm["metadata"]["namespace"], "default");
}

TEST_F(KubectlCreateTest, CreatesSecretsOfEachGenerator) {
  MustKubectl({"create", "secret", "generic", "s1", "--from-literal=user=admin",
               "--type=example.com/custom"});
  const json s1 = GetJson({"secret", "s1"});
  EXPECT_EQ(s1["type"], "example.com/custom");
  EXPECT_EQ(Base64Decode(s1["data"]["user"].get<std::string>()), "admin");

  MustKubectl({"create", "secret", "docker-registry", "pull", "--docker-server=r.example.com",
               "--docker-username=u", "--docker-password=p"});
  const json pull = GetJson({"secret", "pull"});
  EXPECT_EQ(pull["type"], "kubernetes.io/dockerconfigjson");
  EXPECT_THAT(Base64Decode(pull["data"][".dockerconfigjson"].get<std::string>()),
              HasSubstr("r.example.com"));
}

TEST_F(KubectlCreateTest, CreatesAServiceAccountAndHonoursDryRun) {
  MustKubectl({"create", "serviceaccount", "robot", "--dry-run=server"});
  EXPECT_NE(Kubectl({"get", "serviceaccount", "robot"}).exit_code, 0);
  EXPECT_THAT(MustKubectl({"create", "serviceaccount", "robot"}),
              HasSubstr("serviceaccount/robot created"));
  EXPECT_EQ(GetJson({"serviceaccount", "robot"})["metadata"]["name"], "robot");
  const auto again = Kubectl({"create", "serviceaccount", "robot"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.stderr_text, HasSubstr("serviceaccounts \"robot\" already exists"));
}

TEST_F(KubectlCreateTest, OrdinaryWritesRecordTheirFieldManagers) {
  MustKubectl({"create", "configmap", "owned", "--from-literal=a=1"});
  MustKubectl({"label", "configmap", "owned", "tier=gpu"});
  const json cm = json::parse(
      MustKubectl({"get", "configmap", "owned", "-o", "json", "--show-managed-fields"}));
  const json& entries = cm["metadata"]["managedFields"];
  ASSERT_EQ(entries.size(), 2u) << entries.dump();
  EXPECT_EQ(entries[0]["manager"], "kubectl-create");
  EXPECT_EQ(entries[0]["operation"], "Update");
  EXPECT_EQ(entries[0]["fieldsV1"]["f:data"], json({{"f:a", json::object()}}));
  EXPECT_EQ(entries[1]["manager"], "kubectl-label");
  EXPECT_TRUE(entries[1]["fieldsV1"]["f:metadata"]["f:labels"].contains("f:tier"));
  // Server-side apply now meets the fields plain writes own.
  const auto conflict = Kubectl({"apply", "--server-side", "-f", "-"}, R"(apiVersion: v1
kind: ConfigMap
metadata: {name: owned, namespace: default}
data: {a: "2"}
)");
  EXPECT_NE(conflict.exit_code, 0);
  EXPECT_THAT(conflict.stderr_text, HasSubstr("kubectl-create"));
  EXPECT_THAT(conflict.stderr_text, HasSubstr(".data.a"));
}

TEST_F(KubectlCreateTest, ProtobufForAnUnsupportedKindIsAClear415) {
  // `kubectl create deployment` sends apps/v1 Deployment as protobuf: not decoded here.
  const auto r = Kubectl({"create", "deployment", "web", "--image=nginx"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("application/json"));
}

}  // namespace
}  // namespace gpuext::emulator::testing
