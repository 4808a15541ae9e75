// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/health_check.h"

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/time_format.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kShootNamespace = "shoot--p--s";
const auto kT0 = std::chrono::system_clock::time_point(1'790'000'000s);

CheckOutcome Healthy() { return {.result = HealthCheckResult{}}; }
CheckOutcome Unhealthy(const std::string& detail) {
  return {.result = HealthCheckResult{.status = HealthStatus::kUnhealthy, .detail = detail}};
}
CheckOutcome Progressing(const std::string& detail, std::chrono::seconds threshold = 300s) {
  return {.result = HealthCheckResult{.status = HealthStatus::kProgressing,
                                      .detail = detail,
                                      .progressing_threshold = threshold}};
}

TEST(HealthConditionTest, AllHealthyIsTrueWithGardenersMessage) {
  const json c = HealthCondition("SystemComponentsHealthy", {Healthy(), Healthy()}, nullptr, kT0);
  EXPECT_EQ(c["type"], "SystemComponentsHealthy");
  EXPECT_EQ(c["status"], "True");
  EXPECT_EQ(c["reason"], "HealthCheckSuccessful");
  EXPECT_EQ(c["message"], "(2/2) Health checks successful");
  EXPECT_EQ(c["lastTransitionTime"], FormatRfc3339(kT0));
}

TEST(HealthConditionTest, UnhealthyWinsOverProgressingAndNamesTheDetail) {
  const json c = HealthCondition(
      "EveryNodeReady", {Healthy(), Progressing("rolling"), Unhealthy("DaemonSet x: 1/3 ready")},
      nullptr, kT0);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "HealthCheckUnsuccessful");
  EXPECT_EQ(c["message"], "(1/3) Health checks failed: DaemonSet x: 1/3 ready");
}

TEST(HealthConditionTest, ACheckErrorMakesItUnknown) {
  const json c =
      HealthCondition("SystemComponentsHealthy",
                      {Unhealthy("x"), {.error = "shoot API unreachable"}}, nullptr, kT0);
  EXPECT_EQ(c["status"], "Unknown");
  EXPECT_EQ(c["reason"], "ConditionCheckError");
  EXPECT_EQ(c["message"], "failed to execute 1/2 health checks: shoot API unreachable");
}

TEST(HealthConditionTest, ProgressingTurnsFalseAfterItsThresholdAndStaysFalse) {
  json c = HealthCondition("SystemComponentsHealthy", {Progressing("driver build running")},
                           nullptr, kT0);
  EXPECT_EQ(c["status"], "Progressing");
  EXPECT_EQ(c["reason"], "HealthCheckProgressing");
  EXPECT_EQ(c["message"], "(1/1) Health checks progressing: driver build running");

  // Within the threshold: still Progressing, transition time kept.
  c = HealthCondition("SystemComponentsHealthy", {Progressing("driver build running")}, c,
                      kT0 + 299s);
  EXPECT_EQ(c["status"], "Progressing");
  EXPECT_EQ(c["lastTransitionTime"], FormatRfc3339(kT0));
  EXPECT_EQ(c["lastUpdateTime"], FormatRfc3339(kT0 + 299s));

  c = HealthCondition("SystemComponentsHealthy", {Progressing("driver build running")}, c,
                      kT0 + 301s);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "HealthCheckProgressing");
  EXPECT_EQ(c["lastTransitionTime"], FormatRfc3339(kT0 + 301s));

  c = HealthCondition("SystemComponentsHealthy", {Progressing("driver build running")}, c,
                      kT0 + 400s);
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["lastTransitionTime"], FormatRfc3339(kT0 + 301s));

  c = HealthCondition("SystemComponentsHealthy", {Healthy()}, c, kT0 + 500s);
  EXPECT_EQ(c["status"], "True");
  EXPECT_EQ(c["lastTransitionTime"], FormatRfc3339(kT0 + 500s));
}

class FuncCheck final : public HealthCheck {
 public:
  explicit FuncCheck(std::function<HealthCheckResult(const json&)> f) : f_(std::move(f)) {}
  HealthCheckResult Check(const ActuatorContext&, const json& obj) override { return f_(obj); }

 private:
  std::function<HealthCheckResult(const json&)> f_;
};

class HealthCheckReconcilerTest : public ::testing::Test {
 protected:
  HealthCheckReconcilerTest() { clock_.SetWallTime(kT0); }

  HealthCheckReconciler Make(HealthStatus system, bool node_throws) {
    std::vector<ConditionChecks> checks;
    checks.push_back({"SystemComponentsHealthy", {}});
    checks.back().checks.push_back(std::make_unique<FuncCheck>(
        [system](const json&) { return HealthCheckResult{.status = system, .detail = "mr"}; }));
    checks.push_back({"EveryNodeReady", {}});
    checks.back().checks.push_back(std::make_unique<FuncCheck>([node_throws](const json&) {
      if (node_throws) {
        throw std::runtime_error("cannot reach the shoot");
      }
      return HealthCheckResult{};
    }));
    return HealthCheckReconciler(ExtensionKind::Extension("nvidia-gpu"), client_, std::move(checks),
                                 {.clock = &clock_, .sync_period = 30s});
  }

  kube::Result Run(HealthCheckReconciler& r) {
    const kube::ReconcileContext ctx{
        .stop = {}, .log = Logger::Root(), .clock = clock_, .reconcile_id = "h"};
    return r.Reconcile(ctx, {kShootNamespace, "nvidia-gpu"});
  }

  json Conditions() {
    return client_.Get(kExtensions, {kShootNamespace, "nvidia-gpu"})
        .value()["status"]["conditions"];
  }

  void SeedCluster(bool hibernated) {
    client_.Seed(kClusters, {{"metadata", {{"name", kShootNamespace}}},
                             {"spec",
                              {{"shoot", {{"spec", {{"hibernation", {{"enabled", hibernated}}}}}}},
                               {"cloudProfile", json::object()}}}});
  }

  testing::FakeClock clock_;
  kube::testing::FakeClient client_{{.clock = &clock_}};
};

TEST_F(HealthCheckReconcilerTest, WritesOneConditionPerTypeAndKeepsForeignOnes) {
  client_.Seed(kExtensions,
               {{"metadata", {{"name", "nvidia-gpu"}, {"namespace", kShootNamespace}}},
                {"spec", {{"type", "nvidia-gpu"}}},
                {"status", {{"conditions", {{{"type", "Foreign"}, {"status", "True"}}}}}}});
  SeedCluster(false);
  auto reconciler = Make(HealthStatus::kUnhealthy, /*node_throws=*/true);
  EXPECT_EQ(Run(reconciler).requeue_after, 30s);
  const json c = Conditions();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0]["type"], "SystemComponentsHealthy");
  EXPECT_EQ(c[0]["status"], "False");
  EXPECT_EQ(c[1]["type"], "EveryNodeReady");
  EXPECT_EQ(c[1]["status"], "Unknown");
  EXPECT_EQ(c[1]["message"], "failed to execute 1/1 health checks: cannot reach the shoot");
  EXPECT_EQ(c[2]["type"], "Foreign");

  // The next run replaces our conditions in place, not appends.
  auto healthy = Make(HealthStatus::kHealthy, /*node_throws=*/false);
  Run(healthy);
  const json again = Conditions();
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[0]["message"], "(1/1) Health checks successful");
  EXPECT_EQ(again[1]["status"], "True");
}

TEST_F(HealthCheckReconcilerTest, SkipsHibernatedShootsAndDeletingObjects) {
  client_.Seed(kExtensions, {{"metadata", {{"name", "nvidia-gpu"}, {"namespace", kShootNamespace}}},
                             {"spec", {{"type", "nvidia-gpu"}}}});
  SeedCluster(true);
  auto reconciler = Make(HealthStatus::kUnhealthy, false);
  EXPECT_EQ(Run(reconciler).requeue_after, 30s);
  EXPECT_FALSE(
      client_.Get(kExtensions, {kShootNamespace, "nvidia-gpu"}).value().contains("status"));

  client_.Delete(kClusters, {"", kShootNamespace});
  client_.Patch(kExtensions, {kShootNamespace, "nvidia-gpu"}, kube::PatchType::kMerge,
                {{"metadata", {{"finalizers", {"x/y"}}}}});
  client_.Delete(kExtensions, {kShootNamespace, "nvidia-gpu"});
  Run(reconciler);
  EXPECT_FALSE(
      client_.Get(kExtensions, {kShootNamespace, "nvidia-gpu"}).value().contains("status"));
}

}  // namespace
}  // namespace gpuext::gardener
