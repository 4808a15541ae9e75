// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/cluster.h"

#include <gtest/gtest.h>

#include "gpuext/error.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;

json ClusterObject() {
  return json::parse(R"({
    "apiVersion": "extensions.gardener.cloud/v1alpha1", "kind": "Cluster",
    "metadata": {"name": "shoot--proj--gpu1"},
    "spec": {
      "cloudProfile": {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "CloudProfile"},
      "shoot": {
        "apiVersion": "core.gardener.cloud/v1beta1", "kind": "Shoot",
        "metadata": {"name": "gpu1", "namespace": "garden-proj"},
        "spec": {
          "kubernetes": {"version": "1.33.2"},
          "hibernation": {"enabled": false},
          "extensions": [{"type": "registry-cache"},
                         {"type": "nvidia-gpu", "providerConfig": {"driverVersion": "580"}},
                         {"type": "old", "disabled": true}],
          "resources": [{"name": "ngc", "resourceRef": {"apiVersion": "v1", "kind": "Secret",
                                                        "name": "my-ngc-secret"}}],
          "provider": {"workers": [{"name": "cpu"}, {"name": "gpu-a100"}]}
        },
        "status": {"technicalID": "shoot--proj--gpu1",
                   "lastOperation": {"type": "Reconcile", "state": "Succeeded"}}
      }
    }
  })");
}

TEST(ClusterTest, ReadsTheShootThroughAccessors) {
  const Cluster cluster = Cluster::FromObject(ClusterObject());
  EXPECT_EQ(cluster.name(), "shoot--proj--gpu1");
  EXPECT_EQ(cluster.Pools().size(), 2u);
  ASSERT_TRUE(cluster.PoolByName("gpu-a100").has_value());
  EXPECT_FALSE(cluster.PoolByName("gpu-h100").has_value());
  EXPECT_EQ(cluster.ExtensionOfType("nvidia-gpu")->at("providerConfig").at("driverVersion"), "580");
  EXPECT_FALSE(cluster.ExtensionOfType("old").has_value());
  EXPECT_EQ(cluster.KubernetesVersion(), "1.33.2");
  EXPECT_EQ(cluster.TechnicalID(), "shoot--proj--gpu1");
  EXPECT_EQ(cluster.ReferencedResourceSecretName("ngc"), "ref-my-ngc-secret");
  EXPECT_FALSE(cluster.ReferencedResourceSecretName("other").has_value());
  EXPECT_FALSE(cluster.IsHibernated());
  EXPECT_FALSE(cluster.IsFailed());
  EXPECT_FALSE(cluster.IsBeingDeleted());
  EXPECT_FALSE(cluster.seed().has_value());  // tolerated: self-hosted shoots have none
}

TEST(ClusterTest, StateFlags) {
  json obj = ClusterObject();
  obj["spec"]["shoot"]["spec"]["hibernation"]["enabled"] = true;
  obj["spec"]["shoot"]["status"]["lastOperation"] = {{"type", "Migrate"}, {"state", "Failed"}};
  obj["spec"]["shoot"]["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  obj["spec"]["seed"] = {{"kind", "Seed"}};
  const Cluster cluster = Cluster::FromObject(obj);
  EXPECT_TRUE(cluster.IsHibernated());
  EXPECT_TRUE(cluster.IsFailed());
  EXPECT_TRUE(cluster.IsMigrating());
  EXPECT_TRUE(cluster.IsBeingDeleted());
  EXPECT_TRUE(cluster.seed().has_value());
}

TEST(ClusterTest, IncompleteClusterNamesTheField) {
  json obj = ClusterObject();
  obj["spec"].erase("shoot");
  try {
    (void)Cluster::FromObject(obj);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("spec.shoot: Required value"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace gpuext::gardener
