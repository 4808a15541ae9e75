// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/shoot_admission.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "shoot_review.h"

namespace gpuext::webhook {
namespace {

using nlohmann::json;

const json kProfile = json::parse(R"({
  "apiVersion": "core.gardener.cloud/v1beta1", "kind": "CloudProfile", "metadata": {"name": "aws"},
  "spec": {"machineTypes": [{"name": "p4d.24xlarge", "gpu": "8"}, {"name": "g4dn.xlarge", "gpu": 1},
                            {"name": "m5.large", "cpu": "2"}, {"name": "odd", "gpu": "1.5"}],
           "machineImages": [{"name": "gardenlinux", "versions": [
              {"version": "1877.5.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}]}]}]}
})");

json Review(const std::string& operation, const json& object, const json& old_object = nullptr) {
  return testing::ShootReview(operation, object, old_object, "alice");
}

json ShootToAdmit(json workers, json extensions) {
  return {{"apiVersion", "core.gardener.cloud/v1beta1"},
          {"kind", "Shoot"},
          {"metadata", {{"name", "gpu"}, {"namespace", "garden-dev"}}},
          {"spec",
           {{"cloudProfile", {{"kind", "CloudProfile"}, {"name", "aws"}}},
            {"provider", {{"type", "aws"}, {"workers", std::move(workers)}}},
            {"extensions", std::move(extensions)}}}};
}

CloudProfileLookup Lookup(int* calls = nullptr) {
  return [calls](const CloudProfileRef& ref) -> std::optional<json> {
    if (calls)
      ++*calls;
    if (ref.kind == "CloudProfile" && ref.name == "aws")
      return kProfile;
    return std::nullopt;
  };
}

TEST(ShootAdmissionTest, ReadsGpuCountsAsQuantities) {
  MachineTypeGpus gpus = MachineTypeGpusOf(kProfile);
  EXPECT_EQ(gpus, (MachineTypeGpus{{"p4d.24xlarge", 8}, {"g4dn.xlarge", 1}}));
}

TEST(ShootAdmissionTest, FindsTheProfileInBothSpellings) {
  auto ref = CloudProfileOf(ShootToAdmit(json::array(), json::array()));
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->name, "aws");
  json old_style = {{"spec", {{"cloudProfileName", "gcp"}}}};
  EXPECT_EQ(CloudProfileOf(old_style)->name, "gcp");
  json namespaced = {
      {"metadata", {{"namespace", "garden-dev"}}},
      {"spec", {{"cloudProfile", {{"kind", "NamespacedCloudProfile"}, {"name", "x"}}}}}};
  EXPECT_EQ(CloudProfileOf(namespaced)->ns, "garden-dev");
  EXPECT_FALSE(CloudProfileOf(json::object()));
}

TEST(ShootAdmissionTest, CheckboxBecomesAJsonPatchOnTheGpuPool) {
  ShootMutatorHandler handler(Lookup());
  json shoot = ShootToAdmit({{{"name", "a100"}, {"machine", {{"type", "p4d.24xlarge"}}}}},
                            {{{"type", "nvidia-gpu"}}});
  json response = gardener::HandleAdmissionReview(Review("CREATE", shoot), handler);
  ASSERT_TRUE(response["response"]["allowed"].get<bool>()) << response.dump();
  EXPECT_EQ(response["response"]["patchType"], "JSONPatch");
  json patch = json::parse(Base64Decode(response["response"]["patch"].get<std::string>()));
  EXPECT_EQ(shoot.patch(patch)["spec"]["provider"]["workers"][0]["cri"],
            json({{"name", "containerd"}, {"containerRuntimes", {{{"type", "nvidia"}}}}}));
}

TEST(ShootAdmissionTest, WarningsReachTheResponse) {
  ShootMutatorHandler handler(Lookup());
  json shoot = ShootToAdmit({{{"name", "cpu"}, {"machine", {{"type", "m5.large"}}}}},
                            {{{"type", "nvidia-gpu"}}});
  json response = gardener::HandleAdmissionReview(Review("CREATE", shoot), handler);
  ASSERT_TRUE(response["response"].contains("warnings")) << response.dump();
  EXPECT_NE(response["response"]["warnings"][0].get<std::string>().find("no worker pool has a GPU"),
            std::string::npos);
}

TEST(ShootAdmissionTest, ValidatorDeniesWithTheFieldAndTheFix) {
  ShootValidatorHandler handler(Lookup(), {"gardenlinux"});
  json pool = {
      {"name", "a100"},
      {"machine",
       {{"type", "p4d.24xlarge"}, {"image", {{"name", "gardenlinux"}, {"version", "1877.5.0"}}}}},
      {"systemComponents", {{"allow", false}}},
      {"cri", {{"name", "docker"}, {"containerRuntimes", {{{"type", "nvidia"}}}}}}};
  json response = gardener::HandleAdmissionReview(
      Review("CREATE", ShootToAdmit({pool}, {{{"type", "nvidia-gpu"}}})), handler);
  EXPECT_FALSE(response["response"]["allowed"].get<bool>());
  EXPECT_EQ(response["response"]["status"]["code"], 422);
  EXPECT_NE(response["response"]["status"]["message"].get<std::string>().find(
                "spec.provider.workers[0].cri.name: Unsupported value: \"docker\": GPU pools need "
                "containerd; set cri.name to containerd"),
            std::string::npos)
      << response.dump();
}

TEST(ShootAdmissionTest, UnrelatedUpdatesSkipTheProfileLookup) {
  int calls = 0;
  ShootValidatorHandler handler(Lookup(&calls), {"gardenlinux"});
  json shoot = ShootToAdmit(json::array(), {{{"type", "nvidia-gpu"}}});
  json relabelled = shoot;
  relabelled["metadata"]["labels"] = {{"a", "b"}};
  json response = gardener::HandleAdmissionReview(Review("UPDATE", relabelled, shoot), handler);
  EXPECT_TRUE(response["response"]["allowed"].get<bool>());
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace gpuext::webhook
