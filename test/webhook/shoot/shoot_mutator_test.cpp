// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/shoot_mutator.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gpuext::webhook {
namespace {

using nlohmann::json;

const MachineTypeGpus kGpus = {{"p4d.24xlarge", 8}, {"g4dn.xlarge", 1}, {"m5.large", 0}};

json Pool(const std::string& name, const std::string& machine_type, json cri = nullptr) {
  json pool = {{"name", name}, {"machine", {{"type", machine_type}}}};
  if (!cri.is_null())
    pool["cri"] = std::move(cri);
  return pool;
}

json ShootToMutate(json workers, json extensions = nullptr) {
  json shoot = {{"apiVersion", "core.gardener.cloud/v1beta1"},
                {"kind", "Shoot"},
                {"metadata", {{"name", "gpu"}, {"namespace", "garden-dev"}}},
                {"spec", {{"provider", {{"type", "aws"}, {"workers", std::move(workers)}}}}}};
  if (!extensions.is_null())
    shoot["spec"]["extensions"] = std::move(extensions);
  return shoot;
}

const json kNvidiaCri = {{"name", "containerd"}, {"containerRuntimes", {{{"type", "nvidia"}}}}};
const json kCheckbox = {{{"type", "nvidia-gpu"}}};

TEST(ShootMutatorTest, PoolRuntimeAddsTheExtension) {
  json shoot = ShootToMutate({Pool("gpu", "g4dn.xlarge", kNvidiaCri), Pool("cpu", "m5.large")});
  auto result = MutateShoot(nullptr, shoot, kGpus);
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(shoot["spec"]["extensions"], kCheckbox);
  // The CPU pool is left alone even though the extension is now there.
  EXPECT_FALSE(shoot["spec"]["provider"]["workers"][1].contains("cri"));
}

TEST(ShootMutatorTest, CheckboxGivesEveryGpuPoolContainerdAndTheRuntime) {
  json shoot = ShootToMutate({Pool("a100", "p4d.24xlarge"), Pool("cpu", "m5.large"),
                              Pool("t4", "g4dn.xlarge", {{"name", "containerd"}})},
                             kCheckbox);
  auto result = MutateShoot(nullptr, shoot, kGpus);
  EXPECT_TRUE(result.changed);
  const json& workers = shoot["spec"]["provider"]["workers"];
  EXPECT_EQ(workers[0]["cri"], kNvidiaCri);
  EXPECT_FALSE(workers[1].contains("cri"));
  EXPECT_EQ(workers[2]["cri"], kNvidiaCri);
  EXPECT_TRUE(result.warnings.empty());
}

TEST(ShootMutatorTest, KeepsOtherRuntimesAndUnrelatedCriFields) {
  json cri = {{"name", "containerd"}, {"containerRuntimes", {{{"type", "gvisor"}}}}};
  json shoot = ShootToMutate({Pool("a100", "p4d.24xlarge", cri)}, kCheckbox);
  MutateShoot(nullptr, shoot, kGpus);
  EXPECT_EQ(shoot["spec"]["provider"]["workers"][0]["cri"]["containerRuntimes"],
            json({{{"type", "gvisor"}}, {{"type", "nvidia"}}}));
}

TEST(ShootMutatorTest, LeavesAForeignCriNameForTheValidatorToRefuse) {
  json shoot = ShootToMutate({Pool("a100", "p4d.24xlarge", {{"name", "docker"}})}, kCheckbox);
  MutateShoot(nullptr, shoot, kGpus);
  EXPECT_EQ(shoot["spec"]["provider"]["workers"][0]["cri"]["name"], "docker");
}

TEST(ShootMutatorTest, ConfiguredPoolsAreUsedExactly) {
  json extensions = {{{"type", "nvidia-gpu"},
                      {"providerConfig",
                       {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"},
                        {"kind", "GPUConfig"},
                        {"pools", {"cpu"}}}}}};
  json shoot = ShootToMutate({Pool("a100", "p4d.24xlarge"), Pool("cpu", "m5.large")}, extensions);
  MutateShoot(nullptr, shoot, kGpus);
  const json& workers = shoot["spec"]["provider"]["workers"];
  EXPECT_FALSE(workers[0].contains("cri"));  // has GPUs but is not listed
  EXPECT_EQ(workers[1]["cri"], kNvidiaCri);  // listed although its type has no gpu count
}

TEST(ShootMutatorTest, DisabledEntryIsNeverReEnabled) {
  json extensions = {{{"type", "nvidia-gpu"}, {"disabled", true}}};
  json shoot = ShootToMutate({Pool("gpu", "g4dn.xlarge", kNvidiaCri)}, extensions);
  auto result = MutateShoot(nullptr, shoot, kGpus);
  EXPECT_FALSE(result.changed);
  EXPECT_EQ(shoot["spec"]["extensions"], extensions);
}

TEST(ShootMutatorTest, UntickingRemovesTheRuntimeFromEveryPool) {
  json cri_with_gvisor = {{"name", "containerd"},
                          {"containerRuntimes", {{{"type", "gvisor"}}, {{"type", "nvidia"}}}}};
  json old_shoot = ShootToMutate(
      {Pool("a100", "p4d.24xlarge", kNvidiaCri), Pool("t4", "g4dn.xlarge", cri_with_gvisor)},
      kCheckbox);
  json shoot = old_shoot;
  shoot["spec"].erase("extensions");
  auto result = MutateShoot(old_shoot, shoot, kGpus);
  EXPECT_TRUE(result.changed);
  const json& workers = shoot["spec"]["provider"]["workers"];
  EXPECT_EQ(workers[0]["cri"], json({{"name", "containerd"}}));
  EXPECT_EQ(workers[1]["cri"]["containerRuntimes"], json({{{"type", "gvisor"}}}));
  EXPECT_FALSE(shoot["spec"].contains("extensions"));  // not re-added by gesture (a)
}

TEST(ShootMutatorTest, RuntimeRemovedByTheUserFromAnExistingPoolStaysRemoved) {
  json old_shoot = ShootToMutate(
      {Pool("a100", "p4d.24xlarge", kNvidiaCri), Pool("t4", "g4dn.xlarge", kNvidiaCri)}, kCheckbox);
  json shoot = old_shoot;
  shoot["spec"]["provider"]["workers"][1]["cri"] = {{"name", "containerd"}};
  auto result = MutateShoot(old_shoot, shoot, kGpus);
  EXPECT_FALSE(result.changed);
}

TEST(ShootMutatorTest, NewGpuPoolOnATickedShootGetsTheRuntime) {
  json old_shoot = ShootToMutate({Pool("a100", "p4d.24xlarge", kNvidiaCri)}, kCheckbox);
  json shoot = old_shoot;
  shoot["spec"]["provider"]["workers"].push_back(Pool("t4", "g4dn.xlarge"));
  shoot["spec"]["provider"]["workers"].push_back(Pool("cpu", "m5.large"));
  MutateShoot(old_shoot, shoot, kGpus);
  const json& workers = shoot["spec"]["provider"]["workers"];
  EXPECT_EQ(workers[1]["cri"], kNvidiaCri);
  EXPECT_FALSE(workers[2].contains("cri"));
}

TEST(ShootMutatorTest, LastPoolDroppingTheRuntimeRemovesTheExtension) {
  json old_shoot = ShootToMutate({Pool("a100", "p4d.24xlarge", kNvidiaCri)},
                                 {{{"type", "shoot-dns-service"}}, {{"type", "nvidia-gpu"}}});
  json shoot = old_shoot;
  shoot["spec"]["provider"]["workers"][0].erase("cri");
  auto result = MutateShoot(old_shoot, shoot, kGpus);
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(shoot["spec"]["extensions"], json({{{"type", "shoot-dns-service"}}}));
}

TEST(ShootMutatorTest, TickedShootWithoutGpuPoolsKeepsTheExtensionAndWarns) {
  json shoot = ShootToMutate({Pool("cpu", "m5.large")}, kCheckbox);
  auto result = MutateShoot(nullptr, shoot, kGpus);
  EXPECT_FALSE(result.changed);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("no worker pool has a GPU machine type"), std::string::npos);
}

TEST(ShootMutatorTest, IsIdempotent) {
  json shoot = ShootToMutate({Pool("a100", "p4d.24xlarge"), Pool("gpu", "m5.large", kNvidiaCri)});
  MutateShoot(nullptr, shoot, kGpus);
  json once = shoot;
  auto second = MutateShoot(nullptr, shoot, kGpus);
  EXPECT_FALSE(second.changed);
  EXPECT_EQ(shoot, once);
}

TEST(ShootMutatorTest, OddShapesAreLeftForTheValidator) {
  for (json shoot :
       {json::object(), json({{"spec", 1}}), json({{"spec", {{"provider", {{"workers", "x"}}}}}}),
        ShootToMutate({1, Pool("a", "p4d.24xlarge", {{"containerRuntimes", "nvidia"}})}),
        ShootToMutate({Pool("a", "p4d.24xlarge")}, "not-a-list")}) {
    EXPECT_NO_THROW(MutateShoot(nullptr, shoot, kGpus)) << shoot.dump();
  }
}

}  // namespace
}  // namespace gpuext::webhook
