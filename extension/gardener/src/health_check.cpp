// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/health_check.h"

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gardener/operation.h"
#include "gpuext/kube/object.h"
#include "gpuext/time_format.h"

namespace gpuext::gardener {

using nlohmann::json;
using std::chrono::system_clock;

namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    out += (out.empty() ? "" : "; ") + p;
  }
  return out;
}

}  // namespace

json HealthCondition(const std::string& type, const std::vector<CheckOutcome>& outcomes,
                     const json& previous, system_clock::time_point now) {
  const std::size_t total = outcomes.size();
  std::vector<std::string> errors;
  std::vector<std::string> failed;
  std::vector<std::string> progressing;
  std::optional<std::chrono::seconds> threshold;
  for (const CheckOutcome& o : outcomes) {
    if (!o.result) {
      errors.push_back(o.error);
    } else if (o.result->status == HealthStatus::kUnhealthy) {
      failed.push_back(o.result->detail);
    } else if (o.result->status == HealthStatus::kProgressing) {
      progressing.push_back(o.result->detail);
      if (o.result->progressing_threshold) {
        threshold = threshold ? std::min(*threshold, *o.result->progressing_threshold)
                              : *o.result->progressing_threshold;
      }
    }
  }
  const std::string prev_status =
      previous.is_object() ? previous.value("status", std::string()) : std::string();
  const auto prev_transition = previous.is_object() && previous.contains("lastTransitionTime") &&
                                       previous["lastTransitionTime"].is_string()
                                   ? ParseRfc3339(previous["lastTransitionTime"].get<std::string>())
                                   : std::nullopt;

  std::string status;
  std::string reason;
  std::string message;
  if (!errors.empty()) {
    status = "Unknown";
    reason = "ConditionCheckError";
    message = "failed to execute " + std::to_string(errors.size()) + "/" + std::to_string(total) +
              " health checks: " + Join(errors);
  } else if (!failed.empty()) {
    status = "False";
    reason = "HealthCheckUnsuccessful";
    message = "(" + std::to_string(failed.size()) + "/" + std::to_string(total) +
              ") Health checks failed: " + Join(failed);
  } else if (!progressing.empty()) {
    status = "Progressing";
    reason = "HealthCheckProgressing";
    message = "(" + std::to_string(progressing.size()) + "/" + std::to_string(total) +
              ") Health checks progressing: " + Join(progressing);
    // Progressing for longer than the checks allow: the rollout is stuck, say so.
    if (prev_status == "Progressing" && threshold && prev_transition &&
        now - *prev_transition > *threshold) {
      status = "False";
      message += " (progressing for longer than " + std::to_string(threshold->count()) + "s)";
    } else if (prev_status == "False" && prev_transition && threshold &&
               previous.value("reason", "") == "HealthCheckProgressing") {
      status = "False";  // stays False until the rollout finishes or fails otherwise
    }
  } else {
    status = "True";
    reason = "HealthCheckSuccessful";
    message =
        "(" + std::to_string(total) + "/" + std::to_string(total) + ") Health checks successful";
  }
  const std::string now_text = FormatRfc3339(now);
  const bool transition = status != prev_status || !prev_transition;
  return {{"type", type},
          {"status", status},
          {"reason", reason},
          {"message", message},
          {"lastTransitionTime",
           transition ? now_text : previous["lastTransitionTime"].get<std::string>()},
          {"lastUpdateTime", now_text}};
}

HealthCheckReconciler::HealthCheckReconciler(ExtensionKind kind, kube::Client& seed,
                                             std::vector<ConditionChecks> checks,
                                             HealthCheckReconcilerOptions options)
    : kind_(std::move(kind)),
      seed_(seed),
      checks_(std::move(checks)),
      clock_(options.clock != nullptr ? *options.clock : RealClock::Instance()),
      sync_period_(options.sync_period) {}

kube::Result HealthCheckReconciler::Reconcile(const kube::ReconcileContext& ctx,
                                              const kube::Request& request) {
  const auto obj = seed_.Get(kind_.resource, request.Key());
  if (!obj) {
    return {};
  }
  std::optional<Cluster> cluster;
  if (auto c = seed_.Get(kClusters, {"", request.ns})) {
    cluster = Cluster::FromObject(*c);
  }
  const kube::Result again{.requeue_after = sync_period_};
  // Conditions of a deleting, migrated or sleeping shoot would only report noise.
  if (kube::IsBeingDeleted(*obj) || IsMigrated(*obj) || (cluster && cluster->IsHibernated())) {
    return again;
  }
  const ActuatorContext actx{
      .seed = seed_, .cluster = cluster, .log = ctx.log, .clock = clock_, .stop = ctx.stop};
  json conditions = json::array();
  const json existing = obj->contains("status") && (*obj)["status"].contains("conditions") &&
                                (*obj)["status"]["conditions"].is_array()
                            ? (*obj)["status"]["conditions"]
                            : json::array();
  for (const ConditionChecks& group : checks_) {
    std::vector<CheckOutcome> outcomes;
    for (const auto& check : group.checks) {
      try {
        outcomes.push_back({.result = check->Check(actx, *obj)});
      } catch (const std::exception& e) {
        outcomes.push_back({.error = DescribeException(e)});
      }
    }
    json previous;
    for (const json& c : existing) {
      if (c.is_object() && c.value("type", "") == group.condition_type) {
        previous = c;
      }
    }
    conditions.push_back(HealthCondition(group.condition_type, outcomes, previous, clock_.Now()));
  }
  // A merge patch replaces the whole list: keep the conditions other writers own.
  for (const json& c : existing) {
    bool ours = false;
    for (const ConditionChecks& group : checks_) {
      ours = ours || (c.is_object() && c.value("type", "") == group.condition_type);
    }
    if (!ours) {
      conditions.push_back(c);
    }
  }
  seed_.Patch(kind_.resource, request.Key(), kube::PatchType::kMerge,
              {{"status", {{"conditions", std::move(conditions)}}}}, kube::Subresource::kStatus);
  return again;
}

}  // namespace gpuext::gardener
