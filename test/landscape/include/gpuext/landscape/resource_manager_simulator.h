// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// ResourceManagerSimulator: what gardener-resource-manager does with the ManagedResources our
// extension writes into a seed (DESIGN.md §21.2, gardener-contract.md §5): decode the
// referenced Secrets' YAML, apply the objects into the shoot, prune what a previous version
// had, honour keepObjects and injectLabels, and report conditions that ManagedResources::
// CheckHealth reads. A simulator: one sync pass per call, no watches, no server-side apply
// field ownership; health comes from the objects' status as the shoot emulator holds it.
//
//   ResourceManagerSimulator grm(seed, shoot, [&](auto& av, auto& kind) {
//     return mapper.ResourceFor(av, kind);
//   });
//   grm.SyncOnce();   // every ManagedResource without class, in every namespace

#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"
#include "gpuext/kube/resource.h"

namespace gpuext::landscape {

// apiVersion + kind → the resource to write it to (a RestMapper lookup in a real landscape).
using ResourceResolver =
    std::function<kube::Resource(const std::string& api_version, const std::string& kind)>;

// The finalizer gardener-resource-manager puts on ManagedResources it handles.
inline constexpr const char* kResourceManagerFinalizer =
    "resources.gardener.cloud/gardener-resource-manager";

struct ResourceManagerSimulatorOptions {
  Clock* clock = nullptr;  // nullptr: RealClock::Instance()
};

class ResourceManagerSimulator {
 public:
  // `seed` and `shoot` must outlive the simulator.
  ResourceManagerSimulator(kube::Client& seed, kube::Client& shoot, ResourceResolver resolve,
                           ResourceManagerSimulatorOptions options = {});

  // One pass over every ManagedResource of the seed whose spec.class is unset.
  void SyncOnce();

  // Syncs one ManagedResource (namespace, name).
  void Sync(const std::string& ns, const std::string& name);

 private:
  void Apply(nlohmann::json& mr);
  void Cleanup(const nlohmann::json& mr);
  void WriteStatus(const nlohmann::json& mr, const nlohmann::json& resources, bool applied,
                   const std::string& apply_message);

  kube::Client& seed_;
  kube::Client& shoot_;
  ResourceResolver resolve_;
  Clock& clock_;
};

// The health gardener-resource-manager reads from an object's status: nullopt-like "" when
// healthy, otherwise why not ("DaemonSet kube-system/x: 1/3 pods ready").
[[nodiscard]] std::string ObjectUnhealthyReason(const nlohmann::json& obj);

}  // namespace gpuext::landscape
