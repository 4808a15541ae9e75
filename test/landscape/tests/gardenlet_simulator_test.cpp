// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/landscape/gardenlet_simulator.h"

#include <atomic>
#include <exception>
#include <functional>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/gardener/extension_reconciler.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/time_format.h"

namespace gpuext::landscape {
namespace {

using gardener::kContainerRuntimes;
using gardener::kExtensions;
using nlohmann::json;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr const char* kNs = "shoot--dev--gpu1";
const kube::Resource kNamespaces{"", "v1", "namespaces", false};

json Shoot() {
  return json::parse(R"({
    "apiVersion": "core.gardener.cloud/v1beta1", "kind": "Shoot",
    "metadata": {"name": "gpu1", "namespace": "garden-dev", "uid": "u-1",
                 "managedFields": [{"manager": "kubectl"}]},
    "spec": {
      "kubernetes": {"version": "1.33.2"},
      "provider": {"type": "aws", "workers": [
        {"name": "gpu-a", "machine": {"type": "p4d.24xlarge",
           "image": {"name": "gardenlinux", "version": "1877.5.0"}},
         "cri": {"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}},
        {"name": "cpu", "machine": {"type": "m5.large",
           "image": {"name": "gardenlinux", "version": "1877.5.0"}},
         "cri": {"name": "containerd"}}]},
      "extensions": [{"type": "nvidia-gpu", "providerConfig": {"kind": "GPUConfig"}},
                     {"type": "off", "disabled": true}]}})");
}

json CloudProfile() { return {{"metadata", {{"name", "aws"}}}, {"spec", json::object()}}; }

// An actuator that does what the script says (Done by default).
class ScriptedActuator final : public gardener::Actuator {
 public:
  std::function<gardener::Outcome(const json&)> reconcile = [](const json&) {
    return gardener::Outcome::Done();
  };
  gardener::Outcome Reconcile(const gardener::ActuatorContext&, const json& o) override {
    return reconcile(o);
  }
  gardener::Outcome Delete(const gardener::ActuatorContext&, const json&) override {
    return gardener::Outcome::Done();
  }
  gardener::Outcome ForceDelete(const gardener::ActuatorContext&, const json&) override {
    return gardener::Outcome::Done();
  }
  gardener::Outcome Migrate(const gardener::ActuatorContext&, const json&) override {
    return gardener::Outcome::Done();
  }
  gardener::Outcome Restore(const gardener::ActuatorContext&, const json&) override {
    return gardener::Outcome::Done();
  }
};

class GardenletSimulatorTest : public ::testing::Test {
 protected:
  GardenletSimulatorTest() {
    clock_.SetWallTime(std::chrono::system_clock::time_point(1'790'000'000s));
  }

  // Runs `flow` on a thread while this thread plays the extension controllers: whenever the
  // simulator sleeps between polls, every object of the namespace is reconciled once (when
  // `controllers` is on) and fake time moves on by one poll interval.
  void Drive(const std::function<void()>& flow, bool controllers = true) {
    std::atomic<bool> done{false};
    std::exception_ptr failure;
    std::jthread runner([&] {
      try {
        flow();
      } catch (...) {
        failure = std::current_exception();
      }
      done = true;
    });
    while (!done) {
      if (!clock_.WaitForSleepers(1, 20ms)) {
        continue;
      }
      if (controllers) {
        ReconcileAll(kExtensions, ext_reconciler_);
        ReconcileAll(kContainerRuntimes, cr_reconciler_);
      }
      clock_.Advance(5s);
    }
    runner.join();
    if (failure) {
      std::rethrow_exception(failure);
    }
  }

  void ReconcileAll(const kube::Resource& resource, gardener::ExtensionReconciler& reconciler) {
    const json list = client_.List(resource, {.ns = kNs});
    for (const json& item : list["items"]) {
      const kube::ReconcileContext ctx{
          .stop = {}, .log = Logger::Root(), .clock = clock_, .reconcile_id = "t"};
      try {
        reconciler.Reconcile(ctx, {kNs, item["metadata"]["name"]});
      } catch (const std::exception&) {
        // The controller would requeue; the status already says what went wrong.
      }
    }
  }

  testing::FakeClock clock_;
  kube::testing::FakeClient client_{{.clock = &clock_}};
  GardenletSimulator gardenlet_{client_, {.clock = &clock_}};
  ScriptedActuator actuator_;
  gardener::ExtensionReconciler ext_reconciler_{
      gardener::ExtensionKind::Extension("nvidia-gpu"), client_, actuator_, {.clock = &clock_}};
  gardener::ExtensionReconciler cr_reconciler_{
      gardener::ExtensionKind::ContainerRuntime("nvidia"), client_, actuator_, {.clock = &clock_}};
};

TEST_F(GardenletSimulatorTest, DeployWritesWhatGardenletWrites) {
  const DeployedObjects objects = gardenlet_.Deploy(Shoot(), CloudProfile());
  EXPECT_EQ(objects.ns, kNs);
  EXPECT_THAT(objects.extensions, ElementsAre("nvidia-gpu"));
  EXPECT_THAT(objects.container_runtimes, ElementsAre("nvidia-gpu-a"));
  ASSERT_THAT(objects.oscs, SizeIs(4));

  const json ns = client_.Get(kNamespaces, {"", kNs}).value();
  EXPECT_EQ(ns["metadata"]["labels"]["gardener.cloud/role"], "shoot");
  EXPECT_EQ(ns["metadata"]["labels"]["extensions.gardener.cloud/nvidia-gpu"], "true");
  EXPECT_FALSE(ns["metadata"]["labels"].contains("extensions.gardener.cloud/off"));
  EXPECT_FALSE(ns["metadata"]["labels"].contains("extensions.gardener.cloud/nvidia"));

  const json cluster = client_.Get(gardener::kClusters, {"", kNs}).value();
  EXPECT_EQ(cluster["spec"]["shoot"]["kind"], "Shoot");
  EXPECT_FALSE(cluster["spec"]["shoot"]["metadata"].contains("managedFields"));
  EXPECT_EQ(cluster["spec"]["seed"]["metadata"]["name"], "local");

  const json ext = client_.Get(kExtensions, {kNs, "nvidia-gpu"}).value();
  EXPECT_EQ(ext["metadata"]["annotations"]["gardener.cloud/operation"], "reconcile");
  EXPECT_EQ(ext["spec"]["providerConfig"]["kind"], "GPUConfig");

  const json cr = client_.Get(kContainerRuntimes, {kNs, "nvidia-gpu-a"}).value();
  EXPECT_EQ(cr["spec"]["binaryPath"], "/var/bin/containerruntimes");
  EXPECT_EQ(cr["spec"]["workerPool"]["selector"]["matchLabels"]["worker.gardener.cloud/pool"],
            "gpu-a");

  const std::string original = objects.oscs[1];
  EXPECT_THAT(original, ::testing::MatchesRegex("gardener-node-agent-gpu-a-[0-9a-f]{16}-original"));
  const json osc = client_.Get(kOperatingSystemConfigs, {kNs, original}).value();
  EXPECT_EQ(osc["spec"]["purpose"], "reconcile");
  EXPECT_EQ(osc["metadata"]["labels"]["worker.gardener.cloud/pool"], "gpu-a");
  EXPECT_EQ(osc["spec"]["criConfig"]["containerd"]["sandboxImage"], "registry.k8s.io/pause:3.10");
  EXPECT_EQ(client_.Get(kOperatingSystemConfigs, {kNs, objects.oscs[0]}).value()["spec"]["purpose"],
            "provision");
}

TEST_F(GardenletSimulatorTest, RedeployRewritesTheOscSpecAndDeletesStaleObjects) {
  const DeployedObjects first = gardenlet_.Deploy(Shoot(), CloudProfile());
  // A webhook's addition, which gardenlet's next deploy wipes (so webhooks re-apply).
  client_.Patch(kOperatingSystemConfigs, {kNs, first.oscs[1]}, kube::PatchType::kMerge,
                {{"spec", {{"criConfig", {{"containerd", {{"plugins", json::array({1})}}}}}}}});
  json shoot = Shoot();
  shoot["spec"]["provider"]["workers"][0]["cri"].erase("containerRuntimes");
  shoot["spec"]["extensions"] = json::array();
  gardenlet_.Deploy(shoot, CloudProfile());

  const json osc = client_.Get(kOperatingSystemConfigs, {kNs, first.oscs[1]}).value();
  EXPECT_FALSE(osc["spec"]["criConfig"]["containerd"].contains("plugins"));
  EXPECT_FALSE(client_.Get(kContainerRuntimes, {kNs, "nvidia-gpu-a"}).has_value());
  EXPECT_FALSE(client_.Get(kExtensions, {kNs, "nvidia-gpu"}).has_value());
}

TEST(CheckExtensionObjectTest, FollowsGardenletsOrderAndWords) {
  auto obj = json::parse(R"({"metadata": {"generation": 2,
      "annotations": {"gardener.cloud/operation": "reconcile",
                      "gardener.cloud/timestamp": "2026-08-21T10:00:00.5Z"}},
    "status": {"observedGeneration": 1,
               "lastError": {"description": "boom", "codes": ["ERR_CONFIGURATION_PROBLEM"]}}})");
  Readiness r = CheckExtensionObject(obj);
  EXPECT_TRUE(r.severe);
  EXPECT_EQ(r.reason, "error during reconciliation: boom");
  EXPECT_THAT(r.codes, ElementsAre("ERR_CONFIGURATION_PROBLEM"));

  obj["status"].erase("lastError");
  EXPECT_EQ(CheckExtensionObject(obj).reason, "observed generation outdated (1/2)");
  obj["status"]["observedGeneration"] = 2;
  EXPECT_EQ(CheckExtensionObject(obj).reason,
            "gardener operation \"reconcile\" is not yet picked up by controller");
  obj["metadata"]["annotations"].erase("gardener.cloud/operation");
  EXPECT_EQ(CheckExtensionObject(obj).reason, "extension did not record a last operation yet");
  obj["status"]["lastOperation"] = {{"state", "Processing"},
                                    {"lastUpdateTime", "2026-08-21T09:59:59Z"}};
  EXPECT_EQ(CheckExtensionObject(obj).reason, "extension state is not succeeded but Processing");
  obj["status"]["lastOperation"]["state"] = "Succeeded";
  EXPECT_EQ(CheckExtensionObject(obj).reason,
            "extension is not reconciled yet - reconciliation requested at 2026-08-21T10:00:00Z, "
            "last update time is: 2026-08-21T09:59:59Z");
  // Seconds truncation: an update in the same second as the request counts.
  obj["status"]["lastOperation"]["lastUpdateTime"] = "2026-08-21T10:00:00Z";
  EXPECT_TRUE(CheckExtensionObject(obj).ready);
}

TEST_F(GardenletSimulatorTest, ReconcileSucceedsOnceTheControllersReportSuccess) {
  Drive([&] { EXPECT_TRUE(gardenlet_.Reconcile(Shoot(), CloudProfile(), {})); });
  EXPECT_TRUE(CheckExtensionObject(client_.Get(kExtensions, {kNs, "nvidia-gpu"}).value()).ready);
  EXPECT_TRUE(
      CheckExtensionObject(client_.Get(kContainerRuntimes, {kNs, "nvidia-gpu-a"}).value()).ready);
}

TEST_F(GardenletSimulatorTest, PersistentLastErrorFailsWithTheControllersTextAndCodes) {
  actuator_.reconcile = [](const json&) -> gardener::Outcome {
    throw Error(ErrorCode::kConfigurationProblem, "driver branch 999 is not supported");
  };
  try {
    Drive([&] { gardenlet_.Reconcile(Shoot(), CloudProfile(), {}); });
    FAIL() << "expected a GardenletError";
  } catch (const GardenletError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Error while waiting for Extension shoot--dev--gpu1/nvidia-gpu to become ready: "
              "error during reconciliation: Error reconciling Extension: driver branch 999 is "
              "not supported");
    EXPECT_THAT(e.codes(), ElementsAre("ERR_CONFIGURATION_PROBLEM"));
  }
}

TEST_F(GardenletSimulatorTest, NoControllerTimesOutAfterThreeMinutes) {
  const auto start = clock_.SteadyNow();
  try {
    Drive([&] { gardenlet_.Reconcile(Shoot(), CloudProfile(), {}); }, /*controllers=*/false);
    FAIL() << "expected a GardenletError";
  } catch (const GardenletError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTimeout);
    // A fresh object has observedGeneration 0, which gardenlet checks before the annotation.
    EXPECT_THAT(e.what(), HasSubstr("retry failed with context deadline exceeded, last error: "
                                    "observed generation outdated (0/1)"));
  }
  EXPECT_EQ(clock_.SteadyNow() - start, 3min);
}

TEST_F(GardenletSimulatorTest, DeleteRemovesEverythingInGardenletsOrder) {
  Drive([&] { gardenlet_.Reconcile(Shoot(), CloudProfile(), {}); });
  ASSERT_THAT(client_.Get(kExtensions, {kNs, "nvidia-gpu"}).value()["metadata"]["finalizers"],
              ElementsAre("extensions.gardener.cloud/nvidia-gpu"));
  Drive([&] { EXPECT_TRUE(gardenlet_.Delete(Shoot(), {})); });
  EXPECT_FALSE(client_.Get(kExtensions, {kNs, "nvidia-gpu"}).has_value());
  EXPECT_FALSE(client_.Get(kContainerRuntimes, {kNs, "nvidia-gpu-a"}).has_value());
  EXPECT_EQ(client_.List(kOperatingSystemConfigs, {.ns = kNs})["items"].size(), 0u);
  EXPECT_FALSE(client_.Get(gardener::kClusters, {"", kNs}).has_value());
}

TEST_F(GardenletSimulatorTest, MigrateThenRestoreOnAnotherSeed) {
  Drive([&] { gardenlet_.Reconcile(Shoot(), CloudProfile(), {}); });
  Drive([&] { EXPECT_TRUE(gardenlet_.Migrate(Shoot(), {})); });
  EXPECT_FALSE(client_.Get(kExtensions, {kNs, "nvidia-gpu"}).has_value());

  Drive([&] { EXPECT_TRUE(gardenlet_.Restore(Shoot(), CloudProfile(), {})); });
  const json ext = client_.Get(kExtensions, {kNs, "nvidia-gpu"}).value();
  EXPECT_EQ(ext["status"]["lastOperation"]["type"], "Restore");
  EXPECT_THAT(ext["metadata"]["finalizers"], ElementsAre("extensions.gardener.cloud/nvidia-gpu"));
}

}  // namespace
}  // namespace gpuext::landscape
