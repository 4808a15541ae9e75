// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Cluster: gardenlet's per-shoot summary object (extensions.gardener.cloud/v1alpha1, cluster-
// scoped, name = the shoot's control-plane namespace), decoded once and read through accessors
// (gardener-contract.md §1.7). spec.shoot, spec.cloudProfile and spec.seed are embedded
// core.gardener.cloud/v1beta1 objects; spec.seed is optional (self-hosted shoots).
//
//   const Cluster cluster = Cluster::FromObject(*client.Get(kClusters, {"", ns}));
//   if (cluster.IsHibernated()) return Outcome::Done();
//   for (const nlohmann::json& pool : cluster.Pools()) { ... }

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpuext::gardener {

class Cluster {
 public:
  // Throws gpuext::Error(kInvalidArgument) naming the field when spec.shoot or
  // spec.cloudProfile is missing or not an object.
  static Cluster FromObject(const nlohmann::json& cluster);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const nlohmann::json& shoot() const { return shoot_; }
  [[nodiscard]] const nlohmann::json& cloud_profile() const { return cloud_profile_; }
  // nullopt when the Cluster has no spec.seed.
  [[nodiscard]] const std::optional<nlohmann::json>& seed() const { return seed_; }

  // spec.provider.workers[] of the shoot (empty when absent).
  [[nodiscard]] std::vector<nlohmann::json> Pools() const;
  [[nodiscard]] std::optional<nlohmann::json> PoolByName(std::string_view name) const;

  // spec.extensions[] entry of the given type, if enabled (disabled: true counts as absent).
  [[nodiscard]] std::optional<nlohmann::json> ExtensionOfType(std::string_view type) const;

  // spec.hibernation.enabled == true.
  [[nodiscard]] bool IsHibernated() const;
  // The shoot has a deletionTimestamp.
  [[nodiscard]] bool IsBeingDeleted() const;
  // status.lastOperation.state == Failed: Gardener's predicates skip the shoot's extensions.
  [[nodiscard]] bool IsFailed() const;
  // The shoot's last operation is Migrate (the control plane is moving to another seed).
  [[nodiscard]] bool IsMigrating() const;

  // status.technicalID, falling back to the Cluster's name (they are equal by construction).
  [[nodiscard]] std::string TechnicalID() const;
  // spec.kubernetes.version ("1.33.2"); empty when absent.
  [[nodiscard]] std::string KubernetesVersion() const;

  // Name of the seed Secret holding spec.resources[name] (gardenlet copies referenced
  // resources into the shoot namespace as "ref-<resourceRef.name>"); nullopt when the shoot
  // references no resource of that name.
  [[nodiscard]] std::optional<std::string> ReferencedResourceSecretName(
      std::string_view name) const;

 private:
  std::string name_;
  nlohmann::json shoot_;
  nlohmann::json cloud_profile_;
  std::optional<nlohmann::json> seed_;
};

}  // namespace gpuext::gardener
