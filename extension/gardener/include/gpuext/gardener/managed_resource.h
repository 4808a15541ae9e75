// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// ManagedResources: how an extension delivers objects into the shoot (or the seed) through
// gardener-resource-manager (gardener-contract.md §4). The component contract follows
// registry-cache: Deploy writes, Wait checks health, Destroy deletes, WaitCleanup waits.
//
//   ManagedResources mrs(seed_client, clock, "gardener-extension-gpu");
//   mrs.Deploy({.ns = ns, .name = "extension-nvidia-gpu-nfd", .data = {{"objects.yaml", yaml}}});
//   if (!mrs.CheckHealth(ns, "extension-nvidia-gpu-nfd").healthy) return RequeueAfter(10s);
//
// Each Deploy writes an immutable Secret "managedresource-<name>-<8 hex of sha256(data)>"
// (garbage-collectable: resource-manager deletes it once no MR references it) and points the
// ManagedResource at it, so a change of content is one atomic switch of secretRefs.

#include <chrono>
#include <map>
#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"

namespace gpuext::gardener {

struct ManagedResourceSpec {
  std::string ns = {};
  std::string name = {};
  // Secret data: key → one YAML stream (several documents separated by "---" allowed).
  std::map<std::string, std::string> data = {};
  // "" = shoot (applied by the shoot's resource-manager), "seed" = applied into the seed.
  std::string resource_class = {};
  bool keep_objects = false;
  // Defaults to {shoot.gardener.cloud/no-cleanup: "true"} for shoot MRs when empty.
  std::map<std::string, std::string> inject_labels = {};
  // Extra labels on the ManagedResource (the origin label is always set).
  std::map<std::string, std::string> labels = {};
};

// What a ManagedResource currently delivers: its labels and the data of its Secret.
struct ManagedResourceContent {
  std::map<std::string, std::string> labels = {};
  std::map<std::string, std::string> data = {};
};

struct ManagedResourceHealth {
  bool exists = false;
  bool healthy = false;  // observedGeneration current, ResourcesApplied and ResourcesHealthy True
  bool progressing = false;  // ResourcesProgressing True
  std::string message = {};  // why not healthy, for conditions and logs
};

// The Kubernetes resources involved.
extern const kube::Resource kManagedResources;
extern const kube::Resource kSecretsResource;

// "managedresource-<name>-<first 8 hex of sha256 over the sorted keys and values>".
[[nodiscard]] std::string ManagedResourceSecretName(const std::string& mr_name,
                                                    const std::map<std::string, std::string>& data);

// Gardener's health rule on a ManagedResource object (pure).
[[nodiscard]] ManagedResourceHealth EvaluateManagedResourceHealth(const nlohmann::json& mr,
                                                                  bool require_not_progressing);

class ManagedResources {
 public:
  // `origin` becomes the MR's `origin` label. It must not be "gardener": gardenlet deletes all
  // origin=gardener MRs itself during shoot deletion.
  ManagedResources(kube::Client& client, Clock& clock, std::string origin);

  // Writes the data Secret (if not there yet) and creates or updates the ManagedResource.
  void Deploy(const ManagedResourceSpec& spec);

  // Sets spec.keepObjects (Migrate: keep the shoot's objects while the MR is deleted).
  void SetKeepObjects(const std::string& ns, const std::string& name, bool keep);

  // The current content, read back from the MR and its first Secret; nullopt when the MR or
  // its Secret does not exist. Lets a controller change one object of what it deployed
  // without recomputing the rest.
  [[nodiscard]] std::optional<ManagedResourceContent> Read(const std::string& ns,
                                                           const std::string& name);

  // Deletes the ManagedResource (absent is fine). Its Secrets are garbage-collected.
  void Destroy(const std::string& ns, const std::string& name);

  [[nodiscard]] ManagedResourceHealth CheckHealth(const std::string& ns, const std::string& name,
                                                  bool require_not_progressing = false);

  // Polls every 2 s (Gardener's interval) until healthy. Throws gpuext::Error(kTimeout) with
  // the last health message when `timeout` passes; returns false if stopped.
  bool Wait(const std::string& ns, const std::string& name, std::chrono::seconds timeout,
            std::stop_token stop);

  // Polls until the ManagedResource is gone. Throws kTimeout after `timeout`.
  bool WaitCleanup(const std::string& ns, const std::string& name, std::chrono::seconds timeout,
                   std::stop_token stop);

 private:
  kube::Client& client_;
  Clock& clock_;
  std::string origin_;
};

}  // namespace gpuext::gardener
