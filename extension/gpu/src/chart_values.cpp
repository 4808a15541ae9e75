// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/chart_values.h"

#include <optional>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/duration.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpuruntime/api/operator_values.h"
#include "gpuext/gpuruntime/registry.h"
#include "gpuext/nfdrules/generator.h"
#include "gpuext/nfdrules/rule.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpu {
namespace {

using nlohmann::json;
namespace api = gpuruntime::api;

api::MigStrategy MigStrategyOf(const api::GPUConfig& config) {
  return config.mig && config.mig->strategy ? *config.mig->strategy : api::MigStrategy::kNone;
}

// The OS build image as the cache server takes it: one template for every OS version, with
// {osVersion} ("1877.5") and {arch}. Ours is image + tag with {major}.{minor} and {arch}
// (component config `builder`), taken from the first GPU pool's machine image. "" when that
// tag uses other placeholders: the server then builds with the agent image.
std::string CacheBuilderImageTemplate(const ShootPlan& plan,
                                      const api::ControllerConfiguration& component) {
  for (const api::ResolvedPool& pool : plan.pools) {
    for (const api::MachineImageSupport& image : component.machine_images) {
      if (image.name != pool.machine_image_name || image.builder.image.empty()) {
        continue;
      }
      std::string tag = image.builder.tag;
      const std::string placeholder = "{major}.{minor}";
      if (const size_t at = tag.find(placeholder); at != std::string::npos) {
        tag.replace(at, placeholder.size(), "{osVersion}");
      }
      if (tag.find("{major}") != std::string::npos || tag.find("{minor}") != std::string::npos) {
        return "";
      }
      return image.builder.image + ":" + tag;
    }
  }
  return "";
}

// Where the builder downloads each pool driver's sources, one entry per kind the catalog has:
// `open`, the open-gpu-kernel-modules tarball (kernel parts, recipe kbuild-open), and `run`,
// the .run package (userspace parts, recipe kbuild-run). The cache picks by the key's part.
json CacheBuildSources(const ShootPlan& plan) {
  json sources = json::array();
  std::set<std::string> seen;
  for (const api::ResolvedPool& pool : plan.pools) {
    if (!seen.insert(pool.driver.version).second) {
      continue;
    }
    const api::DriverSources& from = pool.driver.sources;
    const std::pair<const char*, const std::optional<api::DriverSource>*> kinds[] = {
        {"open", &from.open}, {"run", &from.run}};
    for (const auto& [kind, source] : kinds) {
      if (!source->has_value()) {
        continue;
      }
      // One checksum per entry: the common one, else amd64's (arm64 pools with their own
      // checksum are not expressed here yet).
      json entry = {
          {"driverVersion", pool.driver.version}, {"kind", kind}, {"url", (*source)->url}};
      if (const std::string sha = (*source)->Sha256For(gpuruntime::Arch::kAmd64); !sha.empty()) {
        entry["sha256"] = sha;
      }
      sources.push_back(entry);
    }
  }
  return sources;
}

// `ours` over `user`: objects merge key by key, anything else of ours replaces the user's value.
json MergeOverOperatorValues(json user, const json& ours) {
  for (const auto& [key, value] : ours.items()) {
    auto it = user.find(key);
    if (value.is_object() && it != user.end() && it->is_object()) {
      *it = MergeOverOperatorValues(std::move(*it), value);
    } else {
      user[key] = value;
    }
  }
  return user;
}

}  // namespace

std::vector<json> ShootNodeFeatureRules() {
  nfdrules::GeneratorOptions options;
  for (const gpuruntime::GpuVendor* vendor : gpuruntime::LabelledVendors()) {
    for (const gpuruntime::PciMatch& match : vendor->NfdMatchers()) {
      options.pci_rules.push_back(
          {.vendor_id = match.vendor_id, .class_ids = match.class_ids, .label = match.label});
    }
  }
  return nfdrules::GenerateRules(options);
}

json ImageValues(const std::string& reference) { return {{"ref", reference}}; }

json SharedChartValues(const ShootPlan& plan) {
  return {{"driverCache", {{"enabled", plan.cache.deploys_server()}}}};
}

json NfdChartValues(const ShootPlan& /*plan*/) {
  return {{"extraLabelNs", json::array({std::string(nfdrules::kLabelNamespace),
                                        std::string(nfdrules::kGardenerLabelNamespace)})}};
}

json OperatorChartValues(const ShootPlan& plan) {
  const api::MigStrategy strategy = MigStrategyOf(plan.config);
  const bool dcgm = !plan.config.dcgm_exporter || !plan.config.dcgm_exporter->enabled ||
                    *plan.config.dcgm_exporter->enabled;
  const bool service_monitor = plan.config.dcgm_exporter &&
                               plan.config.dcgm_exporter->service_monitor &&
                               *plan.config.dcgm_exporter->service_monitor;
  const json ours = {
      {"driver", {{"enabled", false}}},
      {"toolkit", {{"enabled", true}, {"installDir", "/opt/nvidia"}}},
      {"cdi", {{"enabled", true}}},
      {"hostPaths", {{"driverInstallDir", "/run/nvidia/driver"}, {"rootFS", "/"}}},
      {"operator", {{"runtimeClass", std::string(kRuntimeType)}}},
      {"nfd", {{"enabled", false}}},
      {"mig", {{"strategy", std::string(api::ToString(strategy))}}},
      {"migManager", {{"enabled", strategy != api::MigStrategy::kNone}}},
      {"dcgmExporter", {{"enabled", dcgm}, {"serviceMonitor", {{"enabled", service_monitor}}}}},
      {"devicePlugin",
       {{"enabled", true},
        {"config",
         {{"name", std::string(kDevicePluginConfigMap)},
          {"default", std::string(kDefaultSharingKey)}}}}},
      {"gpuext", {{"devicePluginConfigs", DevicePluginConfigs(plan)}}},
  };
  if (!plan.config.operator_values) {
    return ours;
  }
  return MergeOverOperatorValues(json::parse(plan.config.operator_values->json), ours);
}

std::vector<std::string> OverriddenOperatorValues(const ShootPlan& plan) {
  std::vector<std::string> out;
  if (!plan.config.operator_values) {
    return out;
  }
  for (const api::PinnedOperatorValue& pinned :
       api::PinnedOperatorValuesSetBy(*plan.config.operator_values)) {
    out.push_back(fmt::format("{} ({})", pinned.path, pinned.reason));
  }
  return out;
}

json AgentSharedChartValues(const std::string& image, const std::string& cache_ca_bundle) {
  return {{"image", ImageValues(image)},
          {"shared", {{"enabled", true}, {"cacheCABundle", cache_ca_bundle}}},
          {"pools", json::array()}};
}

json AgentPoolChartValues(const std::string& image, const std::string& pool_name,
                          const json& match_labels, const api::AgentConfiguration& config,
                          const CachePlan& cache) {
  json pool = {
      {"name", pool_name},
      {"selector", {{"matchLabels", match_labels.is_object() ? match_labels : json::object()}}},
      {"config", ToYaml(api::ToJson(config))}};
  if (cache.mode == api::CacheMode::kFilesystem) {
    pool["nfs"] = {
        {"server", cache.nfs_server}, {"path", cache.nfs_path}, {"mountPath", kNfsCacheMountPath}};
  }
  if (cache.mode == api::CacheMode::kS3) {
    pool["s3Secret"] = std::string(kS3ReadSecret);
  }
  return {{"image", ImageValues(image)},
          {"shared", {{"enabled", false}}},
          {"pools", json::array({pool})}};
}

json CacheServerConfig(const ShootPlan& plan, const api::ControllerConfiguration& component,
                       const std::string& cluster) {
  const CachePlan& cache = plan.cache;
  json storage = {{"backend", std::string(api::ToString(cache.backend))}};
  if (!cache.quota.empty()) {
    storage["quota"] = cache.quota;
  }
  if (cache.backend == api::CacheBackend::kS3 && cache.s3.has_value()) {
    storage["s3"] = {{"bucket", cache.s3->bucket},
                     {"prefix", cache.s3->prefix},
                     {"region", cache.s3->region},
                     {"endpoint", cache.s3->endpoint},
                     {"forcePathStyle", cache.s3->force_path_style},
                     {"credentialsSecret", std::string(kS3ServerSecret)}};
  }
  json prebuild = {{"nextKernel", true}, {"osVersions", json::array()}};
  if (plan.config.prebuild) {
    if (plan.config.prebuild->next_kernel) {
      prebuild["nextKernel"] = *plan.config.prebuild->next_kernel;
    }
    if (plan.config.prebuild->os_versions) {
      prebuild["osVersions"] = *plan.config.prebuild->os_versions;
    }
  }
  // What to build ahead: each pool's driver for its machine image version.
  json targets = json::array();
  for (const api::ResolvedPool& pool : plan.pools) {
    targets.push_back({{"pool", pool.name},
                       {"osVersion", pool.machine_image_version},
                       {"driverVersion", pool.driver.version},
                       {"moduleType", std::string(gpuruntime::ToString(pool.module_type))}});
  }
  prebuild["targets"] = targets;

  json builds = {{"enabled", cache.builds_enabled},
                 {"maxConcurrent", cache.max_concurrent_builds},
                 {"timeout", FormatDuration(cache.build_timeout)},
                 {"nodeSelector", cache.build_node_selector},
                 {"agentImage", component.images.node_agent}};
  if (const std::string builder = CacheBuilderImageTemplate(plan, component); !builder.empty()) {
    builds["builderImage"] = builder;
  }
  builds["sources"] = CacheBuildSources(plan);
  return {{"apiVersion", "cache.gpu.extensions.gardener.cloud/v1alpha1"},
          {"kind", "CacheServerConfiguration"},
          {"server", {{"cluster", cluster}}},
          {"storage", storage},
          {"builds", builds},
          {"prebuild", prebuild}};
}

json DriverCacheChartValues(const ShootPlan& plan, const api::ControllerConfiguration& component,
                            const std::string& cluster) {
  const CachePlan& cache = plan.cache;
  return {
      {"image", ImageValues(component.images.driver_cache)},
      {"replicas", cache.replicas},
      {"backend", std::string(api::ToString(cache.backend))},
      {"storage",
       {{"size", cache.storage_size},
        {"storageClassName", cache.storage_class},
        {"accessMode", cache.access_mode}}},
      {"config", ToYaml(CacheServerConfig(plan, component, cluster))},
      {"secrets",
       {{"tls", std::string(kCacheTlsSecret)},
        {"signingKey", std::string(kSigningKeySecret)},
        {"uploadHmac", std::string(kUploadHmacSecret)},
        {"s3", cache.backend == api::CacheBackend::kS3 ? std::string(kS3ServerSecret) : ""}}},
      {"builds", {{"enabled", cache.builds_enabled}, {"nodeSelector", cache.build_node_selector}}}};
}

}  // namespace gpuext::gpu
