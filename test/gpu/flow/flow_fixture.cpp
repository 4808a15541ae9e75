// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "flow_fixture.h"

#include <map>

#include <nlohmann/json.hpp>

namespace gpuext::gpu::testing {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct KindInfo {
  const char* plural;
  bool namespaced;
};

// Built-in and CRD kinds the shoot receives; anything else is a test failure to look at.
const std::map<std::string, KindInfo>& Kinds() {
  static const std::map<std::string, KindInfo> kinds = {
      {"Namespace", {"namespaces", false}},
      {"ServiceAccount", {"serviceaccounts", true}},
      {"ConfigMap", {"configmaps", true}},
      {"Secret", {"secrets", true}},
      {"Service", {"services", true}},
      {"ResourceQuota", {"resourcequotas", true}},
      {"PersistentVolumeClaim", {"persistentvolumeclaims", true}},
      {"DaemonSet", {"daemonsets", true}},
      {"Deployment", {"deployments", true}},
      {"StatefulSet", {"statefulsets", true}},
      {"ClusterRole", {"clusterroles", false}},
      {"ClusterRoleBinding", {"clusterrolebindings", false}},
      {"Role", {"roles", true}},
      {"RoleBinding", {"rolebindings", true}},
      {"NetworkPolicy", {"networkpolicies", true}},
      {"PodDisruptionBudget", {"poddisruptionbudgets", true}},
      {"CustomResourceDefinition", {"customresourcedefinitions", false}},
      {"NodeFeatureRule", {"nodefeaturerules", false}},
      {"ClusterPolicy", {"clusterpolicies", false}},
      {"PriorityClass", {"priorityclasses", false}},
      {"RuntimeClass", {"runtimeclasses", false}},
  };
  return kinds;
}

}  // namespace

kube::Resource ResolveKind(const std::string& api_version, const std::string& kind) {
  const auto it = Kinds().find(kind);
  if (it == Kinds().end()) {
    throw Error(ErrorCode::kNotFound, "test resolver: no resource for " + api_version + " " + kind);
  }
  const auto slash = api_version.find('/');
  const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  const std::string version =
      slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  return {group, version, it->second.plural, it->second.namespaced};
}

std::map<std::string, json> ShootObjects(kube::Client& shoot) {
  static const std::map<std::string, std::string> kApiVersions = {
      {"Namespace", "v1"},
      {"ServiceAccount", "v1"},
      {"ConfigMap", "v1"},
      {"Secret", "v1"},
      {"Service", "v1"},
      {"ResourceQuota", "v1"},
      {"PersistentVolumeClaim", "v1"},
      {"DaemonSet", "apps/v1"},
      {"Deployment", "apps/v1"},
      {"StatefulSet", "apps/v1"},
      {"ClusterRole", "rbac.authorization.k8s.io/v1"},
      {"ClusterRoleBinding", "rbac.authorization.k8s.io/v1"},
      {"Role", "rbac.authorization.k8s.io/v1"},
      {"RoleBinding", "rbac.authorization.k8s.io/v1"},
      {"NetworkPolicy", "networking.k8s.io/v1"},
      {"PodDisruptionBudget", "policy/v1"},
      {"CustomResourceDefinition", "apiextensions.k8s.io/v1"},
      {"NodeFeatureRule", "nfd.k8s-sigs.io/v1alpha1"},
      {"ClusterPolicy", "nvidia.com/v1"},
      {"PriorityClass", "scheduling.k8s.io/v1"},
      {"RuntimeClass", "node.k8s.io/v1"},
  };
  std::map<std::string, json> out;
  for (const auto& [kind, api_version] : kApiVersions) {
    const json list = shoot.List(ResolveKind(api_version, kind), {});
    for (const json& item : list.value("items", json::array())) {
      const json& meta = item["metadata"];
      const std::string ns = meta.value("namespace", "");
      json reduced = item;
      reduced["metadata"] = {{"name", meta["name"]}};
      for (const char* key : {"namespace", "labels", "annotations"}) {
        if (meta.contains(key)) {
          reduced["metadata"][key] = meta[key];
        }
      }
      reduced.erase("status");
      out[kind + " " + (ns.empty() ? "" : ns + "/") + meta["name"].get<std::string>()] = reduced;
    }
  }
  return out;
}

std::set<std::string> ShootObjectKeys(kube::Client& shoot) {
  std::set<std::string> keys;
  for (const auto& [key, object] : ShootObjects(shoot)) {
    keys.insert(key);
  }
  return keys;
}

GpuFlowTest::GpuFlowTest() {
  clock_.SetWallTime(std::chrono::system_clock::time_point(1'790'000'000s));
}

void GpuFlowTest::ReconcileAll(const kube::Resource& resource,
                               gardener::ExtensionReconciler& reconciler) {
  const json list = seed_.List(resource, {.ns = kSeedNs});
  for (const json& item : list.value("items", json::array())) {
    const kube::ReconcileContext ctx{
        .stop = {}, .log = Logger::Root(), .clock = clock_, .reconcile_id = "t"};
    try {
      reconciler.Reconcile(ctx, {kSeedNs, item["metadata"]["name"].get<std::string>()});
    } catch (const std::exception&) {
      // The controller would requeue; the status says what went wrong.
    }
  }
}

void GpuFlowTest::Drive(const std::function<void()>& flow) {
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
    Round();
  }
  runner.join();
  if (failure) {
    std::rethrow_exception(failure);
  }
}

void GpuFlowTest::Round() {
  ReconcileAll(gardener::kExtensions, extensions_);
  ReconcileAll(gardener::kContainerRuntimes, runtimes_);
  grm_.SyncOnce();
  clock_.Advance(5s);
}

void GpuFlowTest::SettleUntil(const std::function<bool()>& done) {
  for (int round = 0; round < 50 && !done(); ++round) {
    Round();
  }
  ASSERT_TRUE(done()) << "not settled after 50 rounds";
}

void GpuFlowTest::ReconcileShoot(const json& shoot) {
  Drive([&] { gardenlet_.Reconcile(shoot, cloud_profile_, {}); });
  // resource-manager catches up with the last writes.
  grm_.SyncOnce();
}

json GpuFlowTest::Extension() {
  return seed_.Get(gardener::kExtensions, {kSeedNs, "nvidia-gpu"}).value_or(json());
}

std::set<std::string> GpuFlowTest::ManagedResourceNames() {
  std::set<std::string> names;
  const json list = seed_.List(gardener::kManagedResources, {.ns = kSeedNs});
  for (const json& item : list.value("items", json::array())) {
    names.insert(item["metadata"]["name"].get<std::string>());
  }
  return names;
}

std::map<std::string, json> GpuFlowTest::ManagedResourceSpecs() {
  std::map<std::string, json> specs;
  const json list = seed_.List(gardener::kManagedResources, {.ns = kSeedNs});
  for (const json& item : list.value("items", json::array())) {
    specs[item["metadata"]["name"].get<std::string>()] = item["spec"];
  }
  return specs;
}

std::vector<std::string> GpuFlowTest::EventTexts() {
  EXPECT_TRUE(events_.Flush(std::chrono::seconds(10)));
  std::vector<std::string> texts;
  const json list = seed_.List(kube::EventRecorder::kEvents, {.ns = kSeedNs});
  for (const json& event : list.value("items", json::array())) {
    texts.push_back(event.value("reason", "") + ": " + event.value("message", ""));
  }
  return texts;
}

std::string GpuFlowTest::AppliedCondition(const std::string& mr) {
  const json object = seed_.Get(gardener::kManagedResources, {kSeedNs, mr}).value_or(json());
  for (const json& condition : object.value("/status/conditions"_json_pointer, json::array())) {
    if (condition.value("type", "") == "ResourcesApplied") {
      return condition.value("status", "");
    }
  }
  return "";
}

}  // namespace gpuext::gpu::testing
