// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "flow_fixture.h"

#include <map>

#include <nlohmann/json.hpp>

#include "gpuext/landscape/known_kinds.h"

namespace gpuext::gpu::testing {

using nlohmann::json;
using namespace std::chrono_literals;

std::map<std::string, json> ShootObjects(kube::Client& shoot) {
  std::map<std::string, json> out;
  for (const landscape::KnownKind& known : landscape::KnownKinds()) {
    const std::string& kind = known.kind;
    const json list = shoot.List(known.resource, {});
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
  if (after_round_) {
    after_round_();
  }
  clock_.Advance(5s);
}

void GpuFlowTest::PutNode(const json& node) {
  static const kube::Resource nodes{"", "v1", "nodes", false};
  const std::string name = node["metadata"]["name"];
  std::optional<json> current = shoot_.Get(nodes, {"", name});
  if (!current.has_value()) {
    current = shoot_.Create(nodes, node);
  }
  (*current)["metadata"]["labels"] = node["metadata"]["labels"];
  current = shoot_.Update(nodes, *current);
  (*current)["status"] = node["status"];
  shoot_.Update(nodes, *current, kube::Subresource::kStatus);
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
