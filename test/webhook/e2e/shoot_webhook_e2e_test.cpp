// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpu_admission_fixture.h"

namespace gpuext::webhook::e2e {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const json kNvidiaOnContainerd = {{"name", "containerd"},
                                  {"containerRuntimes", {{{"type", "nvidia"}}}}};

json PoolNamed(const json& shoot, const std::string& name) {
  const json workers = shoot["spec"]["provider"]["workers"];
  for (const json& w : workers) {
    if (w["name"] == name) {
      return w;
    }
  }
  return nullptr;
}

bool HasExtension(const json& shoot) {
  const json extensions = shoot["spec"].value("extensions", json::array());
  for (const json& e : extensions) {
    if (e.value("type", "") == "nvidia-gpu") {
      return true;
    }
  }
  return false;
}

TEST_F(ShootWebhookE2ETest, CheckboxGivesOnlyTheGpuPoolContainerdAndTheNvidiaRuntime) {
  const json example = ExampleShoot();
  ASSERT_EQ(example["metadata"]["namespace"], kProject);
  const auto applied = ApplyShoot(example);
  ASSERT_EQ(applied.exit_code, 0) << applied.stderr_text << AdmissionLog();
  // The example is meant to be clean: no warnings for a user who copies it.
  EXPECT_THAT(applied.stderr_text, Not(HasSubstr("Warning:")));

  const json stored = GetShoot(example["metadata"]["name"]).value();
  EXPECT_EQ(PoolNamed(stored, "gpu")["cri"], kNvidiaOnContainerd);
  EXPECT_FALSE(PoolNamed(stored, "cpu").contains("cri")) << PoolNamed(stored, "cpu").dump();
  EXPECT_TRUE(HasExtension(stored));
  // Unrelated fields pass through the patch untouched.
  EXPECT_EQ(stored["spec"]["networking"], example["spec"]["networking"]);
  EXPECT_EQ(PoolNamed(stored, "gpu")["systemComponents"], json({{"allow", false}}));

  // A later edit of the GPU pool (as kubectl edit does it: the stored object, changed, put back)
  // goes through the webhook again and keeps the runtime exactly once.
  json edited = stored;
  edited["spec"]["provider"]["workers"][1]["maximum"] = 3;
  const auto again = Kubectl({"replace", "-f", "-"}, edited.dump());
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  const json updated = GetShoot("gpu-demo").value();
  EXPECT_EQ(PoolNamed(updated, "gpu")["cri"], kNvidiaOnContainerd);
  EXPECT_EQ(PoolNamed(updated, "gpu")["maximum"], 3);
}

TEST_F(ShootWebhookE2ETest, PoolRuntimeAddsTheExtension) {
  json shoot = Shoot("by-runtime");
  shoot["spec"]["provider"]["workers"][1]["cri"] = kNvidiaOnContainerd;
  const auto applied = ApplyShoot(shoot);
  ASSERT_EQ(applied.exit_code, 0) << applied.stderr_text << AdmissionLog();
  const json stored = GetShoot("by-runtime").value();
  EXPECT_EQ(stored["spec"]["extensions"], json::parse(R"([{"type": "nvidia-gpu"}])"));
  EXPECT_EQ(PoolNamed(stored, "gpu")["cri"], kNvidiaOnContainerd);
}

TEST_F(ShootWebhookE2ETest, GpuPoolOnDockerIsRefusedWithTheFieldAndTheFix) {
  json shoot = Shoot("on-docker");
  shoot["spec"]["provider"]["workers"][1]["cri"] = {{"name", "docker"},
                                                    {"containerRuntimes", {{{"type", "nvidia"}}}}};
  const auto denied = ApplyShoot(shoot);
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_EQ(DenialText(denied.stderr_text),
            "Shoot \"on-docker\" is invalid: spec.provider.workers[1].cri.name: Unsupported "
            "value: \"docker\": GPU pools need containerd; set cri.name to containerd");
  EXPECT_FALSE(GetShoot("on-docker").has_value());
}

TEST_F(ShootWebhookE2ETest, ImageVersionWithoutTheNvidiaRuntimeIsRefused) {
  json shoot = Shoot("old-image", "1592.1.0");
  shoot["spec"]["extensions"] = json::parse(R"([{"type": "nvidia-gpu"}])");
  const auto denied = ApplyShoot(shoot);
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_EQ(DenialText(denied.stderr_text),
            "Shoot \"old-image\" is invalid: spec.provider.workers[1].machine.image: Invalid "
            "value: \"gardenlinux 1592.1.0\": gardenlinux 1592.1.0 does not list the nvidia "
            "runtime; pick a version whose cri.containerRuntimes include nvidia (>= 1592.3.0) or "
            "ask the operator to patch the CloudProfile");
  EXPECT_FALSE(GetShoot("old-image").has_value());
}

// The webhook's AdmissionReview warning travels through kube-emulator as a `Warning: 299`
// header, which kubectl prints on stderr.
TEST_F(ShootWebhookE2ETest, SystemComponentsOnAGpuPoolIsAWarningOnKubectlsStderr) {
  json shoot = Shoot("busy-gpu");
  shoot["spec"]["extensions"] = json::parse(R"([{"type": "nvidia-gpu"}])");
  shoot["spec"]["provider"]["workers"][1]["systemComponents"]["allow"] = true;
  const auto applied = ApplyShoot(shoot);
  ASSERT_EQ(applied.exit_code, 0) << applied.stderr_text;
  EXPECT_THAT(applied.stderr_text,
              HasSubstr("Warning: spec.provider.workers[1].systemComponents.allow: pool \"gpu\" "
                        "runs system components on GPU machines; set systemComponents.allow: "
                        "false and keep a CPU pool for them to save GPU capacity"));
  EXPECT_EQ(PoolNamed(GetShoot("busy-gpu").value(), "gpu")["cri"], kNvidiaOnContainerd);
}

TEST_F(ShootWebhookE2ETest, UnrelatedUpdateOfAShootWithAPreExistingProblemIsNotDenied) {
  json shoot = Shoot("legacy", "1592.3.0");
  shoot["spec"]["extensions"] = json::parse(R"([{"type": "nvidia-gpu"}])");
  const auto created = ApplyShoot(shoot);
  ASSERT_EQ(created.exit_code, 0) << created.stderr_text << AdmissionLog();

  // The operator takes the runtime off 1592.3.0: the stored shoot now has a problem.
  json profile = CloudProfile();
  profile["spec"]["machineImages"][0]["versions"][1]["cri"] =
      json::parse(R"([{"name": "containerd"}])");
  const auto patched = Kubectl({"apply", "-f", "-"}, profile.dump());
  ASSERT_EQ(patched.exit_code, 0) << patched.stderr_text;
  // A new shoot on that version is refused once the webhook's cache has seen the change.
  json probe = Shoot("probe", "1592.3.0");
  probe["spec"]["extensions"] = shoot["spec"]["extensions"];
  gpuext::testing::ProcessResult refused;
  for (int i = 0; i < 100; ++i) {
    refused = ApplyShoot(probe);
    if (refused.exit_code != 0) {
      break;
    }
    ASSERT_EQ(Kubectl({"delete", "shoot", "probe", "-n", kProject}).exit_code, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_THAT(DenialText(refused.stderr_text), HasSubstr("does not list the nvidia runtime"));

  // An update of fields the validator does not read: allowed, silently.
  const auto annotated = Kubectl({"annotate", "shoot", "legacy", "-n", kProject, "owner=team-a"});
  EXPECT_EQ(annotated.exit_code, 0) << annotated.stderr_text;
  // An update of the workers that does not cause the problem: allowed (the validator reports the
  // old problem as a warning, which kubectl does not show yet: see the disabled test above).
  json resize = GetShoot("legacy").value();
  resize["spec"]["provider"]["workers"][1]["maximum"] = 4;
  const auto resized = Kubectl({"replace", "-f", "-"}, resize.dump());
  EXPECT_EQ(resized.exit_code, 0) << resized.stderr_text;
  EXPECT_EQ(PoolNamed(GetShoot("legacy").value(), "gpu")["maximum"], 4);
}

}  // namespace
}  // namespace gpuext::webhook::e2e
