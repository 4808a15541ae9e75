// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// OscMutatorHandler through gardener::HandleAdmissionReview: the AdmissionReview answers
// kube-apiserver gets (patch, warnings, 422 for configuration problems, 500 for our own
// failures, including a mutation that Gardener's OSC validation would refuse).

#include "gpuext/webhook/osc_admission.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/gardener/admission.h"
#include "gpuext/webhook/osc_mutator.h"
#include "osc_fake_lookup.h"
#include "osc_test_util.h"

namespace gpuext::webhook {
namespace {

using nlohmann::json;
using namespace gpuext::webhook::testing;

class OscAdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override { lookup_.clusters[kShootNamespace] = ClusterObject(StandardShoot()); }

  json Handle(const json& review) { return gardener::HandleAdmissionReview(review, handler_); }

  MapOscLookup lookup_;
  OscMutatorHandler handler_{lookup_, Component()};
};

TEST_F(OscAdmissionTest, PatchIsWhatTheMutatorDoes) {
  const json osc = ReconcileOsc("gpu");
  for (const char* operation : {"CREATE", "UPDATE"}) {
    const json response = Handle(OscReview(operation, osc));
    EXPECT_EQ(response["response"]["uid"], "0c8f2d5e-osc");
    EXPECT_EQ(response["response"]["allowed"], true);
    EXPECT_EQ(response["response"]["patchType"], "JSONPatch");
    json expected = osc;
    (void)OscMutator(Component())
        .Mutate(expected, gardener::Cluster::FromObject(lookup_.clusters[kShootNamespace]),
                nullptr);
    EXPECT_EQ(Patched(osc, response), expected) << operation;
    EXPECT_NE(expected, osc);
  }
}

TEST_F(OscAdmissionTest, RemovedPoolsComeFromTheExtension) {
  lookup_.extensions[kShootNamespace] = ExtensionObject({"cpu"});
  const json osc = ReconcileOsc("cpu");
  const json patched = Patched(osc, Handle(OscReview("UPDATE", osc)));
  const json& plugins = patched["spec"]["criConfig"]["containerd"]["plugins"];
  ASSERT_EQ(plugins.size(), 2u);
  EXPECT_EQ(plugins[1]["op"], "remove");
}

TEST_F(OscAdmissionTest, SkippedOscsAndDeletesGetAPlainAllow) {
  json provision = ReconcileOsc("gpu");
  provision["spec"]["purpose"] = "provision";
  provision["spec"]["criConfig"].erase("containerd");
  for (const json& review : {OscReview("UPDATE", ReconcileOsc("cpu")),
                             OscReview("UPDATE", provision), OscReview("DELETE", nullptr)}) {
    const json response = Handle(review)["response"];
    EXPECT_EQ(response["allowed"], true);
    EXPECT_FALSE(response.contains("patch")) << response.dump();
    EXPECT_FALSE(response.contains("warnings"));
  }
}

TEST_F(OscAdmissionTest, AMissingSandboxImageIsAllowedWithAWarning) {
  json osc = ReconcileOsc("gpu");
  osc["spec"]["criConfig"]["containerd"].erase("sandboxImage");
  const json response = Handle(OscReview("CREATE", osc))["response"];
  EXPECT_EQ(response["allowed"], true);
  ASSERT_EQ(response["warnings"].size(), 1u);
  EXPECT_NE(response["warnings"][0].get<std::string>().find("sandboxImage is not set"),
            std::string::npos);
}

TEST_F(OscAdmissionTest, NoClusterIsOurFailure) {
  const json response = Handle(OscReview("CREATE", ReconcileOsc("gpu"), "shoot--dev--other"));
  EXPECT_EQ(response["response"]["allowed"], false);
  EXPECT_EQ(response["response"]["status"]["code"], 500);
  EXPECT_EQ(response["response"]["status"]["message"],
            "no Cluster shoot--dev--other in the cache yet");
}

TEST_F(OscAdmissionTest, BadPoolConfigurationIsDeniedWithTheField) {
  const json pool_config = {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"},
                            {"kind", "GPUPoolConfig"},
                            {"driver", {{"version", "999"}}}};
  lookup_.clusters[kShootNamespace] =
      ClusterObject(Shoot({Worker("gpu", kImageContainerd2, true, pool_config)}));
  const json status = Handle(OscReview("CREATE", ReconcileOsc("gpu")))["response"]["status"];
  EXPECT_EQ(status["code"], 422);
  const std::string message = status["message"];
  EXPECT_EQ(message.rfind("worker pool \"gpu\" of the shoot: ", 0), 0u) << message;
  EXPECT_NE(message.find("spec.provider.workers[0].cri.containerRuntimes[1].providerConfig.driver"
                         ".version"),
            std::string::npos)
      << message;
}

TEST_F(OscAdmissionTest, AMutationThatBreaksOscValidationIsA500) {
  // An OS extension already ships a file at our path in status.extensionFiles: adding ours to
  // spec.files would make gardenlet's write fail GRM's duplicate-path rule.
  json osc = ReconcileOsc("gpu");
  osc["status"]["extensionFiles"] = {
      {{"path", "/etc/modprobe.d/gardener-extension-gpu-nouveau.conf"},
       {"content", {{"inline", {{"encoding", ""}, {"data", "blacklist nouveau\n"}}}}}}};
  const json response = Handle(OscReview("UPDATE", osc))["response"];
  EXPECT_EQ(response["allowed"], false);
  EXPECT_EQ(response["status"]["code"], 500);
  EXPECT_NE(response["status"]["message"].get<std::string>().find(
                "Duplicate value: \"/etc/modprobe.d/gardener-extension-gpu-nouveau.conf\""),
            std::string::npos)
      << response.dump();
}

TEST(OscViolationsTest, OnlyErrorsTheMutationAddedCount) {
  json original = ReconcileOsc("gpu");
  original["spec"]["files"][0]["content"]["inline"]["encoding"] = "gzip";  // gardenlet's problem
  json mutated = original;
  // Our upsert moves the broken file to another index: still not ours.
  const json file = {{"path", "/etc/a"},
                     {"content", {{"inline", {{"encoding", ""}, {"data", "a"}}}}}};
  mutated["spec"]["files"].insert(mutated["spec"]["files"].begin(), file);
  EXPECT_TRUE(NewOscViolations(original, mutated).empty());
  mutated["spec"]["criConfig"]["containerd"]["plugins"].push_back(
      {{"op", "remove"}, {"path", {"x"}}, {"values", {{"a", 1}}}});
  const FieldErrorList added = NewOscViolations(original, mutated);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].field, "spec.criConfig.containerd.plugins[1].values");
}

}  // namespace
}  // namespace gpuext::webhook
