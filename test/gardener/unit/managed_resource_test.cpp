// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/managed_resource.h"

#include <thread>

#include <gtest/gtest.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class ManagedResourceTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_;
  kube::testing::FakeClient client_{{.clock = &clock_}};
  ManagedResources mrs_{client_, clock_, "gardener-extension-gpu"};

  ManagedResourceSpec Spec(std::string yaml) {
    return {.ns = "shoot--p--s", .name = "extension-gpu-nfd", .data = {{"objects.yaml", yaml}}};
  }

  void MarkHealthy(bool progressing = false) {
    auto mr = *client_.Get(kManagedResources, {"shoot--p--s", "extension-gpu-nfd"});
    json status = {
        {"observedGeneration", mr["metadata"]["generation"]},
        {"conditions",
         {{{"type", "ResourcesApplied"}, {"status", "True"}},
          {{"type", "ResourcesHealthy"}, {"status", "True"}},
          {{"type", "ResourcesProgressing"}, {"status", progressing ? "True" : "False"}}}}};
    client_.Patch(kManagedResources, {"shoot--p--s", "extension-gpu-nfd"}, kube::PatchType::kMerge,
                  {{"status", status}}, kube::Subresource::kStatus);
  }
};

TEST_F(ManagedResourceTest, DeployWritesImmutableChecksummedSecretAndManagedResource) {
  mrs_.Deploy(Spec("kind: Namespace\n"));
  const std::string secret_name =
      ManagedResourceSecretName("extension-gpu-nfd", {{"objects.yaml", "kind: Namespace\n"}});
  EXPECT_EQ(secret_name.rfind("managedresource-extension-gpu-nfd-", 0), 0u);
  EXPECT_EQ(secret_name.size(), std::string("managedresource-extension-gpu-nfd-").size() + 8);

  const auto secret = client_.Get(kSecretsResource, {"shoot--p--s", secret_name});
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ((*secret)["immutable"], true);
  EXPECT_EQ(
      (*secret)["metadata"]["labels"]["resources.gardener.cloud/garbage-collectable-reference"],
      "true");
  EXPECT_EQ(Base64Decode((*secret)["data"]["objects.yaml"].get<std::string>()),
            "kind: Namespace\n");

  const auto mr = client_.Get(kManagedResources, {"shoot--p--s", "extension-gpu-nfd"});
  ASSERT_TRUE(mr.has_value());
  EXPECT_EQ((*mr)["metadata"]["labels"]["origin"], "gardener-extension-gpu");
  EXPECT_EQ((*mr)["spec"]["secretRefs"], json::parse(R"([{"name":")" + secret_name + R"("}])"));
  EXPECT_EQ((*mr)["spec"]["injectLabels"]["shoot.gardener.cloud/no-cleanup"], "true");
  EXPECT_EQ((*mr)["spec"]["keepObjects"], false);
  EXPECT_FALSE((*mr)["spec"].contains("class"));
}

TEST_F(ManagedResourceTest, NewContentSwitchesSecretRefsAndSameContentIsIdempotent) {
  mrs_.Deploy(Spec("a: 1\n"));
  mrs_.Deploy(Spec("a: 1\n"));  // same content: the existing Secret is reused
  mrs_.Deploy(Spec("a: 2\n"));
  const auto mr = client_.Get(kManagedResources, {"shoot--p--s", "extension-gpu-nfd"});
  EXPECT_EQ((*mr)["spec"]["secretRefs"].size(), 1u);
  EXPECT_EQ((*mr)["spec"]["secretRefs"][0]["name"],
            ManagedResourceSecretName("extension-gpu-nfd", {{"objects.yaml", "a: 2\n"}}));
  EXPECT_EQ(client_.List(kSecretsResource, {.ns = "shoot--p--s"})["items"].size(), 2u);
}

TEST_F(ManagedResourceTest, UnchangedContentIsOneReadAndNoWrite) {
  mrs_.Deploy(Spec("a: 1\n"));
  int writes = 0;
  const auto count = [&](const kube::testing::FakeClient::Call&) { ++writes; };
  for (auto verb :
       {kube::testing::FakeClient::Verb::kCreate, kube::testing::FakeClient::Verb::kPatch,
        kube::testing::FakeClient::Verb::kUpdate}) {
    client_.SetHook(verb, count);
  }
  mrs_.Deploy(Spec("a: 1\n"));
  EXPECT_EQ(writes, 0) << "the same content must not be written again";

  // Anything that differs is written: new content, keepObjects, a label.
  mrs_.Deploy(Spec("a: 2\n"));
  EXPECT_EQ(writes, 2) << "the new data Secret and the MR patch";
  auto keep = Spec("a: 2\n");
  keep.keep_objects = true;
  mrs_.Deploy(keep);
  EXPECT_EQ((*client_.Get(kManagedResources,
                          {"shoot--p--s", "extension-gpu-nfd"}))["spec"]["keepObjects"],
            true);
  auto labelled = keep;
  labelled.labels["gpu.extensions.gardener.cloud/uninstall-since"] = "1";
  mrs_.Deploy(labelled);
  EXPECT_EQ((*client_.Get(kManagedResources,
                          {"shoot--p--s",
                           "extension-gpu-nfd"}))["metadata"]["labels"]
                                                 ["gpu.extensions.gardener.cloud/uninstall-since"],
            "1");
}

TEST_F(ManagedResourceTest, SeedClassHasNoShootInjectLabels) {
  auto spec = Spec("a: 1\n");
  spec.resource_class = "seed";
  mrs_.Deploy(spec);
  const auto mr = client_.Get(kManagedResources, {"shoot--p--s", "extension-gpu-nfd"});
  EXPECT_EQ((*mr)["spec"]["class"], "seed");
  EXPECT_FALSE((*mr)["spec"].contains("injectLabels"));
}

TEST_F(ManagedResourceTest, OriginGardenerIsRefused) {
  EXPECT_THROW(ManagedResources(client_, clock_, "gardener"), Error);
}

TEST_F(ManagedResourceTest, HealthFollowsGardenersRule) {
  EXPECT_FALSE(mrs_.CheckHealth("shoot--p--s", "extension-gpu-nfd").exists);
  mrs_.Deploy(Spec("a: 1\n"));
  auto health = mrs_.CheckHealth("shoot--p--s", "extension-gpu-nfd");
  EXPECT_FALSE(health.healthy);
  EXPECT_NE(health.message.find("observed generation outdated"), std::string::npos)
      << health.message;
  MarkHealthy(/*progressing=*/true);
  EXPECT_TRUE(mrs_.CheckHealth("shoot--p--s", "extension-gpu-nfd").healthy);
  health = mrs_.CheckHealth("shoot--p--s", "extension-gpu-nfd", /*require_not_progressing=*/true);
  EXPECT_FALSE(health.healthy);
  EXPECT_TRUE(health.progressing);
}

TEST_F(ManagedResourceTest, WaitTimesOutWithTheLastReason) {
  mrs_.Deploy(Spec("a: 1\n"));
  std::exception_ptr failure;
  std::jthread waiter([&] {
    try {
      mrs_.Wait("shoot--p--s", "extension-gpu-nfd", 10s, {});
    } catch (...) {
      failure = std::current_exception();
    }
  });
  // Five polls of 2 s reach the 10 s deadline; the sixth check throws instead of sleeping.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(clock_.WaitForSleepers(1));
    clock_.Advance(2s);
  }
  waiter.join();
  ASSERT_TRUE(failure);
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTimeout);
    EXPECT_NE(std::string(e.what()).find("observed generation outdated"), std::string::npos);
  }
}

TEST_F(ManagedResourceTest, DestroyAndWaitCleanup) {
  mrs_.Deploy(Spec("a: 1\n"));
  mrs_.SetKeepObjects("shoot--p--s", "extension-gpu-nfd", true);
  EXPECT_EQ((*client_.Get(kManagedResources,
                          {"shoot--p--s", "extension-gpu-nfd"}))["spec"]["keepObjects"],
            true);
  mrs_.Destroy("shoot--p--s", "extension-gpu-nfd");
  mrs_.Destroy("shoot--p--s", "extension-gpu-nfd");  // absent is fine
  EXPECT_TRUE(mrs_.WaitCleanup("shoot--p--s", "extension-gpu-nfd", 10s, {}));
}

}  // namespace
}  // namespace gpuext::gardener
