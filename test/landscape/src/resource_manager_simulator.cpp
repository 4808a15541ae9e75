// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/landscape/resource_manager_simulator.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/time_format.h"
#include "gpuext/yaml_json.h"

namespace gpuext::landscape {

using nlohmann::json;

namespace {

const kube::Resource kManagedResources{"resources.gardener.cloud", "v1alpha1", "managedresources"};
const kube::Resource kSecrets{"", "v1", "secrets"};

int64_t IntAt(const json& obj, const json::json_pointer& ptr) {
  return obj.contains(ptr) && obj.at(ptr).is_number_integer() ? obj.at(ptr).get<int64_t>() : 0;
}

// The identity status.resources records for pruning: apiVersion, kind, namespace, name.
json Ref(const json& obj) {
  return {{"apiVersion", obj.value("apiVersion", "")},
          {"kind", obj.value("kind", "")},
          {"namespace", obj["metadata"].value("namespace", "")},
          {"name", obj["metadata"].value("name", "")}};
}

json Condition(const std::string& type, bool ok, const std::string& reason,
               const std::string& message, const std::string& now) {
  return {{"type", type},       {"status", ok ? "True" : "False"}, {"reason", reason},
          {"message", message}, {"lastTransitionTime", now},       {"lastUpdateTime", now}};
}

}  // namespace

std::string ObjectUnhealthyReason(const json& obj) {
  const std::string kind = obj.value("kind", "");
  const json& meta = obj.value("metadata", json::object());
  const std::string id = kind + " " + meta.value("namespace", "") + "/" + meta.value("name", "");
  if (kind == "DaemonSet") {
    const int64_t desired = IntAt(obj, "/status/desiredNumberScheduled"_json_pointer);
    const int64_t ready = IntAt(obj, "/status/numberReady"_json_pointer);
    if (!obj.contains("status") || ready < desired) {
      return id + ": " + std::to_string(ready) + "/" + std::to_string(desired) + " pods ready";
    }
  } else if (kind == "Deployment" || kind == "StatefulSet") {
    const int64_t wanted =
        obj.contains("/spec/replicas"_json_pointer) ? IntAt(obj, "/spec/replicas"_json_pointer) : 1;
    const int64_t ready = IntAt(obj, kind == "Deployment" ? "/status/availableReplicas"_json_pointer
                                                          : "/status/readyReplicas"_json_pointer);
    if (ready < wanted) {
      return id + ": " + std::to_string(ready) + "/" + std::to_string(wanted) + " replicas ready";
    }
  } else if (kind == "Job") {
    if (IntAt(obj, "/status/failed"_json_pointer) > 0) {
      return id + ": failed";
    }
  }
  return "";
}

ResourceManagerSimulator::ResourceManagerSimulator(kube::Client& seed, kube::Client& shoot,
                                                   ResourceResolver resolve,
                                                   ResourceManagerSimulatorOptions options)
    : seed_(seed),
      shoot_(shoot),
      resolve_(std::move(resolve)),
      clock_(options.clock != nullptr ? *options.clock : RealClock::Instance()) {}

void ResourceManagerSimulator::SyncOnce() {
  const json list = seed_.List(kManagedResources, {});
  for (const json& mr : list["items"]) {
    const json& spec = mr.value("spec", json::object());
    if (spec.contains("class") && !spec["class"].is_null()) {
      continue;  // class seed (or another) belongs to another resource manager
    }
    Sync(mr["metadata"].value("namespace", ""), mr["metadata"]["name"]);
  }
}

void ResourceManagerSimulator::Sync(const std::string& ns, const std::string& name) {
  auto mr = seed_.Get(kManagedResources, {ns, name});
  if (!mr) {
    return;
  }
  const json& meta = (*mr)["metadata"];
  if (meta.contains("deletionTimestamp") && !meta["deletionTimestamp"].is_null()) {
    Cleanup(*mr);
    return;
  }
  const json finalizers = meta.value("finalizers", json::array());
  if (std::find(finalizers.begin(), finalizers.end(), kResourceManagerFinalizer) ==
      finalizers.end()) {
    json updated = *mr;
    updated["metadata"]["finalizers"].push_back(kResourceManagerFinalizer);
    *mr = seed_.Update(kManagedResources, updated);
  }
  Apply(*mr);
}

void ResourceManagerSimulator::Apply(json& mr) {
  const std::string ns = mr["metadata"].value("namespace", "");
  const json& spec = mr.value("spec", json::object());
  const json inject = spec.value("injectLabels", json::object());
  json applied = json::array();
  std::string failure;
  // Objects from every referenced Secret, each data key one YAML stream, in sorted key order.
  for (const json& ref : spec.value("secretRefs", json::array())) {
    try {
      const auto secret = seed_.Get(kSecrets, {ns, ref.value("name", "")});
      if (!secret) {
        throw Error(ErrorCode::kNotFound, "secret " + ns + "/" + ref.value("name", "") +
                                              " referenced by the ManagedResource is missing");
      }
      // Named, not a temporary: a range-for over a temporary's items() dangles in C++20.
      const json data = secret->value("data", json::object());
      for (const auto& [key, value] : data.items()) {
        for (json obj : ParseYamlDocuments(Base64Decode(value.get<std::string>()))) {
          if (!obj.is_object()) {
            continue;  // empty documents
          }
          for (const auto& [k, v] : inject.items()) {
            obj["metadata"]["labels"][k] = v;
          }
          const kube::Resource resource =
              resolve_(obj.value("apiVersion", ""), obj.value("kind", ""));
          if (resource.namespaced && !obj["metadata"].contains("namespace")) {
            obj["metadata"]["namespace"] = "default";  // what kubectl apply would do
          }
          const std::string obj_ns = resource.namespaced ? obj["metadata"]["namespace"] : "";
          const std::string obj_name = obj["metadata"].value("name", "");
          if (auto live = shoot_.Get(resource, {obj_ns, obj_name})) {
            obj["metadata"]["resourceVersion"] = (*live)["metadata"]["resourceVersion"];
            if (live->contains("status")) {
              obj["status"] = (*live)["status"];  // the "kubelet" owns it
            }
            shoot_.Update(resource, obj);
          } else {
            shoot_.Create(resource, obj);
          }
          applied.push_back(Ref(obj));
        }
      }
    } catch (const std::exception& e) {
      failure += (failure.empty() ? "" : "; ") + DescribeException(e);
    }
  }
  // Prune what the previous version applied and this one does not (unless keepObjects).
  if (failure.empty() && !spec.value("keepObjects", false)) {
    for (const json& old : mr.value("/status/resources"_json_pointer, json::array())) {
      if (std::find(applied.begin(), applied.end(), old) == applied.end()) {
        const kube::Resource resource = resolve_(old["apiVersion"], old["kind"]);
        shoot_.Delete(resource, {old["namespace"], old["name"]});
      }
    }
  }
  WriteStatus(mr, applied, failure.empty(), failure);
}

void ResourceManagerSimulator::WriteStatus(const json& mr, const json& resources, bool applied,
                                           const std::string& apply_message) {
  std::vector<std::string> unhealthy;
  for (const json& ref : resources) {
    const kube::Resource resource = resolve_(ref["apiVersion"], ref["kind"]);
    const auto live = shoot_.Get(resource, {ref["namespace"], ref["name"]});
    const std::string why = live ? ObjectUnhealthyReason(*live)
                                 : ref["kind"].get<std::string>() + " " +
                                       ref["name"].get<std::string>() + " is missing";
    if (!why.empty()) {
      unhealthy.push_back(why);
    }
  }
  std::string unhealthy_message;
  for (const std::string& u : unhealthy) {
    unhealthy_message += (unhealthy_message.empty() ? "" : "; ") + u;
  }
  const std::string now = FormatRfc3339(clock_.Now());
  json status = {
      {"observedGeneration", mr["metadata"].value("generation", 0)},
      {"resources", resources},
      {"conditions",
       {Condition("ResourcesApplied", applied, applied ? "ApplySucceeded" : "ApplyFailed",
                  applied ? "All resources are applied." : apply_message, now),
        Condition("ResourcesHealthy", unhealthy.empty(),
                  unhealthy.empty() ? "ResourcesHealthy" : "ResourcesUnhealthy",
                  unhealthy.empty() ? "All resources are healthy." : unhealthy_message, now),
        // Progressing is False once everything is healthy: this simulator rolls out at once.
        Condition("ResourcesProgressing", !unhealthy.empty(),
                  unhealthy.empty() ? "ResourcesRolledOut" : "ResourcesProgressing",
                  unhealthy.empty() ? "All resources are rolled out." : unhealthy_message, now)}}};
  seed_.Patch(kManagedResources, {mr["metadata"].value("namespace", ""), mr["metadata"]["name"]},
              kube::PatchType::kMerge, {{"status", status}}, kube::Subresource::kStatus);
}

void ResourceManagerSimulator::Cleanup(const json& mr) {
  const bool keep = mr.value("/spec/keepObjects"_json_pointer, false);
  if (!keep) {
    for (const json& ref : mr.value("/status/resources"_json_pointer, json::array())) {
      shoot_.Delete(resolve_(ref["apiVersion"], ref["kind"]), {ref["namespace"], ref["name"]});
    }
  }
  json updated = mr;
  json kept = json::array();
  for (const json& f : mr["metadata"].value("finalizers", json::array())) {
    if (f != kResourceManagerFinalizer) {
      kept.push_back(f);
    }
  }
  updated["metadata"]["finalizers"] = kept;
  seed_.Update(kManagedResources, updated);
}

}  // namespace gpuext::landscape
