// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The gpu-driver-cache configuration (ConfigMap gpu-driver-cache, key config.yaml; DESIGN.md
// §14), as the extension writes it (CacheServerConfiguration: storage, builds, prebuild) plus
// server settings whose defaults match the chart's mounts:
//
//   apiVersion: cache.gpu.extensions.gardener.cloud/v1alpha1
//   kind: CacheServerConfiguration
//   server:   {listen: ":8443", publicURL, cluster, dataDir, tls: {certFile, keyFile},
//              signingKeyFile, uploadHMACFile, auth: {mode: tokenReview | sharedToken,
//              sharedTokenFile}}
//   storage:  {backend: filesystem, quota: 50Gi, minRetention: 168h}
//   leases:   {ttl: 2m}
//   builds:   {enabled, maxConcurrent, timeout, nodeSelector, namespace, agentImage,
//              builderImage, recipes: {open, proprietary, userspace}, sources: [{driverVersion,
//              url, sha256}]}
//   gc:       {interval: 1h, grace: 24h}
//   prebuild: {...}   accepted; not acted on yet
//
// An empty document means the defaults. Every problem is reported at once, naming the field:
//   config /etc/gpu-driver-cache/config/config.yaml: builds.maxConcurrent: Invalid value: "0": ...

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/nodeagent/cache/job_launcher.h"

namespace gpuext::nodeagent::cache {

struct CacheServerConfig {
  // server
  std::string listen = ":8443";
  std::string public_url = "https://gpu-driver-cache.gpu-driver-cache.svc";
  std::string cluster = {};
  std::filesystem::path data_dir = "/var/lib/gpu-driver-cache";
  std::filesystem::path tls_cert_file = "/etc/gpu-driver-cache/tls/tls.crt";
  std::filesystem::path tls_key_file = "/etc/gpu-driver-cache/tls/tls.key";
  std::filesystem::path signing_key_file = "/etc/gpu-driver-cache/signing-key/ed25519.pem";
  std::filesystem::path upload_hmac_file = "/etc/gpu-driver-cache/upload-hmac/key";
  std::string auth_mode = "tokenReview";  // or "sharedToken" (tests, local runs)
  std::filesystem::path shared_token_file = {};
  // storage
  std::string backend = "filesystem";
  std::int64_t quota_bytes = 0;  // 0: none
  std::chrono::seconds min_retention = std::chrono::hours(24 * 7);
  // leases
  std::chrono::seconds lease_ttl = std::chrono::minutes(2);
  // builds
  bool builds_enabled = true;
  int max_concurrent = 2;
  JobLauncherOptions jobs = {};  // namespace, images, nodeSelector, timeout, recipes, sources
  // gc
  std::chrono::seconds gc_interval = std::chrono::hours(1);
  std::chrono::seconds gc_grace = std::chrono::hours(24);

  // "host", port from listen (":8443" → "0.0.0.0", 8443).
  [[nodiscard]] std::string ListenHost() const;
  [[nodiscard]] int ListenPort() const;
};

// Parses config.yaml. `source` names the file in errors. Throws
// gpuext::Error(kConfigurationProblem) listing every field error.
[[nodiscard]] CacheServerConfig ParseCacheServerConfig(std::string_view yaml,
                                                       const std::string& source);

// Applies builds.yaml of the chart ({enabled, nodeSelector}) on top of `config`.
void ApplyBuildsConfig(CacheServerConfig& config, std::string_view yaml, const std::string& source);

}  // namespace gpuext::nodeagent::cache
