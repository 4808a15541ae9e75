// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Health checks of extension objects, as Gardener's healthcheck framework runs them
// (DESIGN.md §7 "Health framework", gardener-contract.md §1.2): per condition type a list of
// checks, run every sync period, summarised into one status.conditions[] entry that gardenlet
// folds into the Shoot's conditions (SystemComponentsHealthy, EveryNodeReady).
//
//   std::vector<ConditionChecks> checks;
//   checks.push_back({"SystemComponentsHealthy", {}});
//   checks.back().checks.push_back(std::make_unique<ManagedResourceHealthy>("extension-gpu-nfd"));
//   HealthCheckReconciler health(ExtensionKind::Extension("nvidia-gpu"), seed, std::move(checks));
//
// Condition per type:
//   - every check healthy: True, reason HealthCheckSuccessful, "(2/2) Health checks successful";
//   - a check unhealthy: False, reason HealthCheckUnsuccessful, the failed checks' details;
//   - otherwise a check progressing: status Progressing, reason HealthCheckProgressing; once the
//     condition has been Progressing longer than the check's threshold it turns False (still
//     reason HealthCheckProgressing), so a rollout that never finishes becomes visible;
//   - a check threw: Unknown, reason ConditionCheckError, the error.
// lastTransitionTime changes only when the status does; lastUpdateTime on every write.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/clock.h"
#include "gpuext/gardener/actuator.h"
#include "gpuext/gardener/extension_reconciler.h"
#include "gpuext/kube/reconciler.h"

namespace gpuext::gardener {

enum class HealthStatus { kHealthy, kUnhealthy, kProgressing };

struct HealthCheckResult {
  HealthStatus status = HealthStatus::kHealthy;
  // Why it is not healthy, for the condition message ("DaemonSet gpu-node-agent: 1/3 ready").
  std::string detail = {};
  // For kProgressing: how long the condition may stay Progressing before it turns False.
  std::optional<std::chrono::seconds> progressing_threshold = std::nullopt;
};

class HealthCheck {
 public:
  virtual ~HealthCheck() = default;
  // Judges the object (an Extension or ContainerRuntime); throws when it cannot tell (the
  // condition becomes Unknown with ConditionCheckError).
  virtual HealthCheckResult Check(const ActuatorContext& ctx, const nlohmann::json& obj) = 0;
};

struct ConditionChecks {
  std::string condition_type;  // e.g. "SystemComponentsHealthy"
  std::vector<std::unique_ptr<HealthCheck>> checks;
};

// The outcome of one check run: a result, or the error text of a check that threw.
struct CheckOutcome {
  std::optional<HealthCheckResult> result = std::nullopt;
  std::string error = {};
};

// Pure: the condition for `type` from the outcomes of its checks, given the condition of that
// type currently in status (or null) for lastTransitionTime and the progressing threshold.
[[nodiscard]] nlohmann::json HealthCondition(const std::string& type,
                                             const std::vector<CheckOutcome>& outcomes,
                                             const nlohmann::json& previous,
                                             std::chrono::system_clock::time_point now);

struct HealthCheckReconcilerOptions {
  Clock* clock = nullptr;  // nullptr: RealClock::Instance()
  std::chrono::seconds sync_period = std::chrono::seconds(30);
};

// Runs the checks of every condition type for one object and merge-patches status.conditions
// (conditions of other types are kept). Skips objects being deleted, migrated objects and
// hibernated shoots. Always asks to run again after sync_period.
class HealthCheckReconciler final : public kube::Reconciler {
 public:
  HealthCheckReconciler(ExtensionKind kind, kube::Client& seed, std::vector<ConditionChecks> checks,
                        HealthCheckReconcilerOptions options = {});

  kube::Result Reconcile(const kube::ReconcileContext& ctx, const kube::Request& request) override;

 private:
  const ExtensionKind kind_;
  kube::Client& seed_;
  std::vector<ConditionChecks> checks_;
  Clock& clock_;
  const std::chrono::seconds sync_period_;
};

}  // namespace gpuext::gardener
