// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/managed_resource.h"

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/sha256.h"

namespace gpuext::gardener {

using nlohmann::json;
using namespace std::chrono_literals;

const kube::Resource kManagedResources{"resources.gardener.cloud", "v1alpha1", "managedresources"};
const kube::Resource kSecretsResource{"", "v1", "secrets"};

namespace {

constexpr auto kPollInterval = 2s;

json StringMap(const std::map<std::string, std::string>& m) {
  json out = json::object();
  for (const auto& [k, v] : m) {
    out[k] = v;
  }
  return out;
}

const json* FindCondition(const json& mr, std::string_view type) {
  const auto status = mr.find("status");
  if (status == mr.end() || !status->contains("conditions")) {
    return nullptr;
  }
  for (const json& condition : (*status)["conditions"]) {
    if (condition.value("type", "") == type) {
      return &condition;
    }
  }
  return nullptr;
}

}  // namespace

std::string ManagedResourceSecretName(const std::string& mr_name,
                                      const std::map<std::string, std::string>& data) {
  Sha256 hash;
  for (const auto& [key, value] : data) {  // std::map: sorted keys, a stable checksum
    hash.Update(key);
    hash.Update(std::string_view("\0", 1));
    hash.Update(value);
    hash.Update(std::string_view("\0", 1));
  }
  return "managedresource-" + mr_name + "-" + hash.FinishHex().substr(0, 8);
}

ManagedResourceHealth EvaluateManagedResourceHealth(const json& mr, bool require_not_progressing) {
  ManagedResourceHealth health;
  health.exists = true;
  const auto generation = mr.at("metadata").value("generation", std::int64_t{0});
  const auto observed = mr.contains("status")
                            ? mr["status"].value("observedGeneration", std::int64_t{-1})
                            : std::int64_t{-1};
  if (observed != generation) {
    health.message = "observed generation outdated (" + std::to_string(observed) + "/" +
                     std::to_string(generation) + ")";
    return health;
  }
  for (const char* type : {"ResourcesApplied", "ResourcesHealthy"}) {
    const json* condition = FindCondition(mr, type);
    if (condition == nullptr) {
      health.message = std::string("condition ") + type + " has not been reported yet";
      return health;
    }
    if (condition->value("status", "") != "True") {
      health.message = std::string("condition ") + type + " has status " +
                       condition->value("status", "") + ": " + condition->value("message", "");
      return health;
    }
  }
  if (const json* progressing = FindCondition(mr, "ResourcesProgressing")) {
    health.progressing = progressing->value("status", "") == "True";
    if (health.progressing && require_not_progressing) {
      health.message = "resources are progressing: " + progressing->value("message", "");
      return health;
    }
  }
  health.healthy = true;
  return health;
}

ManagedResources::ManagedResources(kube::Client& client, Clock& clock, std::string origin)
    : client_(client), clock_(clock), origin_(std::move(origin)) {
  if (origin_.empty() || origin_ == "gardener") {
    throw Error(ErrorCode::kInvalidArgument,
                "ManagedResources: origin \"" + origin_ +
                    "\" is not allowed: use the extension's own name (gardenlet deletes "
                    "origin=gardener ManagedResources itself)");
  }
}

namespace {

// Whether the MR already says exactly what `mr_spec` and `labels` say (fields others own, such
// as status or other labels, are not compared).
bool ManagedResourceUpToDate(const json& mr, const json& mr_spec,
                             const std::map<std::string, std::string>& labels) {
  if (mr["metadata"].contains("deletionTimestamp")) {
    return false;
  }
  const json current_spec = mr.value("spec", json::object());
  for (const auto& [key, value] : mr_spec.items()) {
    const auto it = current_spec.find(key);
    const bool present = it != current_spec.end() && !it->is_null();
    if (value.is_null() ? present : (!present || *it != value)) {
      return false;
    }
  }
  const json current_labels = mr["metadata"].value("labels", json::object());
  for (const auto& [key, value] : labels) {
    if (current_labels.value(key, json()) != value) {
      return false;
    }
  }
  return true;
}

}  // namespace

void ManagedResources::Deploy(const ManagedResourceSpec& spec) {
  const std::string secret_name = ManagedResourceSecretName(spec.name, spec.data);
  std::map<std::string, std::string> inject_labels = spec.inject_labels;
  if (inject_labels.empty() && spec.resource_class.empty()) {
    inject_labels["shoot.gardener.cloud/no-cleanup"] = "true";
  }
  std::map<std::string, std::string> labels = spec.labels;
  labels["origin"] = origin_;

  json mr_spec = {{"secretRefs", json::array({{{"name", secret_name}}})},
                  {"keepObjects", spec.keep_objects}};
  if (!inject_labels.empty()) {
    mr_spec["injectLabels"] = StringMap(inject_labels);
  }
  mr_spec["class"] = spec.resource_class.empty() ? json(nullptr) : json(spec.resource_class);

  // Unchanged content is the common case on every reconcile after the first: one read instead
  // of a Secret create and an MR patch (bench/gpu counts the requests).
  const std::optional<json> current = client_.Get(kManagedResources, {spec.ns, spec.name});
  if (current.has_value() && ManagedResourceUpToDate(*current, mr_spec, labels)) {
    return;
  }

  json secret_data = json::object();
  for (const auto& [key, value] : spec.data) {
    secret_data[key] = Base64Encode(value);
  }
  const json secret = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"metadata",
       {{"name", secret_name},
        {"namespace", spec.ns},
        {"labels", {{"resources.gardener.cloud/garbage-collectable-reference", "true"}}}}},
      {"type", "Opaque"},
      {"immutable", true},
      {"data", std::move(secret_data)}};
  // The name carries the content's checksum: an existing Secret of that name already holds
  // exactly this data (and is immutable anyway).
  try {
    client_.Create(kSecretsResource, secret);
  } catch (const kube::ApiError& e) {
    if (!kube::IsAlreadyExists(e)) {
      throw;
    }
  }

  if (!current.has_value()) {
    json mr = {
        {"apiVersion", "resources.gardener.cloud/v1alpha1"},
        {"kind", "ManagedResource"},
        {"metadata", {{"name", spec.name}, {"namespace", spec.ns}, {"labels", StringMap(labels)}}},
        {"spec", mr_spec}};
    if (mr["spec"]["class"].is_null()) {
      mr["spec"].erase("class");
    }
    try {
      client_.Create(kManagedResources, mr);
      return;
    } catch (const kube::ApiError& e) {
      if (!kube::IsAlreadyExists(e)) {
        throw;
      }
      // Created concurrently: fall through to the patch.
    }
  }
  // A merge patch replaces secretRefs as a whole and leaves fields others own alone.
  client_.Patch(kManagedResources, {spec.ns, spec.name}, kube::PatchType::kMerge,
                {{"metadata", {{"labels", StringMap(labels)}}}, {"spec", mr_spec}});
}

void ManagedResources::SetKeepObjects(const std::string& ns, const std::string& name, bool keep) {
  try {
    client_.Patch(kManagedResources, {ns, name}, kube::PatchType::kMerge,
                  {{"spec", {{"keepObjects", keep}}}});
  } catch (const kube::ApiError& e) {
    if (!kube::IsNotFound(e)) {
      throw;
    }
  }
}

std::optional<ManagedResourceContent> ManagedResources::Read(const std::string& ns,
                                                             const std::string& name) {
  const auto mr = client_.Get(kManagedResources, {ns, name});
  if (!mr) {
    return std::nullopt;
  }
  const json refs = mr->value("/spec/secretRefs"_json_pointer, json::array());
  if (refs.empty() || !refs[0].contains("name")) {
    return std::nullopt;
  }
  const auto secret = client_.Get(kSecretsResource, {ns, refs[0]["name"].get<std::string>()});
  if (!secret) {
    return std::nullopt;
  }
  ManagedResourceContent content;
  // Bound first: items() of a temporary would dangle in the range-for.
  const json labels = (*mr)["metadata"].value("labels", json::object());
  const json data = secret->value("data", json::object());
  for (const auto& [key, value] : labels.items()) {
    if (value.is_string()) {
      content.labels[key] = value.get<std::string>();
    }
  }
  for (const auto& [key, value] : data.items()) {
    if (value.is_string()) {
      content.data[key] = Base64Decode(value.get<std::string>());
    }
  }
  return content;
}

void ManagedResources::Destroy(const std::string& ns, const std::string& name) {
  client_.Delete(kManagedResources, {ns, name});
}

ManagedResourceHealth ManagedResources::CheckHealth(const std::string& ns, const std::string& name,
                                                    bool require_not_progressing) {
  const auto mr = client_.Get(kManagedResources, {ns, name});
  if (!mr) {
    return {.message = "managed resource " + ns + "/" + name + " does not exist"};
  }
  return EvaluateManagedResourceHealth(*mr, require_not_progressing);
}

bool ManagedResources::Wait(const std::string& ns, const std::string& name,
                            std::chrono::seconds timeout, std::stop_token stop) {
  const auto deadline = clock_.SteadyNow() + timeout;
  while (true) {
    const auto health = CheckHealth(ns, name);
    if (health.healthy) {
      return true;
    }
    if (clock_.SteadyNow() >= deadline) {
      throw Error(ErrorCode::kTimeout, "managed resource " + ns + "/" + name +
                                           " did not become healthy: " + health.message);
    }
    if (!clock_.SleepFor(kPollInterval, stop)) {
      return false;
    }
  }
}

bool ManagedResources::WaitCleanup(const std::string& ns, const std::string& name,
                                   std::chrono::seconds timeout, std::stop_token stop) {
  const auto deadline = clock_.SteadyNow() + timeout;
  while (client_.Get(kManagedResources, {ns, name})) {
    if (clock_.SteadyNow() >= deadline) {
      throw Error(ErrorCode::kTimeout,
                  "managed resource " + ns + "/" + name + " is still present after deletion");
    }
    if (!clock_.SleepFor(kPollInterval, stop)) {
      return false;
    }
  }
  return true;
}

}  // namespace gpuext::gardener
