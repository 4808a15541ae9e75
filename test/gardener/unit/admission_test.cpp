// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/admission.h"

#include <gtest/gtest.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;

json Review(const char* api_version = "admission.k8s.io/v1") {
  return {{"apiVersion", api_version},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", "705ab4f5-6393-11e8-b7cc-42010a800002"},
            {"kind", {{"group", "core.gardener.cloud"}, {"version", "v1beta1"}, {"kind", "Shoot"}}},
            {"resource",
             {{"group", "core.gardener.cloud"}, {"version", "v1beta1"}, {"resource", "shoots"}}},
            {"namespace", "garden-dev"},
            {"operation", "CREATE"},
            {"userInfo", {{"username", "alice"}}},
            {"object",
             {{"metadata", {{"name", "gpu1"}}}, {"spec", {{"extensions", json::array()}}}}}}}};
}

class AddExtension : public Mutator {
 public:
  void Mutate(const AdmissionRequest& request, json& shoot) override {
    EXPECT_EQ(request.username, "alice");
    shoot["spec"]["extensions"].push_back({{"type", "nvidia-gpu"}});
  }
};

class NoChange : public Mutator {
 public:
  void Mutate(const AdmissionRequest&, json&) override {}
};

class Refuses : public Mutator {
 public:
  void Mutate(const AdmissionRequest&, json&) override {
    throw Error(ErrorCode::kInvalidArgument,
                "spec.provider.workers[0].cri.name: must be containerd");
  }
};

class RequiresDriver : public Validator {
 public:
  FieldErrorList Validate(const AdmissionRequest&) override {
    return {FieldError::Required("spec.extensions[0].providerConfig.driverVersion",
                                 "set a driver branch such as \"580\"")};
  }
};

TEST(AdmissionTest, MutatorPatchIsComputedFromTheRawObject) {
  AddExtension mutator;
  const json out = HandleAdmissionReview(Review(), mutator);
  EXPECT_EQ(out["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(out["response"]["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(out["response"]["allowed"], true);
  EXPECT_EQ(out["response"]["patchType"], "JSONPatch");
  const json patch = json::parse(Base64Decode(out["response"]["patch"].get<std::string>()));
  json patched = Review()["request"]["object"].patch(patch);
  EXPECT_EQ(patched["spec"]["extensions"], json::parse(R"([{"type":"nvidia-gpu"}])"));
}

TEST(AdmissionTest, NoChangeMeansNoPatch) {
  NoChange mutator;
  const json out = HandleAdmissionReview(Review(), mutator);
  EXPECT_EQ(out["response"]["allowed"], true);
  EXPECT_FALSE(out["response"].contains("patch"));
}

TEST(AdmissionTest, V1beta1IsAnsweredInV1beta1) {
  NoChange mutator;
  EXPECT_EQ(HandleAdmissionReview(Review("admission.k8s.io/v1beta1"), mutator)["apiVersion"],
            "admission.k8s.io/v1beta1");
}

TEST(AdmissionTest, MutatorErrorDeniesWithItsMessage) {
  Refuses mutator;
  const json out = HandleAdmissionReview(Review(), mutator);
  EXPECT_EQ(out["response"]["allowed"], false);
  EXPECT_EQ(out["response"]["status"]["code"], 422);
  EXPECT_EQ(out["response"]["status"]["message"],
            "spec.provider.workers[0].cri.name: must be containerd");
}

TEST(AdmissionTest, ValidatorDeniesLikeKubeApiserverWordsIt) {
  RequiresDriver validator;
  const json out = HandleAdmissionReview(Review(), validator);
  EXPECT_EQ(out["response"]["allowed"], false);
  EXPECT_EQ(out["response"]["status"]["reason"], "Invalid");
  EXPECT_EQ(out["response"]["status"]["message"],
            "Shoot \"gpu1\" is invalid: spec.extensions[0].providerConfig.driverVersion: "
            "Required value: set a driver branch such as \"580\"");
}

TEST(AdmissionTest, MalformedReviewIsABadRequestNotACrash) {
  NoChange mutator;
  json no_uid = Review();
  no_uid["request"].erase("uid");
  for (const json& review : {json::object(), json("text"), no_uid}) {
    const json out = HandleAdmissionReview(review, mutator);
    EXPECT_EQ(out["response"]["allowed"], false) << review.dump();
    EXPECT_EQ(out["response"]["status"]["code"], 400) << review.dump();
  }
}

}  // namespace
}  // namespace gpuext::gardener
