// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// ShootPlan: everything the seed controllers decide about one shoot before they write anything
// (DESIGN.md §10.1 steps 1-2): the shoot-wide GPUConfig (decoded strictly, defaulted,
// validated), every GPU pool resolved (ResolvePool), and the cache plan.
//
//   const ShootPlan plan = PlanShoot(*ctx.cluster, component);   // throws on bad providerConfig
//   for (const ResolvedPool& pool : plan.pools) ...
//
// A GPU pool is a worker pool with the `nvidia` container runtime: the garden webhook has put
// it there for every pool the checkbox covers (DESIGN.md §9), so the seed needs no CloudProfile.
// Pure functions; safe for concurrent use.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/gpuruntime/api/gpu_config.h"
#include "gpuext/gpuruntime/api/resolve.h"

namespace gpuext::gardener {
class Cluster;
}

namespace gpuext::gpu {

// Where the node agents read driver artifacts from and whether a cache server runs.
struct S3Plan {
  std::string bucket{};
  std::string prefix{};
  std::string region{};
  std::string endpoint{};  // "" = the region's AWS endpoint
  bool force_path_style = false;
  std::string seed_secret{};  // the seed copy of the user's Secret: ref-<name>
  friend bool operator==(const S3Plan&, const S3Plan&) = default;
};

struct CachePlan {
  gpuruntime::api::CacheMode mode = gpuruntime::api::CacheMode::kServer;
  // The in-cluster cache server (mode server only).
  gpuruntime::api::CacheBackend backend = gpuruntime::api::CacheBackend::kFilesystem;
  int replicas = 1;
  std::string storage_size = "50Gi";
  std::string storage_class{};
  std::string access_mode = "ReadWriteOnce";
  std::string quota{};  // "" = unlimited
  bool builds_enabled = true;
  int max_concurrent_builds = 2;
  std::chrono::nanoseconds build_timeout = std::chrono::minutes(60);
  std::map<std::string, std::string> build_node_selector{};
  std::optional<S3Plan> s3{};  // mode s3, or backend s3
  std::string nfs_server{};    // mode filesystem
  std::string nfs_path{};
  std::vector<std::string> extra_trusted_keys{};  // base64 ed25519 keys from cache.trustedKeys
  // Seed Secret (ref-<name>) with a shared manifest-signing key; "" = our generated key.
  std::string signing_key_seed_secret{};

  [[nodiscard]] bool deploys_server() const { return mode == gpuruntime::api::CacheMode::kServer; }
  friend bool operator==(const CachePlan&, const CachePlan&) = default;
};

struct ShootPlan {
  gpuruntime::api::GPUConfig config{};                 // defaulted
  std::vector<gpuruntime::api::ResolvedPool> pools{};  // GPU pools in the shoot's order
  CachePlan cache{};
  std::string kubernetes_version{};  // "1.33.2"
  bool hibernated = false;
  std::vector<std::string> warnings{};  // validation advice, for events and logs
};

// Names of the worker pools that carry the `nvidia` container runtime, in the shoot's order.
[[nodiscard]] std::vector<std::string> GpuPoolNames(const nlohmann::json& shoot);

// The plan for the shoot of `cluster`. Throws Error(kConfigurationProblem) naming every field
// error (paths like spec.extensions[0].providerConfig.cache.s3.bucket), including a referenced
// Secret (cache.s3.secretRef) that the shoot does not list in spec.resources.
[[nodiscard]] ShootPlan PlanShoot(const gardener::Cluster& cluster,
                                  const gpuruntime::api::ControllerConfiguration& component);

// The cache plan from a defaulted GPUConfig; `cluster` names the seed Secrets of references.
[[nodiscard]] CachePlan PlanCache(const gpuruntime::api::GPUConfig& config,
                                  const gardener::Cluster& cluster);

}  // namespace gpuext::gpu
