// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/extension_reconciler.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/time_format.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kNs = "shoot--p--s";

// Records every call with what the object looked like at that moment, and answers what the
// test scripted for that operation (Done by default).
class RecordingActuator final : public Actuator {
 public:
  struct Seen {
    std::string op;
    json obj;
    bool cluster_present = false;
  };
  using Script = std::function<Outcome(const json& obj)>;

  std::vector<Seen> calls;
  std::map<std::string, Script> scripts;

  std::vector<std::string> Ops() const {
    std::vector<std::string> out;
    for (const auto& c : calls) {
      out.push_back(c.op);
    }
    return out;
  }

  Outcome Reconcile(const ActuatorContext& ctx, const json& obj) override {
    return Record("Reconcile", ctx, obj);
  }
  Outcome Delete(const ActuatorContext& ctx, const json& obj) override {
    return Record("Delete", ctx, obj);
  }
  Outcome ForceDelete(const ActuatorContext& ctx, const json& obj) override {
    return Record("ForceDelete", ctx, obj);
  }
  Outcome Migrate(const ActuatorContext& ctx, const json& obj) override {
    return Record("Migrate", ctx, obj);
  }
  Outcome Restore(const ActuatorContext& ctx, const json& obj) override {
    return Record("Restore", ctx, obj);
  }

 private:
  Outcome Record(const std::string& op, const ActuatorContext& ctx, const json& obj) {
    calls.push_back({op, obj, ctx.cluster.has_value()});
    const auto script = scripts.find(op);
    return script == scripts.end() ? Outcome::Done() : script->second(obj);
  }
};

class ExtensionReconcilerTest : public ::testing::Test {
 protected:
  ExtensionReconcilerTest() {
    clock_.SetWallTime(std::chrono::system_clock::time_point(1'790'000'000s));
  }

  void SeedCluster(json shoot_patch = json::object()) {
    json shoot = {{"apiVersion", "core.gardener.cloud/v1beta1"},
                  {"kind", "Shoot"},
                  {"metadata", {{"name", "s"}, {"namespace", "garden-p"}}},
                  {"spec", {{"provider", {{"workers", json::array()}}}}}};
    shoot.merge_patch(shoot_patch);
    client_.Seed(kClusters, {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
                             {"kind", "Cluster"},
                             {"metadata", {{"name", kNs}}},
                             {"spec",
                              {{"shoot", shoot},
                               {"cloudProfile", {{"metadata", {{"name", "aws"}}}}},
                               {"seed", {{"metadata", {{"name", "seed-1"}}}}}}}});
  }

  // An Extension as gardenlet creates it; `extra` is merge-patched over it.
  void SeedExtension(json extra = json::object()) {
    json ext = {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
                {"kind", "Extension"},
                {"metadata",
                 {{"name", "nvidia-gpu"},
                  {"namespace", kNs},
                  {"annotations", {{"gardener.cloud/operation", "reconcile"}}}}},
                {"spec", {{"type", "nvidia-gpu"}}}};
    ext.merge_patch(extra);
    client_.Seed(kExtensions, ext);
  }

  // A spec change, so that metadata.generation (1 after Seed) becomes 2 and observedGeneration
  // can be told apart from a default.
  void ChangeSpec() {
    client_.Patch(kExtensions, {kNs, "nvidia-gpu"}, kube::PatchType::kMerge,
                  {{"spec", {{"providerConfig", {{"kind", "GPUConfig"}}}}}});
  }

  json Stored() { return client_.Get(kExtensions, {kNs, "nvidia-gpu"}).value(); }

  kube::Result Run() {
    const kube::ReconcileContext ctx{
        .stop = {}, .log = Logger::Root(), .clock = clock_, .reconcile_id = "test-reconcile"};
    return reconciler_.Reconcile(ctx, {kNs, "nvidia-gpu"});
  }

  testing::FakeClock clock_;
  kube::testing::FakeClient client_{{.clock = &clock_}};
  RecordingActuator actuator_;
  ExtensionReconciler reconciler_{
      ExtensionKind::Extension("nvidia-gpu"), client_, actuator_, {.clock = &clock_}};
};

TEST_F(ExtensionReconcilerTest, CreateAddsTheFinalizerBeforeActingAndReportsSuccess) {
  SeedCluster();
  SeedExtension();
  ChangeSpec();
  EXPECT_EQ(Run(), kube::Result{});

  ASSERT_THAT(actuator_.Ops(), ElementsAre("Reconcile"));
  const json& seen = actuator_.calls[0].obj;
  EXPECT_THAT(seen["metadata"]["finalizers"], ElementsAre("extensions.gardener.cloud/nvidia-gpu"));
  // The reconcile annotation is gone before the actuator runs, so a new one means "again".
  EXPECT_FALSE(seen["metadata"]["annotations"].contains("gardener.cloud/operation"));
  EXPECT_EQ(seen["status"]["lastOperation"]["state"], "Processing");
  EXPECT_EQ(seen["status"]["lastOperation"]["progress"], 1);
  EXPECT_TRUE(actuator_.calls[0].cluster_present);

  const json stored = Stored();
  const json& op = stored["status"]["lastOperation"];
  EXPECT_EQ(op["type"], "Create");
  EXPECT_EQ(op["state"], "Succeeded");
  EXPECT_EQ(op["progress"], 100);
  EXPECT_EQ(op["description"], "Successfully reconciled Extension");
  EXPECT_EQ(op["lastUpdateTime"], FormatRfc3339(clock_.Now()));
  EXPECT_EQ(stored["status"]["observedGeneration"], 2);
  EXPECT_FALSE(stored["status"].contains("lastError"));
}

TEST_F(ExtensionReconcilerTest, SecondRunIsAReconcileAndClearsAnOldError) {
  SeedCluster();
  SeedExtension({{"status",
                  {{"lastOperation", {{"type", "Reconcile"}, {"state", "Error"}}},
                   {"lastError", {{"description", "old"}}}}}});
  Run();
  const json stored = Stored();
  EXPECT_EQ(stored["status"]["lastOperation"]["type"], "Reconcile");
  EXPECT_EQ(stored["status"]["lastOperation"]["state"], "Succeeded");
  EXPECT_FALSE(stored["status"].contains("lastError"));
}

TEST_F(ExtensionReconcilerTest, FailureWritesErrorWithGardenerCodeAndRethrows) {
  SeedCluster();
  SeedExtension();
  ChangeSpec();
  actuator_.scripts["Reconcile"] = [](const json&) -> Outcome {
    throw Error(ErrorCode::kConfigurationProblem, "driver branch 999 is not supported");
  };
  EXPECT_THROW(Run(), Error);

  const json stored = Stored();
  EXPECT_EQ(stored["status"]["lastOperation"]["state"], "Error");
  EXPECT_EQ(stored["status"]["lastOperation"]["progress"], 50);
  EXPECT_EQ(stored["status"]["lastError"]["description"],
            "Error reconciling Extension: driver branch 999 is not supported");
  EXPECT_THAT(stored["status"]["lastError"]["codes"], ElementsAre("ERR_CONFIGURATION_PROBLEM"));
  EXPECT_EQ(stored["status"]["observedGeneration"], 2);
  // The finalizer stays: whatever was half-created is still cleaned up on deletion.
  EXPECT_THAT(stored["metadata"]["finalizers"],
              ElementsAre("extensions.gardener.cloud/nvidia-gpu"));
}

TEST_F(ExtensionReconcilerTest, NonGpuextExceptionsGetNoCode) {
  SeedCluster();
  SeedExtension();
  actuator_.scripts["Reconcile"] = [](const json&) -> Outcome { throw std::runtime_error("x"); };
  EXPECT_THROW(Run(), std::runtime_error);
  const json stored = Stored();
  EXPECT_EQ(stored["status"]["lastError"]["description"], "Error reconciling Extension: x");
  EXPECT_FALSE(stored["status"]["lastError"].contains("codes"));
}

TEST_F(ExtensionReconcilerTest, RequeueAfterKeepsProcessing) {
  SeedCluster();
  SeedExtension();
  actuator_.scripts["Reconcile"] = [](const json&) { return Outcome::RequeueAfter(10s); };
  const kube::Result result = Run();
  EXPECT_EQ(result.requeue_after, 10s);
  EXPECT_EQ(Stored()["status"]["lastOperation"]["state"], "Processing");
}

TEST_F(ExtensionReconcilerTest, LastUpdateTimeIsNeverBeforeGardenletsTimestamp) {
  SeedCluster();
  const auto ahead = clock_.Now() + 90s;
  SeedExtension(
      {{"metadata", {{"annotations", {{"gardener.cloud/timestamp", FormatRfc3339(ahead)}}}}}});
  Run();
  EXPECT_EQ(Stored()["status"]["lastOperation"]["lastUpdateTime"], FormatRfc3339(ahead));
  // gardenlet's timestamp is never touched.
  EXPECT_EQ(Stored()["metadata"]["annotations"]["gardener.cloud/timestamp"], FormatRfc3339(ahead));
}

TEST_F(ExtensionReconcilerTest, DeleteRunsTheActuatorThenRemovesOnlyOurFinalizer) {
  SeedCluster();
  SeedExtension({{"metadata",
                  {{"finalizers", {"extensions.gardener.cloud/nvidia-gpu", "other/keep"}},
                   {"deletionTimestamp", FormatRfc3339(clock_.Now())}}},
                 {"status", {{"lastOperation", {{"type", "Reconcile"}, {"state", "Succeeded"}}}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), ElementsAre("Delete"));
  const json stored = Stored();
  EXPECT_THAT(stored["metadata"]["finalizers"], ElementsAre("other/keep"));
  EXPECT_EQ(stored["status"]["lastOperation"]["type"], "Delete");
  EXPECT_EQ(stored["status"]["lastOperation"]["state"], "Succeeded");
}

TEST_F(ExtensionReconcilerTest, DeleteWithOnlyOurFinalizerLetsTheObjectGo) {
  SeedCluster();
  SeedExtension({{"metadata",
                  {{"finalizers", {"extensions.gardener.cloud/nvidia-gpu"}},
                   {"deletionTimestamp", FormatRfc3339(clock_.Now())}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), ElementsAre("Delete"));
  EXPECT_FALSE(client_.Get(kExtensions, {kNs, "nvidia-gpu"}).has_value());
}

TEST_F(ExtensionReconcilerTest, FailedDeleteKeepsTheFinalizer) {
  SeedCluster();
  SeedExtension({{"metadata",
                  {{"finalizers", {"extensions.gardener.cloud/nvidia-gpu"}},
                   {"deletionTimestamp", FormatRfc3339(clock_.Now())}}}});
  actuator_.scripts["Delete"] = [](const json&) -> Outcome {
    throw Error(ErrorCode::kRetryableInfraDependencies, "shoot API unreachable");
  };
  EXPECT_THROW(Run(), Error);
  const json stored = Stored();
  EXPECT_THAT(stored["metadata"]["finalizers"],
              ElementsAre("extensions.gardener.cloud/nvidia-gpu"));
  EXPECT_EQ(stored["status"]["lastError"]["description"],
            "Error deleting Extension: shoot API unreachable");
  EXPECT_THAT(stored["status"]["lastError"]["codes"],
              ElementsAre("ERR_RETRYABLE_INFRA_DEPENDENCIES"));
}

TEST_F(ExtensionReconcilerTest, DeleteWithoutOurFinalizerIsANoOp) {
  SeedCluster();
  SeedExtension(
      {{"metadata",
        {{"finalizers", {"other/keep"}}, {"deletionTimestamp", FormatRfc3339(clock_.Now())}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), IsEmpty());
}

TEST_F(ExtensionReconcilerTest, ForceDeletionOfTheShootCallsForceDelete) {
  SeedCluster({{"metadata",
                {{"deletionTimestamp", FormatRfc3339(clock_.Now())},
                 {"annotations", {{"confirmation.gardener.cloud/force-deletion", "true"}}}}}});
  SeedExtension({{"metadata",
                  {{"finalizers", {"extensions.gardener.cloud/nvidia-gpu"}},
                   {"deletionTimestamp", FormatRfc3339(clock_.Now())}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), ElementsAre("ForceDelete"));
}

TEST_F(ExtensionReconcilerTest, MigrateRemovesAllFinalizersAndTheAnnotationThenSkips) {
  SeedCluster();
  SeedExtension({{"metadata",
                  {{"finalizers", {"extensions.gardener.cloud/nvidia-gpu", "other/keep"}},
                   {"annotations", {{"gardener.cloud/operation", "migrate"}}}}},
                 {"status", {{"lastOperation", {{"type", "Reconcile"}, {"state", "Succeeded"}}}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), ElementsAre("Migrate"));
  json stored = Stored();
  EXPECT_THAT(stored["metadata"].value("finalizers", json::array()), IsEmpty());
  EXPECT_FALSE(stored["metadata"]["annotations"].contains("gardener.cloud/operation"));
  EXPECT_EQ(stored["status"]["lastOperation"]["type"], "Migrate");
  EXPECT_EQ(stored["status"]["lastOperation"]["state"], "Succeeded");

  // Migrated: a plain reconcile request (e.g. a resync) does nothing here any more.
  client_.Patch(kExtensions, {kNs, "nvidia-gpu"}, kube::PatchType::kMerge,
                {{"metadata", {{"annotations", {{"gardener.cloud/operation", "reconcile"}}}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), ElementsAre("Migrate"));

  // Restore (on the destination seed) runs, puts the finalizer back and drops the annotation.
  client_.Patch(kExtensions, {kNs, "nvidia-gpu"}, kube::PatchType::kMerge,
                {{"metadata", {{"annotations", {{"gardener.cloud/operation", "restore"}}}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), ElementsAre("Migrate", "Restore"));
  stored = Stored();
  EXPECT_THAT(stored["metadata"]["finalizers"],
              ElementsAre("extensions.gardener.cloud/nvidia-gpu"));
  EXPECT_FALSE(stored["metadata"]["annotations"].contains("gardener.cloud/operation"));
  EXPECT_EQ(stored["status"]["lastOperation"]["type"], "Restore");
  EXPECT_EQ(stored["status"]["lastOperation"]["state"], "Succeeded");
}

TEST_F(ExtensionReconcilerTest, UnfinishedRestoreIsContinued) {
  SeedCluster();
  SeedExtension({{"metadata", {{"annotations", nullptr}}},
                 {"status", {{"lastOperation", {{"type", "Restore"}, {"state", "Error"}}}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), ElementsAre("Restore"));
}

TEST_F(ExtensionReconcilerTest, SkipsFailedShootsWaitForStateForeignTypesAndMissingObjects) {
  SeedCluster({{"status", {{"lastOperation", {{"type", "Reconcile"}, {"state", "Failed"}}}}}});
  SeedExtension();
  Run();
  EXPECT_THAT(actuator_.Ops(), IsEmpty());
  EXPECT_FALSE(Stored().contains("status"));

  client_.Delete(kClusters, {"", kNs});
  client_.Patch(
      kExtensions, {kNs, "nvidia-gpu"}, kube::PatchType::kMerge,
      {{"metadata", {{"annotations", {{"gardener.cloud/operation", "wait-for-state"}}}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), IsEmpty());

  client_.Patch(kExtensions, {kNs, "nvidia-gpu"}, kube::PatchType::kMerge,
                {{"metadata", {{"annotations", nullptr}}}, {"spec", {{"type", "other"}}}});
  Run();
  EXPECT_THAT(actuator_.Ops(), IsEmpty());

  const kube::ReconcileContext ctx{
      .stop = {}, .log = Logger::Root(), .clock = clock_, .reconcile_id = "x"};
  EXPECT_EQ(reconciler_.Reconcile(ctx, {kNs, "absent"}), kube::Result{});
}

TEST_F(ExtensionReconcilerTest, NamespacesWithoutAClusterAreTolerated) {
  SeedExtension();
  Run();
  ASSERT_THAT(actuator_.Ops(), ElementsAre("Reconcile"));
  EXPECT_FALSE(actuator_.calls[0].cluster_present);
  EXPECT_EQ(Stored()["status"]["lastOperation"]["state"], "Succeeded");
}

TEST_F(ExtensionReconcilerTest, ContainerRuntimeUsesTheLibrarysFixedFinalizer) {
  RecordingActuator actuator;
  ExtensionReconciler reconciler(ExtensionKind::ContainerRuntime("nvidia"), client_, actuator,
                                 {.clock = &clock_});
  client_.Seed(kContainerRuntimes,
               {{"metadata", {{"name", "nvidia-gpu-a"}, {"namespace", kNs}, {"generation", 1}}},
                {"spec", {{"type", "nvidia"}, {"binaryPath", "/var/bin/containerruntimes"}}}});
  const kube::ReconcileContext ctx{
      .stop = {}, .log = Logger::Root(), .clock = clock_, .reconcile_id = "x"};
  reconciler.Reconcile(ctx, {kNs, "nvidia-gpu-a"});
  const json stored = client_.Get(kContainerRuntimes, {kNs, "nvidia-gpu-a"}).value();
  EXPECT_THAT(stored["metadata"]["finalizers"],
              ElementsAre("extensions.gardener.cloud/containerruntime"));
  EXPECT_EQ(stored["status"]["lastOperation"]["description"],
            "Successfully reconciled ContainerRuntime");
}

TEST(ExtensionPredicatesTest, FilterTypeClassAndOperationAnnotation) {
  const auto predicates = ExtensionPredicates(ExtensionKind::Extension("nvidia-gpu"), {});
  const json annotated = {
      {"metadata", {{"annotations", {{"gardener.cloud/operation", "reconcile"}}}}},
      {"spec", {{"type", "nvidia-gpu"}}}};
  const json succeeded = {
      {"metadata", json::object()},
      {"spec", {{"type", "nvidia-gpu"}}},
      {"status", {{"lastOperation", {{"type", "Reconcile"}, {"state", "Succeeded"}}}}}};
  json seed_class = annotated;
  seed_class["spec"]["class"] = "seed";
  json other_type = annotated;
  other_type["spec"]["type"] = "registry-cache";

  EXPECT_TRUE(kube::AllowCreate(predicates, annotated));
  EXPECT_FALSE(kube::AllowCreate(predicates, succeeded));
  EXPECT_FALSE(kube::AllowCreate(predicates, seed_class));
  EXPECT_FALSE(kube::AllowCreate(predicates, other_type));
  // Our own status write (no annotation) must not trigger another reconcile.
  EXPECT_FALSE(kube::AllowUpdate(predicates, succeeded, succeeded));
  EXPECT_TRUE(kube::AllowUpdate(predicates, succeeded, annotated));
  EXPECT_FALSE(kube::AllowDelete(predicates, annotated));

  const auto by_generation = ExtensionPredicates(ExtensionKind::Extension("nvidia-gpu"),
                                                 {.ignore_operation_annotation = true});
  json bumped = succeeded;
  bumped["metadata"]["generation"] = 2;
  EXPECT_TRUE(kube::AllowCreate(by_generation, succeeded));
  EXPECT_TRUE(kube::AllowUpdate(by_generation, succeeded, bumped));
  EXPECT_FALSE(kube::AllowUpdate(by_generation, succeeded, annotated));
}

}  // namespace
}  // namespace gpuext::gardener
