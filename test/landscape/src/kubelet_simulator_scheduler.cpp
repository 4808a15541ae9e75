// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// KubeletSimulator's SIMULATED device plugin (nvidia.com/gpu capacity while the agent's
// driver-ready label is on the node) and scheduler (binds Pending Pods to a node with room and
// reports them Running; nothing is executed for them).
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gpuext/time_format.h"
#include "kubelet_simulator_internal.h"

namespace gpuext::landscape {

using nlohmann::json;
using namespace kubelet_internal;

namespace {

std::string KsPodMeta(const json& obj, const char* key) {
  return obj.value("metadata", json::object()).value(key, std::string());
}

std::int64_t KsQuantity(const json& v) {
  if (v.is_number_integer()) {
    return v.get<std::int64_t>();
  }
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

// nvidia.com/gpu a pod asks for (limits, else requests; extended resources are whole units).
std::int64_t KsGpuRequest(const json& pod) {
  std::int64_t total = 0;
  const json containers = pod.value("/spec/containers"_json_pointer, json::array());
  for (const json& c : containers) {
    const json resources = c.value("resources", json::object());
    const json limits = resources.value("limits", json::object());
    const json requests = resources.value("requests", json::object());
    total += KsQuantity(limits.contains(kKsGpuResource) ? limits[kKsGpuResource]
                                                        : requests.value(kKsGpuResource, json()));
  }
  return total;
}

bool KsPodActive(const json& pod) {
  const std::string phase = pod.value("/status/phase"_json_pointer, std::string());
  return phase != "Succeeded" && phase != "Failed";
}

json KsPodCondition(const char* type, bool ok, const std::string& reason = {},
                    const std::string& message = {}) {
  json c = {{"type", type},
            {"status", ok ? "True" : "False"},
            {"lastTransitionTime", FormatRfc3339(std::chrono::system_clock::now())}};
  if (!reason.empty()) {
    c["reason"] = reason;
    c["message"] = message;
  }
  return c;
}

json KsRunningStatus(const json& pod) {
  const std::string now = FormatRfc3339(std::chrono::system_clock::now());
  json statuses = json::array();
  const json containers = pod.value("/spec/containers"_json_pointer, json::array());
  for (const json& c : containers) {
    statuses.push_back({{"name", c.value("name", std::string())},
                        {"image", c.value("image", std::string())},
                        {"ready", true},
                        {"started", true},
                        {"restartCount", 0},
                        {"state", {{"running", {{"startedAt", now}}}}}});
  }
  return {{"phase", "Running"},
          {"message", "SIMULATED: bound and reported running; no container was executed"},
          {"hostIP", "127.0.0.1"},
          {"startTime", now},
          {"containerStatuses", statuses},
          {"conditions",
           {KsPodCondition("PodScheduled", true), KsPodCondition("Initialized", true),
            KsPodCondition("ContainersReady", true), KsPodCondition("Ready", true)}}};
}

}  // namespace

void KubeletSimulator::Impl::SyncDevicePlugin(std::vector<json>& node_objects) {
  for (json& node : node_objects) {
    const std::string name = KsPodMeta(node, "name");
    const SimulatedNode& sim = nodes.at(name);
    const json labels = node.value("/metadata/labels"_json_pointer, json::object());
    const bool ready = labels.contains(kKsDriverReadyLabel) && sim.gpus > 0;
    const json want = ready ? json(std::to_string(sim.gpus)) : json();
    const json have = node.value("/status/allocatable"_json_pointer, json::object())
                          .value(kKsGpuResource, json());
    if (want == have) {
      continue;
    }
    node = shoot.Patch(
        kKsNodes, {"", name}, kube::PatchType::kMerge,
        {{"status",
          {{"capacity", {{kKsGpuResource, want}}}, {"allocatable", {{kKsGpuResource, want}}}}}},
        kube::Subresource::kStatus);
    log.Info(ready ? "SIMULATED device plugin offers nvidia.com/gpu"
                   : "SIMULATED device plugin withdrew nvidia.com/gpu",
             {{"node", name}, {"gpus", ready ? sim.gpus : 0}});
  }
}

void KubeletSimulator::Impl::SyncPods(const std::vector<json>& node_objects) {
  const json pods = shoot.List(kKsPods, {});
  std::map<std::string, std::int64_t> used;
  for (const json& pod : pods["items"]) {
    const std::string node = pod.value("/spec/nodeName"_json_pointer, std::string());
    if (!node.empty() && KsPodActive(pod)) {
      used[node] += KsGpuRequest(pod);
    }
  }
  for (const json& pod : pods["items"]) {
    const std::string ns = KsPodMeta(pod, "namespace");
    const std::string name = KsPodMeta(pod, "name");
    const json& meta = pod["metadata"];
    if (meta.contains("deletionTimestamp") && !meta["deletionTimestamp"].is_null()) {
      continue;
    }
    const std::string phase = pod.value("/status/phase"_json_pointer, std::string());
    if (!phase.empty() && phase != "Pending") {
      continue;
    }
    std::string node = pod.value("/spec/nodeName"_json_pointer, std::string());
    if (!node.empty()) {
      // Bound elsewhere (or by hand): the SIMULATED kubelet of our node reports it running.
      if (nodes.contains(node)) {
        shoot.Patch(kKsPods, {ns, name}, kube::PatchType::kMerge,
                    {{"status", KsRunningStatus(pod)}}, kube::Subresource::kStatus);
      }
      continue;
    }
    const json spec = pod.value("spec", json::object());
    const std::int64_t want = KsGpuRequest(pod);
    int no_match = 0;
    int no_gpu = 0;
    for (const json& candidate : node_objects) {
      const std::string cname = KsPodMeta(candidate, "name");
      if (!NodeMatchesPodSpec(candidate, spec)) {
        ++no_match;
        continue;
      }
      const std::int64_t allocatable =
          KsQuantity(candidate.value("/status/allocatable"_json_pointer, json::object())
                         .value(kKsGpuResource, json()));
      if (want > 0 && allocatable - used[cname] < want) {
        ++no_gpu;
        continue;
      }
      node = cname;
      break;
    }
    if (node.empty()) {
      std::vector<std::string> why;
      if (no_gpu > 0) {
        why.push_back(fmt::format("{} Insufficient {}", no_gpu, kKsGpuResource));
      }
      if (no_match > 0) {
        why.push_back(
            fmt::format("{} node(s) didn't match Pod's node affinity/selector", no_match));
      }
      const std::string message =
          fmt::format("0/{} nodes are available: {}.", node_objects.size(), fmt::join(why, ", "));
      const json conditions = pod.value("/status/conditions"_json_pointer, json::array());
      const bool same = std::any_of(conditions.begin(), conditions.end(), [&](const json& c) {
        return c.value("type", "") == "PodScheduled" && c.value("message", "") == message;
      });
      if (!same) {
        shoot.Patch(
            kKsPods, {ns, name}, kube::PatchType::kMerge,
            {{"status",
              {{"phase", "Pending"},
               {"conditions", {KsPodCondition("PodScheduled", false, "Unschedulable", message)}}}}},
            kube::Subresource::kStatus);
        log.Info("SIMULATED scheduler cannot place pod",
                 {{"pod", ns + "/" + name}, {"message", message}});
      }
      continue;
    }
    // The emulator has no pods/binding subresource: the binding is a patch of spec.nodeName.
    const json bound =
        shoot.Patch(kKsPods, {ns, name}, kube::PatchType::kMerge, {{"spec", {{"nodeName", node}}}});
    shoot.Patch(kKsPods, {ns, name}, kube::PatchType::kMerge, {{"status", KsRunningStatus(bound)}},
                kube::Subresource::kStatus);
    used[node] += want;
    CountStat([](Stats& s) { ++s.pods_bound; });
    log.Info("SIMULATED scheduler bound pod",
             {{"pod", ns + "/" + name}, {"node", node}, {"gpus", want}});
  }
}

}  // namespace gpuext::landscape
