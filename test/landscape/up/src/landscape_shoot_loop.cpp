// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The landscape's gardenlet part: watches the garden's Shoots (by polling) and runs the
// GardenletSimulator's reconcile and delete flows for them, writing the Shoot's
// status.lastOperation as gardenlet does. Plus resource-manager's token requestor for the
// extension's shoot access Secret.

#include <fmt/format.h>

#include "gpuext/base64.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/time_format.h"
#include "landscape_impl.h"

namespace gpuext::landscape {

using nlohmann::json;

namespace {

constexpr const char* kGardenerFinalizer = "gardener";
constexpr auto kShootRetryAfter = std::chrono::seconds(10);

std::string ShootKey(const json& shoot) {
  return shoot["metadata"].value("namespace", "") + "/" + shoot["metadata"].value("name", "");
}

bool HasGardenerFinalizer(const json& shoot) {
  const json finalizers = shoot["metadata"].value("finalizers", json::array());
  for (const json& f : finalizers) {
    if (f == kGardenerFinalizer) {
      return true;
    }
  }
  return false;
}

kube::ObjectKey ShootObjectKey(const json& shoot) {
  return {shoot["metadata"].value("namespace", ""), shoot["metadata"].value("name", "")};
}

}  // namespace

void Landscape::Impl::ShootLoopPass(std::stop_token stop) {
  const json list = garden_client->List(kLandscapeShoots, {});
  const json items = list.value("items", json::array());
  for (const json& shoot : items) {
    if (stop.stop_requested()) {
      return;
    }
    if (shoot["metadata"].contains("deletionTimestamp")) {
      DeleteShoot(shoot, stop);
      continue;
    }
    const std::string key = ShootKey(shoot);
    const int64_t generation = shoot["metadata"].value("generation", int64_t{0});
    const auto done = reconciled.find(key);
    const bool annotated = shoot["metadata"]
                               .value("annotations", json::object())
                               .value("gardener.cloud/operation", "") == "reconcile";
    if (done != reconciled.end() && done->second == generation && !annotated) {
      continue;
    }
    const auto retry = retry_at.find(key);
    if (retry != retry_at.end() && std::chrono::steady_clock::now() < retry->second) {
      continue;
    }
    ReconcileShoot(shoot, stop);
  }
}

void Landscape::Impl::ReconcileShoot(const json& shoot, std::stop_token stop) {
  const std::string key = ShootKey(shoot);
  const kube::ObjectKey shoot_key = ShootObjectKey(shoot);
  if (!HasGardenerFinalizer(shoot)) {
    json finalizers = shoot["metadata"].value("finalizers", json::array());
    finalizers.push_back(kGardenerFinalizer);
    garden_client->Patch(kLandscapeShoots, shoot_key, kube::PatchType::kMerge,
                         {{"metadata", {{"finalizers", finalizers}}}});
  }
  const bool annotated = shoot["metadata"]
                             .value("annotations", json::object())
                             .value("gardener.cloud/operation", "") == "reconcile";
  if (annotated) {
    garden_client->Patch(
        kLandscapeShoots, shoot_key, kube::PatchType::kMerge,
        {{"metadata", {{"annotations", {{"gardener.cloud/operation", nullptr}}}}}});
  }

  // gardenlet writes the generic token kubeconfig before the extensions run.
  const std::string seed_ns = TechnicalId(shoot);
  if (!garden_client->Get(kLandscapeNamespaces, {"", seed_ns}).has_value()) {
    garden_client->Create(
        kLandscapeNamespaces,
        {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", seed_ns}}}});
  }
  const json kubeconfig_secret = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"metadata", {{"name", "generic-token-kubeconfig"}, {"namespace", seed_ns}}},
      {"data",
       {{"kubeconfig",
         Base64Encode(LandscapeGenericKubeconfig(shoot_server->url(), shoot_server->ca_pem()))}}}};
  if (garden_client->Get(kLandscapeSecrets, {seed_ns, "generic-token-kubeconfig"}).has_value()) {
    garden_client->Patch(kLandscapeSecrets, {seed_ns, "generic-token-kubeconfig"},
                         kube::PatchType::kMerge, {{"data", kubeconfig_secret["data"]}});
  } else {
    garden_client->Create(kLandscapeSecrets, kubeconfig_secret);
  }

  const json spec = shoot.value("spec", json::object());
  std::string profile_name = spec.value("cloudProfileName", "");
  if (spec.contains("cloudProfile")) {
    profile_name = spec["cloudProfile"].value("name", profile_name);
  }
  const std::optional<json> profile =
      garden_client->Get(kLandscapeCloudProfiles, {"", profile_name});
  WriteShootStatus(shoot, "Reconcile", "Processing", 1, "Reconciling the shoot (SIMULATED)");
  log.Info("gardenlet (SIMULATED): reconciling shoot", {{"shoot", key}});
  try {
    if (!gardenlet->Reconcile(shoot, profile.value_or(json::object()), stop)) {
      return;  // stopping
    }
    WriteShootStatus(shoot, "Reconcile", "Succeeded", 100, "Shoot cluster has been reconciled.");
    std::lock_guard lock(mu);
    reconciled[key] = shoot["metadata"].value("generation", int64_t{0});
    retry_at.erase(key);
    ++stats.reconciles;
  } catch (const std::exception& e) {
    log.Error("gardenlet (SIMULATED): shoot reconcile failed",
              {{"shoot", key}, {"error", e.what()}});
    WriteShootStatus(shoot, "Reconcile", "Error", 50, e.what());
    std::lock_guard lock(mu);
    retry_at[key] = std::chrono::steady_clock::now() + kShootRetryAfter;
    ++stats.reconcile_errors;
    stats.last_error = e.what();
  }
}

void Landscape::Impl::DeleteShoot(const json& shoot, std::stop_token stop) {
  if (!HasGardenerFinalizer(shoot)) {
    return;  // nothing of ours left; the API server removes it
  }
  const std::string key = ShootKey(shoot);
  log.Info("gardenlet (SIMULATED): deleting shoot", {{"shoot", key}});
  WriteShootStatus(shoot, "Delete", "Processing", 1, "Deleting the shoot (SIMULATED)");
  try {
    if (!gardenlet->Delete(shoot, stop)) {
      return;
    }
  } catch (const std::exception& e) {
    log.Error("gardenlet (SIMULATED): shoot deletion failed",
              {{"shoot", key}, {"error", e.what()}});
    WriteShootStatus(shoot, "Delete", "Error", 50, e.what());
    std::lock_guard lock(mu);
    ++stats.reconcile_errors;
    stats.last_error = e.what();
    return;
  }
  json finalizers = json::array();
  for (const json& f : shoot["metadata"].value("finalizers", json::array())) {
    if (f != kGardenerFinalizer) {
      finalizers.push_back(f);
    }
  }
  garden_client->Patch(kLandscapeShoots, ShootObjectKey(shoot), kube::PatchType::kMerge,
                       {{"metadata", {{"finalizers", finalizers}}}});
  std::lock_guard lock(mu);
  reconciled.erase(key);
  ++stats.deletions;
}

void Landscape::Impl::WriteShootStatus(const json& shoot, const std::string& type,
                                       const std::string& state, int progress,
                                       const std::string& description) {
  json status = {{"lastOperation",
                  {{"type", type},
                   {"state", state},
                   {"progress", progress},
                   {"description", description},
                   {"lastUpdateTime", FormatRfc3339(std::chrono::system_clock::now())}}},
                 {"technicalID", TechnicalId(shoot)}};
  if (state == "Succeeded") {
    status["observedGeneration"] = shoot["metadata"].value("generation", int64_t{0});
    status["lastErrors"] = nullptr;
  } else if (state == "Error") {
    status["lastErrors"] = json::array({{{"description", description}}});
  }
  try {
    garden_client->Patch(kLandscapeShoots, ShootObjectKey(shoot), kube::PatchType::kMerge,
                         {{"status", status}}, kube::Subresource::kStatus);
  } catch (const std::exception& e) {
    if (!kube::IsNotFound(e)) {
      throw;
    }
  }
}

void Landscape::Impl::IssueShootAccessTokens() {
  const json list = garden_client->List(
      kLandscapeSecrets, {.label_selector = "resources.gardener.cloud/purpose=token-requestor"});
  const json items = list.value("items", json::array());
  for (const json& secret : items) {
    const json data = secret.value("data", json::object());
    if (data.contains("token")) {
      continue;
    }
    garden_client->Patch(
        kLandscapeSecrets,
        {secret["metadata"].value("namespace", ""), secret["metadata"].value("name", "")},
        kube::PatchType::kMerge, {{"data", {{"token", Base64Encode(extension_token)}}}});
  }
}

}  // namespace gpuext::landscape
