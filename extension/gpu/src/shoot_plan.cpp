// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/shoot_plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/field_errors.h"
#include "gpuext/gardener/cluster.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpuruntime/api/validation.h"

namespace gpuext::gpu {
namespace {

using nlohmann::json;
namespace api = gpuruntime::api;

const json& Member(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) {
    return kNull;
  }
  const auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

bool HasNvidiaRuntime(const json& worker) {
  const json& runtimes = Member(Member(worker, "cri"), "containerRuntimes");
  if (!runtimes.is_array()) {
    return false;
  }
  for (const json& runtime : runtimes) {
    if (Member(runtime, "type") == kRuntimeType) {
      return true;
    }
  }
  return false;
}

// The seed Secret gardenlet copied the shoot's spec.resources entry `name` into; validation has
// already made sure the shoot lists it.
std::string SeedSecretFor(const gardener::Cluster& cluster, const api::Field<api::SecretRef>& ref) {
  if (!ref || !ref->name || ref->name->empty()) {
    return {};
  }
  return cluster.ReferencedResourceSecretName(*ref->name).value_or("");
}

}  // namespace

std::vector<std::string> GpuPoolNames(const json& shoot) {
  std::vector<std::string> names;
  const json& workers = Member(Member(Member(shoot, "spec"), "provider"), "workers");
  if (!workers.is_array()) {
    return names;
  }
  for (const json& worker : workers) {
    if (HasNvidiaRuntime(worker) && Member(worker, "name").is_string()) {
      names.push_back(Member(worker, "name").get<std::string>());
    }
  }
  return names;
}

CachePlan PlanCache(const api::GPUConfig& config, const gardener::Cluster& cluster) {
  CachePlan plan;
  if (!config.cache) {
    return plan;
  }
  const api::CacheSpec& cache = *config.cache;
  plan.mode = cache.mode.has_value() ? *cache.mode : api::CacheMode::kServer;
  if (cache.server) {
    const api::CacheServerSpec& server = *cache.server;
    if (server.backend) {
      plan.backend = *server.backend;
    }
    if (server.replicas) {
      plan.replicas = *server.replicas;
    }
    if (server.storage) {
      if (server.storage->size) {
        plan.storage_size = server.storage->size->String();
      }
      if (server.storage->storage_class_name) {
        plan.storage_class = *server.storage->storage_class_name;
      }
      if (server.storage->access_mode) {
        plan.access_mode = std::string(api::ToString(*server.storage->access_mode));
      }
    }
    if (server.quota) {
      plan.quota = server.quota->String();
    }
    if (server.builds) {
      const api::CacheBuildsSpec& builds = *server.builds;
      if (builds.enabled) {
        plan.builds_enabled = *builds.enabled;
      }
      if (builds.max_concurrent) {
        plan.max_concurrent_builds = *builds.max_concurrent;
      }
      if (builds.timeout) {
        plan.build_timeout = *builds.timeout;
      }
      if (builds.node_selector) {
        plan.build_node_selector = *builds.node_selector;
      }
    }
  }
  const bool uses_s3 = plan.mode == api::CacheMode::kS3 || (plan.mode == api::CacheMode::kServer &&
                                                            plan.backend == api::CacheBackend::kS3);
  if (uses_s3 && cache.s3) {
    const api::CacheS3Spec& s3 = *cache.s3;
    S3Plan out;
    out.bucket = s3.bucket.has_value() ? *s3.bucket : "";
    out.prefix = s3.prefix.has_value() ? *s3.prefix : "";
    out.region = s3.region.has_value() ? *s3.region : "";
    out.endpoint = s3.endpoint.has_value() ? *s3.endpoint : "";
    out.force_path_style = s3.force_path_style.has_value() && *s3.force_path_style;
    out.seed_secret = SeedSecretFor(cluster, s3.secret_ref);
    plan.s3 = std::move(out);
  }
  if (plan.mode == api::CacheMode::kFilesystem && cache.filesystem && cache.filesystem->nfs) {
    const api::NfsSpec& nfs = *cache.filesystem->nfs;
    plan.nfs_server = nfs.server.has_value() ? *nfs.server : "";
    plan.nfs_path = nfs.path.has_value() ? *nfs.path : "";
  }
  if (cache.trusted_keys) {
    plan.extra_trusted_keys = *cache.trusted_keys;
  }
  plan.signing_key_seed_secret = SeedSecretFor(cluster, cache.signing_key_secret_ref);
  return plan;
}

ShootPlan PlanShoot(const gardener::Cluster& cluster,
                    const api::ControllerConfiguration& component) {
  const json& shoot = cluster.shoot();
  const api::ValidationContext context{.component = component,
                                       .pools = api::PoolsFromShoot(shoot),
                                       .resource_names = api::ResourceNamesFromShoot(shoot)};
  // The providerConfig of the first enabled nvidia-gpu extension, with its index for paths.
  json provider_config;
  std::string path = "spec.extensions[0].providerConfig";
  const json& extensions = Member(Member(shoot, "spec"), "extensions");
  if (extensions.is_array()) {
    for (size_t i = 0; i < extensions.size(); ++i) {
      if (Member(extensions[i], "type") == kExtensionType &&
          Member(extensions[i], "disabled") != true) {
        provider_config = Member(extensions[i], "providerConfig");
        path = fmt::format("spec.extensions[{}].providerConfig", i);
        break;
      }
    }
  }
  api::Checked<api::GPUConfig> checked = api::CheckGPUConfig(provider_config, context, path);
  if (!checked.ok()) {
    throw Error(ErrorCode::kConfigurationProblem, ToAggregateMessage(checked.errors));
  }

  ShootPlan plan;
  plan.config = std::move(checked.config);
  plan.warnings = std::move(checked.warnings);
  // Pool problems are collected so one reconcile names every broken pool.
  std::vector<std::string> pool_errors;
  for (const std::string& name : GpuPoolNames(shoot)) {
    try {
      plan.pools.push_back(api::ResolvePool(shoot, name, component));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kConfigurationProblem) {
        throw;
      }
      pool_errors.push_back(e.what());
    }
  }
  if (!pool_errors.empty()) {
    throw Error(ErrorCode::kConfigurationProblem, fmt::format("{}", fmt::join(pool_errors, "; ")));
  }
  plan.cache = PlanCache(plan.config, cluster);
  plan.kubernetes_version = cluster.KubernetesVersion();
  plan.hibernated = cluster.IsHibernated();
  return plan;
}

}  // namespace gpuext::gpu
