// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Actuator: what an extension type does; everything Gardener expects around it (finalizers,
// operation annotations, lastOperation/lastError, observedGeneration, skipping failed or
// migrated objects) is owned by ExtensionReconciler (DESIGN.md §7), so an actuator stays a
// short script of "make it so" steps.
//
//   class GpuActuator final : public gardener::Actuator {
//     Outcome Reconcile(const ActuatorContext& ctx, const nlohmann::json& ext) override {
//       mrs_.Deploy(...);
//       if (!mrs_.CheckHealth(ns, "extension-gpu-nfd").healthy) return Outcome::RequeueAfter(10s);
//       return Outcome::Done();
//     }
//     ...
//   };
//
// Failures are exceptions (gpuext::Error with the code that says whether retrying helps; it
// becomes lastError.codes); "not yet" is Outcome::RequeueAfter, never an exception. Every
// operation must be idempotent: gardenlet and restarts repeat them at any point.

#include <optional>
#include <stop_token>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/clock.h"
#include "gpuext/gardener/cluster.h"
#include "gpuext/gardener/outcome.h"
#include "gpuext/kube/client.h"
#include "gpuext/logger.h"

namespace gpuext::gardener {

// What an actuator call is given besides the object. Borrowed for the call only.
struct ActuatorContext {
  // The seed (the cluster the extension objects live in).
  kube::Client& seed;
  // The shoot's Cluster; nullopt in namespaces without one (e.g. `garden`).
  const std::optional<Cluster>& cluster;
  // Carries kind, namespace, name, operation and reconcileID.
  Logger log;
  Clock& clock;
  // Fires at the manager's shutdown deadline: long waits pass it on and give up.
  std::stop_token stop;
};

class Actuator {
 public:
  virtual ~Actuator() = default;

  // Create and Reconcile: bring everything the object asks for into place. Called after the
  // finalizer is on the object, so whatever is created here is cleaned up by Delete.
  virtual Outcome Reconcile(const ActuatorContext& ctx, const nlohmann::json& obj) = 0;

  // The object has a deletionTimestamp: remove everything Reconcile created and wait until it
  // is gone (Done means gone: the finalizer is removed next and the object disappears).
  virtual Outcome Delete(const ActuatorContext& ctx, const nlohmann::json& obj) = 0;

  // Like Delete, when the shoot carries confirmation.gardener.cloud/force-deletion: remove
  // what can be removed without waiting for the shoot's cluster (it may be gone).
  virtual Outcome ForceDelete(const ActuatorContext& ctx, const nlohmann::json& obj) = 0;

  // Control-plane migration away from this seed: release seed-side state WITHOUT touching the
  // shoot's workload (ManagedResources keepObjects, then delete them). All finalizers are
  // removed afterwards and the object is not reconciled here again.
  virtual Outcome Migrate(const ActuatorContext& ctx, const nlohmann::json& obj) = 0;

  // Control-plane migration onto this seed: re-create seed-side state from the object (and
  // its status.state) as Reconcile would, adopting what already runs in the shoot.
  virtual Outcome Restore(const ActuatorContext& ctx, const nlohmann::json& obj) = 0;
};

}  // namespace gpuext::gardener
