// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/node_config.h"

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpuruntime/registry.h"
#include "gpuext/gpuruntime/types.h"
#include "gpuext/nodeagent/artifact/signing.h"

namespace gpuext::gpu {
namespace {

using nlohmann::json;
namespace api = gpuruntime::api;

constexpr const char* kGpuResource = "nvidia.com/gpu";

}  // namespace

api::ResolvedSharing ShootSharing(const api::GPUConfig& config) {
  api::ResolvedSharing out;
  if (!config.sharing) {
    return out;
  }
  const api::SharingSpec& sharing = *config.sharing;
  if (sharing.time_slicing) {
    const api::TimeSlicingSpec& ts = *sharing.time_slicing;
    out.kind = api::SharingKind::kTimeSlicing;
    out.replicas = ts.replicas.has_value() ? *ts.replicas : 1;
    out.rename_by_default = ts.rename_by_default.has_value() && *ts.rename_by_default;
    out.fail_requests_greater_than_one =
        ts.fail_requests_greater_than_one.has_value() && *ts.fail_requests_greater_than_one;
  } else if (sharing.mps) {
    out.kind = api::SharingKind::kMps;
    out.replicas = sharing.mps->replicas.has_value() ? *sharing.mps->replicas : 2;
  }
  return out;
}

std::string SharingKey(const api::ResolvedPool& pool, const api::ResolvedSharing& shoot_sharing) {
  if (pool.sharing == shoot_sharing) {
    return std::string(kDefaultSharingKey);
  }
  return "pool-" + pool.name;
}

json DevicePluginConfig(const api::ResolvedSharing& sharing, api::MigStrategy mig_strategy) {
  json config = {{"version", "v1"},
                 {"flags", {{"migStrategy", std::string(api::ToString(mig_strategy))}}}};
  const json resources = json::array({{{"name", kGpuResource}, {"replicas", sharing.replicas}}});
  switch (sharing.kind) {
    case api::SharingKind::kNone:
      break;
    case api::SharingKind::kTimeSlicing:
      config["sharing"]["timeSlicing"] = {
          {"renameByDefault", sharing.rename_by_default},
          {"failRequestsGreaterThanOne", sharing.fail_requests_greater_than_one},
          {"resources", resources}};
      break;
    case api::SharingKind::kMps:
      config["sharing"]["mps"] = {{"resources", resources}};
      break;
  }
  return config;
}

json DevicePluginConfigs(const ShootPlan& plan) {
  const api::ResolvedSharing shoot_sharing = ShootSharing(plan.config);
  const api::MigStrategy strategy = plan.config.mig && plan.config.mig->strategy
                                        ? *plan.config.mig->strategy
                                        : api::MigStrategy::kNone;
  json configs = json::object();
  configs[std::string(kDefaultSharingKey)] = DevicePluginConfig(shoot_sharing, strategy);
  for (const api::ResolvedPool& pool : plan.pools) {
    const std::string key = SharingKey(pool, shoot_sharing);
    if (!configs.contains(key)) {
      configs[key] = DevicePluginConfig(pool.sharing, strategy);
    }
  }
  return configs;
}

api::AgentConfiguration BuildAgentConfiguration(const api::ResolvedPool& pool,
                                                const ShootPlan& plan, const ManifestTrust& trust) {
  api::AgentConfiguration config;
  config.pool = pool.name;
  config.vendor = std::string(kRuntimeType);
  config.mode = api::AgentMode::kInstall;

  config.driver.version = pool.driver.version;
  config.driver.module_type = pool.module_type;
  config.driver.modules = {"nvidia", "nvidia-uvm", "nvidia-modeset"};
  if (pool.peermem) {
    config.driver.modules.emplace_back("nvidia-peermem");
  }
  const std::optional<gpuruntime::DriverVersion> version =
      gpuruntime::DriverVersion::Parse(pool.driver.version);
  if (version.has_value()) {
    const gpuruntime::ModuleParams params =
        gpuruntime::VendorFor(kRuntimeType).ModuleParameters(*version);
    for (const auto& [module, words] : params.by_module) {
      config.driver.parameters[module] = words;
    }
  }
  config.persistenced = true;
  config.fabric_manager = pool.fabric_manager;
  config.device_labels = {
      {std::string(kDevicePluginConfigLabel), SharingKey(pool, ShootSharing(plan.config))},
      {std::string(kMigConfigLabel), pool.mig_profile}};

  api::AgentCacheSource source;
  switch (plan.cache.mode) {
    case api::CacheMode::kServer:
      source.type = api::CacheSourceType::kServer;
      source.url = std::string(kCacheServiceUrl);
      source.ca_bundle = trust.cache_ca_bundle;
      source.token_audience = std::string(kCacheTokenAudience);
      break;
    case api::CacheMode::kS3:
      source.type = api::CacheSourceType::kS3;
      if (plan.cache.s3.has_value()) {
        source.bucket = plan.cache.s3->bucket;
        source.prefix = plan.cache.s3->prefix;
        source.region = plan.cache.s3->region;
        source.endpoint = plan.cache.s3->endpoint;
        source.force_path_style = plan.cache.s3->force_path_style;
      }
      source.credentials_secret = std::string(kS3ReadSecret);
      break;
    case api::CacheMode::kFilesystem:
      source.type = api::CacheSourceType::kFilesystem;
      source.path = kNfsCacheMountPath;
      break;
  }
  config.cache.sources.push_back(std::move(source));
  if (!trust.signing_public_key.empty()) {
    config.cache.trusted_keys.push_back(
        {.key_id = nodeagent::artifact::PublicKey::FromBase64(trust.signing_public_key).KeyId(),
         .public_key = trust.signing_public_key});
  }
  for (const std::string& key : plan.cache.extra_trusted_keys) {
    config.cache.trusted_keys.push_back(
        {.key_id = nodeagent::artifact::PublicKey::FromBase64(key).KeyId(), .public_key = key});
  }
  config.upgrade = {
      .max_parallel = pool.max_parallel, .drain_timeout = pool.drain_timeout, .force = pool.force};
  return config;
}

}  // namespace gpuext::gpu
