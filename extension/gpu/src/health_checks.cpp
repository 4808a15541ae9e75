// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/health_checks.h"

#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "actuator_support.h"
#include "gpuext/gardener/managed_resource.h"
#include "gpuext/gpu/extension_actuator.h"
#include "gpuext/gpu/names.h"

namespace gpuext::gpu {
namespace {

using gardener::HealthCheckResult;
using gardener::HealthStatus;
using nlohmann::json;
namespace api = gpuruntime::api;

// kDriverReadyLabel as a JSON pointer below metadata.labels ('/' escaped as ~1).
const json::json_pointer kDriverReadyLabelPointer(
    "/metadata/labels/gpu.extensions.gardener.cloud~1driver-ready");

std::string StringAt(const json& obj, const json::json_pointer& ptr) {
  const json value = obj.value(ptr, json());
  return value.is_string() ? value.get<std::string>() : "";
}

json DriverCondition(const json& node) {
  for (const json& condition : node.value("/status/conditions"_json_pointer, json::array())) {
    if (condition.value("type", "") == kDriverReadyCondition) {
      return condition;
    }
  }
  return json();
}

bool OffersGpus(const json& node) {
  const std::string count = StringAt(node, "/status/allocatable/nvidia.com~1gpu"_json_pointer);
  return !count.empty() && count != "0";
}

// What one not-ready node is doing, in words that group nodes in the same state.
struct NodeState {
  bool failed = false;
  std::string words;
};

NodeState StateOf(const json& node, const std::string& version) {
  const json condition = DriverCondition(node);
  const std::string kernel = StringAt(node, "/status/nodeInfo/kernelVersion"_json_pointer);
  if (condition.is_null()) {
    return {false, "waiting for the node agent"};
  }
  std::string reason = condition.value("reason", "");
  // The simulated kernel backend marks its reasons; the phase is the same.
  if (reason.ends_with("Simulated")) {
    reason.resize(reason.size() - std::string_view("Simulated").size());
  }
  const std::string status = condition.value("status", "");
  if (status == "True") {
    const std::string running = StringAt(node, kDriverReadyLabelPointer);
    if (running != version) {
      return {false, fmt::format("running driver {} instead of {}",
                                 running.empty() ? "none" : running, version)};
    }
    return {false, "waiting for the device plugin to offer nvidia.com/gpu"};
  }
  if (reason == "Detecting") {
    return {false, "detecting GPUs"};
  }
  if (reason == "Downloading") {
    return {false, fmt::format("downloading driver {}", version)};
  }
  if (reason == "WaitingForBuild") {
    return {false, fmt::format("waiting for driver {} build for {}", version, kernel)};
  }
  if (reason == "Verifying") {
    return {false, fmt::format("verifying driver {}", version)};
  }
  if (reason == "Installing") {
    return {false, fmt::format("installing driver {}", version)};
  }
  // Failed, NoGPU and the agent's refusals (signature, vermagic, Secure Boot, ...).
  const std::string message = condition.value("message", "");
  return {true, fmt::format("failed ({}{}{})", reason, message.empty() ? "" : ": ", message)};
}

}  // namespace

std::vector<std::string> ExtensionHealthManagedResources(const json& /*ext*/) {
  return ExtensionManagedResources();
}

std::vector<std::string> RuntimeHealthManagedResources(const json& cr) {
  const json pool = cr.value("/spec/workerPool/name"_json_pointer, json());
  return {pool.is_string() ? AgentMrName(pool.get<std::string>()) : std::string(kAgentSharedMr)};
}

ManagedResourcesHealthy::ManagedResourcesHealthy(ManagedResourceNamesFor names,
                                                 std::chrono::seconds progressing_threshold)
    : names_(std::move(names)), progressing_threshold_(progressing_threshold) {}

HealthCheckResult ManagedResourcesHealthy::Check(const gardener::ActuatorContext& ctx,
                                                 const json& obj) {
  const std::string ns = internal::NamespaceOf(obj);
  gardener::ManagedResources mrs(ctx.seed, ctx.clock, std::string(kOrigin));
  std::vector<std::string> unhealthy;
  std::vector<std::string> progressing;
  bool any = false;
  for (const std::string& name : names_(obj)) {
    // The driver cache MR exists only with cache.mode server; absent MRs are not ours to judge.
    const gardener::ManagedResourceHealth health = mrs.CheckHealth(ns, name);
    if (!health.exists) {
      continue;
    }
    any = true;
    if (health.healthy && !health.progressing) {
      continue;
    }
    (health.healthy || health.progressing ? progressing : unhealthy)
        .push_back(fmt::format("ManagedResource {}: {}", name, health.message));
  }
  if (!any) {
    return {.status = HealthStatus::kUnhealthy,
            .detail = "no ManagedResource deployed yet; the last reconcile may have failed"};
  }
  if (!unhealthy.empty()) {
    return {.status = HealthStatus::kUnhealthy,
            .detail = fmt::format("{}", fmt::join(unhealthy, "; "))};
  }
  if (!progressing.empty()) {
    return {.status = HealthStatus::kProgressing,
            .detail = fmt::format("{}", fmt::join(progressing, "; ")),
            .progressing_threshold = progressing_threshold_};
  }
  return {};
}

HealthCheckResult EvaluateGpuNodes(const ShootPlan& plan, const std::vector<json>& nodes,
                                   std::chrono::seconds driver_ready_timeout) {
  std::map<std::string, std::string> version_of_pool;
  for (const api::ResolvedPool& pool : plan.pools) {
    version_of_pool[pool.name] = pool.driver.version;
  }
  int total = 0;
  int ready = 0;
  std::map<std::string, int> waiting;  // words -> nodes, sorted for a stable message
  std::vector<std::string> failures;
  for (const json& node : nodes) {
    const std::string pool =
        StringAt(node, "/metadata/labels/worker.gardener.cloud~1pool"_json_pointer);
    const auto version = version_of_pool.find(pool);
    if (version == version_of_pool.end()) {
      continue;  // not a GPU pool
    }
    ++total;
    const json condition = DriverCondition(node);
    const std::string running = StringAt(node, kDriverReadyLabelPointer);
    if (condition.is_object() && condition.value("status", "") == "True" &&
        running == version->second && OffersGpus(node)) {
      ++ready;
      continue;
    }
    const NodeState state = StateOf(node, version->second);
    if (state.failed) {
      failures.push_back(
          fmt::format("node {} {}", StringAt(node, "/metadata/name"_json_pointer), state.words));
    } else {
      ++waiting[state.words];
    }
  }
  if (total == 0) {
    return {.status = HealthStatus::kHealthy, .detail = "no GPU nodes"};
  }
  std::string detail = fmt::format("{}/{} GPU nodes ready", ready, total);
  for (const auto& [words, count] : waiting) {
    detail += fmt::format(", {} {}", count, words);
  }
  if (!failures.empty()) {
    detail += fmt::format(", {}", fmt::join(failures, ", "));
    return {.status = HealthStatus::kUnhealthy, .detail = detail};
  }
  if (ready < total) {
    return {.status = HealthStatus::kProgressing,
            .detail = detail,
            .progressing_threshold = driver_ready_timeout};
  }
  return {.status = HealthStatus::kHealthy, .detail = detail};
}

GpuNodesReady::GpuNodesReady(const api::ControllerConfiguration& component,
                             ShootClientFactory shoot_client)
    : component_(component), shoot_client_(std::move(shoot_client)) {}

HealthCheckResult GpuNodesReady::Check(const gardener::ActuatorContext& ctx, const json& obj) {
  const ShootPlan plan = PlanShoot(internal::RequireCluster(ctx), component_);
  if (plan.pools.empty()) {
    return {.status = HealthStatus::kHealthy, .detail = "no GPU pools"};
  }
  const std::unique_ptr<kube::Client> shoot = shoot_client_(ctx.seed, internal::NamespaceOf(obj));
  const json list = shoot->List(kShootNodes, {.label_selector = std::string(kWorkerPoolLabel)});
  std::vector<json> nodes;
  for (const json& node : list.value("items", json::array())) {
    nodes.push_back(node);
  }
  return EvaluateGpuNodes(
      plan, nodes,
      std::chrono::duration_cast<std::chrono::seconds>(component_.health.driver_ready_timeout));
}

}  // namespace gpuext::gpu
