// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/shoot_validator.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gpuext::webhook {
namespace {

using nlohmann::json;

// A CloudProfile in which gardenlinux 1592.3.0 and 1877.5.0 offer the nvidia runtime and
// 1443.3.0 does not (only gvisor).
const json kCloudProfile = json::parse(R"({
  "apiVersion": "core.gardener.cloud/v1beta1", "kind": "CloudProfile", "metadata": {"name": "aws"},
  "spec": {"machineImages": [{"name": "gardenlinux", "versions": [
      {"version": "1443.3.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "gvisor"}]}]},
      {"version": "1877.5.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "gvisor"}, {"type": "nvidia"}]}]},
      {"version": "1592.3.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}]}]},
    {"name": "ubuntu", "versions": [{"version": "22.4.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}]}]}]}
})");

json GpuPool(const std::string& name, const std::string& image, const std::string& version,
             const std::string& cri = "containerd") {
  return {
      {"name", name},
      {"machine", {{"type", "p4d.24xlarge"}, {"image", {{"name", image}, {"version", version}}}}},
      {"systemComponents", {{"allow", false}}},
      {"cri", {{"name", cri}, {"containerRuntimes", {{{"type", "nvidia"}}}}}}};
}

json Shoot(json workers, json extensions = json::array({{{"type", "nvidia-gpu"}}})) {
  return {{"metadata", {{"name", "gpu"}}},
          {"spec", {{"provider", {{"workers", std::move(workers)}}}, {"extensions", extensions}}}};
}

std::vector<std::string> Messages(const ShootValidation& v) {
  std::vector<std::string> out;
  for (const auto& e : v.errors)
    out.push_back(e.ToString());
  return out;
}

const ShootValidationContext kContext{.cloud_profile = &kCloudProfile};

TEST(ShootValidatorTest, AcceptsAGoodShoot) {
  auto v = ValidateShoot(nullptr, Shoot({GpuPool("a100", "gardenlinux", "1877.5.0")}), kContext);
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(Messages(v));
  EXPECT_TRUE(v.warnings.empty());
}

struct Row {
  const char* name;
  json shoot;
  std::string message;
};

TEST(ShootValidatorTest, EveryRuleHasItsMessage) {
  json listed_without_runtime = Shoot(
      {GpuPool("a100", "gardenlinux", "1877.5.0"), {{"name", "cpu"}}},
      json::array({{{"type", "nvidia-gpu"}, {"providerConfig", {{"pools", {"a100", "cpu"}}}}}}));
  json listed_missing =
      Shoot({GpuPool("a100", "gardenlinux", "1877.5.0")},
            json::array({{{"type", "nvidia-gpu"}, {"providerConfig", {{"pools", {"gpu-x"}}}}}}));
  const std::vector<Row> rows = {
      {"cri", Shoot({GpuPool("a100", "gardenlinux", "1877.5.0", "docker")}),
       "spec.provider.workers[0].cri.name: Unsupported value: \"docker\": GPU pools need "
       "containerd; set cri.name to containerd"},
      {"image version", Shoot({GpuPool("a100", "gardenlinux", "1443.3.0")}),
       "spec.provider.workers[0].machine.image: Invalid value: \"gardenlinux 1443.3.0\": "
       "gardenlinux 1443.3.0 does not list the nvidia runtime; pick a version whose "
       "cri.containerRuntimes include nvidia (>= 1592.3.0) or ask the operator to patch the "
       "CloudProfile"},
      {"image name", Shoot({GpuPool("a100", "ubuntu", "22.4.0")}),
       "spec.provider.workers[0].machine.image.name: Unsupported value: \"ubuntu\": ubuntu is not "
       "supported by nvidia-gpu; supported: gardenlinux"},
      {"listed pool without runtime", listed_without_runtime,
       "spec.extensions[0].providerConfig.pools[1]: Invalid value: \"cpu\": pool \"cpu\" is listed "
       "but has no nvidia runtime; add it or remove the pool from pools"},
      {"listed pool missing", listed_missing,
       "spec.extensions[0].providerConfig.pools[0]: Invalid value: \"gpu-x\": pool \"gpu-x\" does "
       "not exist; name a pool of spec.provider.workers"},
  };
  for (const Row& row : rows) {
    auto v = ValidateShoot(nullptr, row.shoot, kContext);
    EXPECT_EQ(Messages(v), std::vector<std::string>{row.message}) << row.name;
  }
}

TEST(ShootValidatorTest, ReportsAllProblemsAtOnce) {
  auto v = ValidateShoot(
      nullptr,
      Shoot({GpuPool("a", "gardenlinux", "1443.3.0", "docker"), GpuPool("b", "ubuntu", "22.4.0")}),
      kContext);
  EXPECT_EQ(v.errors.size(), 3u);
}

TEST(ShootValidatorTest, SystemComponentsOnGpuMachinesIsAWarning) {
  json pool = GpuPool("a100", "gardenlinux", "1877.5.0");
  pool.erase("systemComponents");  // Gardener's default is allow: true
  auto v = ValidateShoot(nullptr, Shoot({pool}), kContext);
  EXPECT_TRUE(v.errors.empty());
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_NE(v.warnings[0].find("systemComponents.allow: false"), std::string::npos);
}

TEST(ShootValidatorTest, ExistingProblemsDoNotBlockUnrelatedUpdates) {
  json old_shoot = Shoot({GpuPool("a100", "gardenlinux", "1443.3.0")});
  json shoot = old_shoot;
  shoot["spec"]["provider"]["workers"].push_back({{"name", "cpu"}});
  auto v = ValidateShoot(old_shoot, shoot, kContext);
  EXPECT_TRUE(v.errors.empty());
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_NE(v.warnings[0].find("already present before this update"), std::string::npos);

  // A new problem in the same update is still denied.
  shoot["spec"]["provider"]["workers"].push_back(
      GpuPool("t4", "gardenlinux", "1877.5.0", "docker"));
  EXPECT_EQ(ValidateShoot(old_shoot, shoot, kContext).errors.size(), 1u);
}

TEST(ShootValidatorTest, PoolsWithoutTheRuntimeAreNotChecked) {
  json pool = GpuPool("cpu", "ubuntu", "22.4.0", "docker");
  pool.erase("cri");
  EXPECT_TRUE(ValidateShoot(nullptr, Shoot({pool}), kContext).errors.empty());
}

TEST(ShootValidatorTest, RelevantFieldsChanged) {
  json shoot = Shoot({GpuPool("a100", "gardenlinux", "1877.5.0")});
  EXPECT_TRUE(RelevantFieldsChanged(nullptr, shoot));
  json labelled = shoot;
  labelled["metadata"]["labels"] = {{"team", "ml"}};
  EXPECT_FALSE(RelevantFieldsChanged(shoot, labelled));
  json resources = shoot;
  resources["spec"]["resources"] = json::array();
  EXPECT_TRUE(RelevantFieldsChanged(shoot, resources));
}

TEST(ShootValidatorTest, OddShapesDoNotThrow) {
  for (json shoot :
       {json::object(), json({{"spec", json::array()}}),
        json({{"spec", {{"provider", {{"workers", {1, "x", json::array()}}}}}}}),
        json({{"spec",
               {{"extensions",
                 {{{"type", "nvidia-gpu"}, {"providerConfig", {{"pools", 3}}}}}}}}})}) {
    EXPECT_NO_THROW((void)ValidateShoot(nullptr, shoot, kContext)) << shoot.dump();
    EXPECT_NO_THROW((void)ValidateShoot(shoot, shoot, kContext)) << shoot.dump();
  }
}

}  // namespace
}  // namespace gpuext::webhook
