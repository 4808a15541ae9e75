// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "schema.h"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "decoder.h"
#include "gpuext/gpuruntime/api/agent_config.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/gpuruntime/api/gpu_config.h"

namespace gpuext::gpuruntime::api::internal {
namespace {

// A GPUConfig with every field set, including the ones defaults leave out.
GPUConfig FullGPUConfig() {
  GPUConfig c;
  c.pools = std::vector<std::string>{"pool"};
  c.sharing = SharingSpec{.time_slicing = TimeSlicingSpec{}, .mps = MpsSpec{.replicas = 2}};
  CacheSpec& cache = c.cache.Ensure();
  cache.s3 = CacheS3Spec{.bucket = "b", .region = "r", .secret_ref = SecretRef{.name = "s"}};
  cache.filesystem = CacheFilesystemSpec{.nfs = NfsSpec{.server = "s", .path = "/p"}};
  SetDefaults(c, "580");
  c.cache->server->quota = *Quantity::Parse("1Gi");
  c.sharing->time_slicing->replicas = 1;
  c.operator_values = OperatorValues{};
  return c;
}

ControllerConfiguration FullControllerConfiguration() {
  ControllerConfiguration c;
  const DriverSource source{.url = "https://x", .sha256 = "h", .sha256_by_arch = {}};
  c.driver.branches.push_back(
      {.branch = "580", .version = "580.1.2", .sources = {.run = source, .open = source}});
  c.driver.exclusions.push_back(
      {.branch = "580", .machine_image = "m", .versions = VersionConstraint::Parse("< 1")});
  c.machine_images.push_back(
      {.name = "m",
       .versions = VersionConstraint::Parse("> 1"),
       .containerd = {{.versions = VersionConstraint::Parse("> 1"), .dialect = {}}},
       .builder = {.image = "i", .tag = "t"},
       .os_version_key = "k"});
  return c;
}

AgentConfiguration FullAgentConfiguration() {
  AgentConfiguration c;
  c.cache.sources.push_back({.type = CacheSourceType::kS3,
                             .url = "u",
                             .ca_bundle = "c",
                             .token_audience = "t",
                             .bucket = "b",
                             .prefix = "p",
                             .region = "r",
                             .endpoint = "e",
                             .force_path_style = true,
                             .credentials_secret = "s",
                             .path = "/p"});
  c.cache.trusted_keys.push_back({.key_id = "k", .public_key = "p"});
  return c;
}

std::vector<std::string> Paths(const nlohmann::json& document,
                               std::initializer_list<std::string_view> leaf_maps) {
  return FlattenPaths(document,
                      std::span<const std::string_view>(leaf_maps.begin(), leaf_maps.size()));
}

}  // namespace

std::span<const std::string> GPUConfigPaths() {
  static const std::vector<std::string> kPaths =
      Paths(ToJson(FullGPUConfig()), {"cache.server.builds.nodeSelector", "operatorValues"});
  return kPaths;
}

std::span<const std::string> GPUPoolConfigPaths() {
  static const std::vector<std::string> kPaths = [] {
    const GPUConfig full = FullGPUConfig();
    const GPUPoolConfig pool{.driver = full.driver,
                             .sharing = full.sharing,
                             .mig = full.mig,
                             .fabric_manager = full.fabric_manager,
                             .upgrade = full.upgrade};
    return Paths(ToJson(pool), {});
  }();
  return kPaths;
}

std::span<const std::string> ControllerConfigurationPaths() {
  static const std::vector<std::string> kPaths = Paths(ToJson(FullControllerConfiguration()), {});
  return kPaths;
}

std::span<const std::string> AgentConfigurationPaths() {
  static const std::vector<std::string> kPaths =
      Paths(ToJson(FullAgentConfiguration()), {"driver.parameters", "deviceLabels"});
  return kPaths;
}

bool IsShootWideOnly(std::string_view key) {
  const auto pool_paths = GPUPoolConfigPaths();
  const auto shoot_paths = GPUConfigPaths();
  const auto has = [key](std::span<const std::string> paths) {
    return std::find(paths.begin(), paths.end(), key) != paths.end();
  };
  return has(shoot_paths) && !has(pool_paths);
}

}  // namespace gpuext::gpuruntime::api::internal
