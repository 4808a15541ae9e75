// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The demo's phases. Each reads only what a user could read through the API servers.

#include <set>

#include <fmt/format.h>

#include "demo_story_impl.h"
#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/testing/process.h"

namespace gpuext::landscape {

using nlohmann::json;

namespace {

constexpr const char* kStoryDriverReadyLabel = "gpu.extensions.gardener.cloud/driver-ready";
constexpr const char* kStoryPoolLabel = "worker.gardener.cloud/pool";
constexpr const char* kStoryKeyAnnotation = "cache.gpu.extensions.gardener.cloud/key";

bool StoryPoolHasNvidia(const json& pool) {
  const json runtimes = pool.value("/cri/containerRuntimes"_json_pointer, json::array());
  for (const json& r : runtimes) {
    if (r.value("type", "") == "nvidia") {
      return true;
    }
  }
  return false;
}

// The state of an extension object as gardenlet reads it: "Reconcile Succeeded".
std::string StoryLastOperation(const json& obj) {
  const json op = obj.value("/status/lastOperation"_json_pointer, json::object());
  if (op.empty()) {
    return "no status yet";
  }
  return op.value("type", "?") + " " + op.value("state", "?");
}

std::string StoryCondition(const json& node, const std::string& type) {
  const json conditions = node.value("/status/conditions"_json_pointer, json::array());
  for (const json& c : conditions) {
    if (c.value("type", "") == type) {
      return c.value("reason", "?");
    }
  }
  return "no agent yet";
}

std::vector<json> StoryGpuNodes(kube::Client& shoot, const std::set<std::string>& pools) {
  std::vector<json> nodes;
  const json list = shoot.List(kStoryNodes, {});
  const json items = list.value("items", json::array());
  for (const json& node : items) {
    const json labels = node.value("/metadata/labels"_json_pointer, json::object());
    if (pools.contains(labels.value(kStoryPoolLabel, ""))) {
      nodes.push_back(node);
    }
  }
  return nodes;
}

std::set<std::string> StoryGpuPools(const json& shoot) {
  std::set<std::string> pools;
  const json workers = shoot.value("/spec/provider/workers"_json_pointer, json::array());
  for (const json& pool : workers) {
    if (StoryPoolHasNvidia(pool)) {
      pools.insert(pool.value("name", ""));
    }
  }
  return pools;
}

}  // namespace

std::string DemoStory::Impl::ApplyShoot() {
  const std::string kubeconfig = "--kubeconfig=" + options.garden_kubeconfig.string();
  const auto original =
      testing::RunProcess({options.kubectl.string(), kubeconfig, "create", "--dry-run=client", "-o",
                           "json", "-f", options.shoot_file.string()});
  if (original.exit_code != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                options.shoot_file.string() + ": " + original.stderr_text);
  }
  Detail("$ kubectl apply -f " + options.shoot_file.string());
  const auto applied = testing::RunProcess(
      {options.kubectl.string(), kubeconfig, "apply", "-f", options.shoot_file.string()});
  for (const std::string& text : {applied.stdout_text, applied.stderr_text}) {
    if (!text.empty()) {
      Detail(text.substr(0, text.find_last_not_of('\n') + 1));
    }
  }
  if (applied.exit_code != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "kubectl apply refused the Shoot: " + applied.stderr_text);
  }
  const json before = json::parse(original.stdout_text);
  const std::string ns = before["metadata"].value("namespace", "default");
  const std::string name = before["metadata"].value("name", "");
  shoot_object = garden->Get(kStoryShoots, {ns, name}).value_or(json::object());
  std::string project = ns.rfind("garden-", 0) == 0 ? ns.substr(7) : ns;
  report.seed_namespace = "shoot--" + project + "--" + name;

  // What the webhook changed: each pool's cri before and after.
  const json old_workers = before.value("/spec/provider/workers"_json_pointer, json::array());
  const json new_workers = shoot_object.value("/spec/provider/workers"_json_pointer, json::array());
  Detail("the webhook's mutation (cri per pool, before -> after):");
  for (const json& pool : new_workers) {
    json old_cri = nullptr;
    for (const json& old_pool : old_workers) {
      if (old_pool.value("name", "") == pool.value("name", "")) {
        old_cri = old_pool.value("cri", json());
      }
    }
    Detail(fmt::format("  pool {}: {} -> {}", pool.value("name", "?"),
                       old_cri.is_null() ? "(none)" : old_cri.dump(),
                       pool.value("cri", json()).is_null() ? "(none)" : pool["cri"].dump()));
  }
  const std::set<std::string> pools = StoryGpuPools(shoot_object);
  if (pools.empty()) {
    throw Error(ErrorCode::kNotReady,
                "no worker pool got the nvidia runtime; is gpu-admission registered?");
  }
  return fmt::format("GPU pools: {}", fmt::join(pools, ", "));
}

std::string DemoStory::Impl::WaitShootReconciled() {
  const std::string ns = report.seed_namespace;
  return WaitUntil([&](std::string& progress) -> std::optional<std::string> {
    std::vector<std::string> parts;
    bool all = true;
    int objects = 0;
    for (const auto* resource : {&kStoryExtensions, &kStoryContainerRuntimes}) {
      const json list = garden->List(*resource, {.ns = ns});
      const json items = list.value("items", json::array());
      for (const json& obj : items) {
        ++objects;
        const std::string state = StoryLastOperation(obj);
        all = all && state.ends_with("Succeeded");
        parts.push_back(fmt::format("{} {}: {}", obj.value("kind", "?"),
                                    obj["metadata"].value("name", "?"), state));
      }
    }
    const json shoot_now = garden
                               ->Get(kStoryShoots, {shoot_object["metadata"]["namespace"],
                                                    shoot_object["metadata"]["name"]})
                               .value_or(json::object());
    const std::string shoot_state = StoryLastOperation(shoot_now);
    parts.push_back("Shoot: " + shoot_state);
    progress = fmt::format("{}", fmt::join(parts, "; "));
    if (all && objects >= 2 && shoot_state == "Reconcile Succeeded") {
      return fmt::format("{} extension objects Succeeded in {}", objects, ns);
    }
    if (shoot_state == "Reconcile Error") {
      const json errors = shoot_now.value("/status/lastErrors"_json_pointer, json::array());
      progress += errors.empty() ? "" : " (" + errors[0].value("description", "") + ")";
    }
    return std::nullopt;
  });
}

std::string DemoStory::Impl::WaitManagedResources() {
  const std::string ns = report.seed_namespace;
  return WaitUntil([&](std::string& progress) -> std::optional<std::string> {
    const json list = garden->List(kStoryManagedResources, {.ns = ns});
    const json items = list.value("items", json::array());
    std::vector<std::string> applied;
    std::vector<std::string> waiting;
    for (const json& mr : items) {
      bool ok = false;
      const json conditions = mr.value("/status/conditions"_json_pointer, json::array());
      for (const json& c : conditions) {
        ok = ok || (c.value("type", "") == "ResourcesApplied" && c.value("status", "") == "True");
      }
      (ok ? applied : waiting).push_back(mr["metadata"].value("name", "?"));
    }
    progress = fmt::format("applied: [{}] waiting: [{}]", fmt::join(applied, ", "),
                           fmt::join(waiting, ", "));
    if (!applied.empty() && waiting.empty()) {
      return fmt::format("{} ManagedResources applied", applied.size());
    }
    return std::nullopt;
  });
}

void DemoStory::Impl::CountBuilds() {
  const json jobs =
      shoot->List(kStoryJobs, {.label_selector = "app.kubernetes.io/name=gpu-driver-builder"});
  report.builds_per_key.clear();
  for (const json& job : jobs.value("items", json::array())) {
    ++report.builds_per_key[job.value("/metadata/annotations"_json_pointer, json::object())
                                .value(kStoryKeyAnnotation, job["metadata"].value("name", "?"))];
  }
}

std::string DemoStory::Impl::WaitFirstBuild() {
  const std::set<std::string> pools = StoryGpuPools(shoot_object);
  return WaitUntil([&](std::string& progress) -> std::optional<std::string> {
    const json jobs =
        shoot->List(kStoryJobs, {.label_selector = "app.kubernetes.io/name=gpu-driver-builder"});
    const json items = jobs.value("items", json::array());
    std::vector<std::string> parts;
    int done = 0;
    report.builds_per_key.clear();
    for (const json& job : items) {
      const std::string key = job.value("/metadata/annotations"_json_pointer, json::object())
                                  .value(kStoryKeyAnnotation, job["metadata"].value("name", "?"));
      ++report.builds_per_key[key];
      const bool succeeded = job.value("/status/succeeded"_json_pointer, 0) > 0;
      done += succeeded ? 1 : 0;
      const std::string holder = job.value("/metadata/annotations"_json_pointer, json::object())
                                     .value("cache.gpu.extensions.gardener.cloud/requested-by", "");
      parts.push_back(fmt::format("Job {} ({}{}): {}", job["metadata"].value("name", "?"), key,
                                  holder.empty() ? "" : ", lease held for " + holder,
                                  succeeded ? "succeeded" : "running"));
    }
    for (const json& node : StoryGpuNodes(*shoot, pools)) {
      parts.push_back(fmt::format("{}: {}", node["metadata"].value("name", "?"),
                                  StoryCondition(node, "GPUDriverReady")));
    }
    progress = fmt::format("{}", fmt::join(parts, "; "));
    if (!items.empty() && done == static_cast<int>(items.size())) {
      return fmt::format("{} build(s) finished", done);
    }
    return std::nullopt;
  });
}

std::string DemoStory::Impl::WaitDriversReady() {
  const std::set<std::string> pools = StoryGpuPools(shoot_object);
  return WaitUntil([&](std::string& progress) -> std::optional<std::string> {
    const std::vector<json> nodes = StoryGpuNodes(*shoot, pools);
    std::vector<std::string> parts;
    int ready = 0;
    for (const json& node : nodes) {
      const json labels = node.value("/metadata/labels"_json_pointer, json::object());
      const std::string version = labels.value(kStoryDriverReadyLabel, "");
      ready += version.empty() ? 0 : 1;
      parts.push_back(fmt::format("{}: {}{}", node["metadata"].value("name", "?"),
                                  StoryCondition(node, "GPUDriverReady"),
                                  version.empty() ? "" : " (driver " + version + ")"));
    }
    report.gpu_nodes = static_cast<int>(nodes.size());
    report.gpu_nodes_ready = ready;
    CountBuilds();
    progress = fmt::format("{}", fmt::join(parts, "; "));
    if (!nodes.empty() && ready == static_cast<int>(nodes.size())) {
      return fmt::format("{}/{} GPU nodes ready", ready, nodes.size());
    }
    return std::nullopt;
  });
}

std::string DemoStory::Impl::ScheduleGpuPod() {
  const json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", "gpu-test"}, {"namespace", "default"}}},
      {"spec",
       {{"restartPolicy", "Never"},
        {"containers", json::array({{{"name", "cuda"},
                                     {"image", "nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04"},
                                     {"command", json::array({"nvidia-smi"})},
                                     {"resources", {{"limits", {{"nvidia.com/gpu", 1}}}}}}})}}}};
  Detail("$ kubectl apply -f - <<< gpu-test (limits nvidia.com/gpu: 1)");
  const auto applied =
      testing::RunProcess({options.kubectl.string(),
                           "--kubeconfig=" + options.shoot_kubeconfig.string(), "apply", "-f", "-"},
                          {.stdin_text = pod.dump()});
  if (applied.exit_code != 0) {
    throw Error(ErrorCode::kInternal, "kubectl apply gpu-test: " + applied.stderr_text);
  }
  const std::set<std::string> pools = StoryGpuPools(shoot_object);
  return WaitUntil([&](std::string& progress) -> std::optional<std::string> {
    const json now = shoot->Get(kStoryPods, {"default", "gpu-test"}).value_or(json::object());
    const std::string node = now.value("/spec/nodeName"_json_pointer, std::string());
    progress = node.empty() ? "gpu-test: Pending"
                            : "gpu-test: on " + node + ", " +
                                  now.value("/status/phase"_json_pointer, std::string("?"));
    if (node.empty()) {
      return std::nullopt;
    }
    for (const json& gpu_node : StoryGpuNodes(*shoot, pools)) {
      if (gpu_node["metadata"].value("name", "") == node) {
        return "gpu-test scheduled onto GPU node " + node;
      }
    }
    throw Error(ErrorCode::kInternal, "gpu-test landed on " + node + ", not a GPU node");
  });
}

std::string DemoStory::Impl::DisableGpu() {
  const std::string ns = shoot_object["metadata"].value("namespace", "");
  const std::string name = shoot_object["metadata"].value("name", "");
  shoot->Delete(kStoryPods, {"default", "gpu-test"});
  // The user unticks the box and drops the nvidia runtime from the pools.
  json current = garden->Get(kStoryShoots, {ns, name}).value_or(json::object());
  json extensions = json::array();
  for (const json& e : current.value("/spec/extensions"_json_pointer, json::array())) {
    if (e.value("type", "") != "nvidia-gpu") {
      extensions.push_back(e);
    }
  }
  current["spec"]["extensions"] = extensions;
  for (json& pool : current["spec"]["provider"]["workers"]) {
    if (!pool.contains("cri")) {
      continue;
    }
    json runtimes = json::array();
    for (const json& r : pool["cri"].value("containerRuntimes", json::array())) {
      if (r.value("type", "") != "nvidia") {
        runtimes.push_back(r);
      }
    }
    if (runtimes.empty()) {
      pool["cri"].erase("containerRuntimes");
    } else {
      pool["cri"]["containerRuntimes"] = runtimes;
    }
  }
  Detail("removing spec.extensions[nvidia-gpu] and the pools' nvidia runtime");
  garden->Update(kStoryShoots, current);
  const std::string seed_ns = report.seed_namespace;
  return WaitUntil([&](std::string& progress) -> std::optional<std::string> {
    std::vector<std::string> left;
    for (const auto* resource :
         {&kStoryExtensions, &kStoryContainerRuntimes, &kStoryManagedResources}) {
      const json list = garden->List(*resource, {.ns = seed_ns});
      const json items = list.value("items", json::array());
      for (const json& obj : items) {
        left.push_back(obj.value("kind", "?") + " " + obj["metadata"].value("name", "?"));
      }
    }
    const json daemonsets = shoot->List(kStoryDaemonSets, {});
    const json items = daemonsets.value("items", json::array());
    for (const json& ds : items) {
      left.push_back("shoot DaemonSet " + ds["metadata"].value("namespace", "") + "/" +
                     ds["metadata"].value("name", "?"));
    }
    progress = left.empty() ? "nothing left" : "left: " + fmt::format("{}", fmt::join(left, ", "));
    if (left.empty()) {
      return "no Extension, ContainerRuntime, ManagedResource or shoot DaemonSet left";
    }
    return std::nullopt;
  });
}

}  // namespace gpuext::landscape
