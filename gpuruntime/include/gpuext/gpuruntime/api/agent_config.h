// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// AgentConfiguration (DESIGN.md §8.5): what the seed tells one pool's gpu-node-agent, through the
// ConfigMap gpu-node-agent-<pool> (key config.yaml). The seed builds it from a ResolvedPool and
// the cache plan and encodes it with ToJson; the agent reads it with LoadAgentConfiguration.
//
//   AgentConfiguration config = LoadAgentConfiguration(configmap_text);  // throws on problems
//
// Machine-written, so fields are plain values with the §8.5 defaults; decoding is still strict so
// that a version skew between seed and agent is a clear error rather than a silent default.
// Plain values; thread-compatible.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/field_errors.h"
#include "gpuext/gpuruntime/api/gpu_config.h"
#include "gpuext/gpuruntime/types.h"

namespace gpuext::gpuruntime::api {

inline constexpr std::string_view kAgentApiVersion = "agent.gpu.extensions.gardener.cloud/v1alpha1";
inline constexpr std::string_view kAgentConfigurationKind = "AgentConfiguration";
inline constexpr std::string_view kAgentConfigMapKey = "config.yaml";

enum class AgentMode { kInstall, kUninstall };
enum class CacheSourceType { kServer, kS3, kFilesystem };
std::string_view ToString(AgentMode mode);
std::string_view ToString(CacheSourceType type);

// One place to fetch artifacts from; the agent tries sources in order. Fields not used by the
// source's type stay empty.
struct AgentCacheSource {
  CacheSourceType type = CacheSourceType::kServer;
  // server
  std::string url{};             // https://gpu-driver-cache.gpu-driver-cache.svc
  std::string ca_bundle{};       // PEM
  std::string token_audience{};  // projected ServiceAccount token audience
  // s3
  std::string bucket{};
  std::string prefix{};
  std::string region{};
  std::string endpoint{};
  bool force_path_style = false;  // not in §8.5's example; the S3 client needs it (§8.1 cache.s3)
  std::string
      credentials_secret{};  // Secret in the agent's namespace: accessKeyId, secretAccessKey
  // filesystem
  std::string path{};  // where the pod mounts the NFS export
  friend bool operator==(const AgentCacheSource&, const AgentCacheSource&) = default;
};

struct AgentTrustedKey {
  std::string key_id{};      // "sha256:<hex of the raw public key>"
  std::string public_key{};  // base64 of the 32-byte ed25519 key
  friend bool operator==(const AgentTrustedKey&, const AgentTrustedKey&) = default;
};

struct AgentCache {
  std::vector<AgentCacheSource> sources{};
  std::vector<AgentTrustedKey> trusted_keys{};
  friend bool operator==(const AgentCache&, const AgentCache&) = default;
};

struct AgentDriver {
  std::string version{};  // full version, e.g. 580.95.05
  ModuleTypePref module_type = ModuleTypePref::kAuto;
  std::vector<std::string>
      modules{};  // load order: nvidia, nvidia-uvm, nvidia-modeset[, nvidia-peermem]
  std::map<std::string, std::vector<std::string>> parameters{};  // module -> ["key=value", ...]
  friend bool operator==(const AgentDriver&, const AgentDriver&) = default;
};

struct AgentUpgrade {
  int max_parallel = 1;
  std::chrono::nanoseconds drain_timeout = std::chrono::minutes(10);
  bool force = false;
  friend bool operator==(const AgentUpgrade&, const AgentUpgrade&) = default;
};

struct AgentPaths {
  std::string host_root = "/host";
  std::string driver_root = "/run/nvidia/driver";
  std::string state_dir = "/var/lib/gpu-node-agent";
  friend bool operator==(const AgentPaths&, const AgentPaths&) = default;
};

struct AgentConfiguration {
  std::string pool{};
  std::string vendor = "nvidia";
  AgentMode mode = AgentMode::kInstall;
  AgentDriver driver{};
  bool persistenced = true;
  FabricManagerMode fabric_manager = FabricManagerMode::kAuto;
  std::map<std::string, std::string> device_labels{};
  AgentCache cache{};
  AgentUpgrade upgrade{};
  AgentPaths paths{};
  friend bool operator==(const AgentConfiguration&, const AgentConfiguration&) = default;
};

// Strict decoding; absent fields keep the defaults above. `path` prefixes error fields.
[[nodiscard]] Decoded<AgentConfiguration> DecodeAgentConfiguration(const nlohmann::json& document,
                                                                   std::string_view path = "");
[[nodiscard]] nlohmann::json ToJson(const AgentConfiguration& config);
// Every problem at once: pool and vendor set; in install mode a full driver version, modules and
// at least one cache source; parameters only for listed modules and shaped key=value; each
// source's required fields (server: https url; s3: bucket, region, credentialsSecret;
// filesystem: absolute path); trusted keys "sha256:<64 hex>" with a 32-byte base64 key;
// maxParallel >= 1; drainTimeout 1m-2h; absolute paths.
[[nodiscard]] FieldErrorList Validate(const AgentConfiguration& config, std::string_view path = "");
// Parses the ConfigMap's YAML, decodes and validates. Throws Error(kConfigurationProblem) naming
// every problem.
[[nodiscard]] AgentConfiguration LoadAgentConfiguration(std::string_view yaml_text);

}  // namespace gpuext::gpuruntime::api
