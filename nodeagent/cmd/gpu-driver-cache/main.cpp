// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// gpu-driver-cache: the driver artifact cache and build coordinator of one shoot (DESIGN.md
// §14.3–14.6). Serves HTTPS until SIGTERM.
//
//   gpu-driver-cache --config=/etc/gpu-driver-cache/config/config.yaml
//                    --builds-config=/etc/gpu-driver-cache/config/builds.yaml
//                    --backend=filesystem --data-dir=/var/lib/gpu-driver-cache
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <curl/curl.h>

#include "gpuext/clock.h"
#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/flag_set.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/kube/signals.h"
#include "gpuext/logger.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/cache/auth.h"
#include "gpuext/nodeagent/cache/config.h"
#include "gpuext/nodeagent/cache/gc.h"
#include "gpuext/nodeagent/cache/job_launcher.h"
#include "gpuext/nodeagent/cache/server.h"
#include "gpuext/nodeagent/cache/upload_token.h"

namespace {

using gpuext::Error;
using gpuext::ErrorCode;
namespace cache = gpuext::nodeagent::cache;
namespace artifact = gpuext::nodeagent::artifact;

struct DriverCacheFlags {
  std::string config;
  std::string builds_config;
  std::string backend = "filesystem";
  std::string data_dir;
  std::string kubeconfig;
  std::string log_format = "json";
  bool verbose = false;
};

std::string DriverCacheReadRequired(const std::filesystem::path& path, const std::string& what) {
  const auto text = gpuext::ReadFileIfExists(path);
  if (!text) {
    throw Error(ErrorCode::kConfigurationProblem,
                what + " " + path.string() + " does not exist; check the Secret mount");
  }
  return *text;
}

int DriverCacheRun(const DriverCacheFlags& flags, std::stop_token stop, const gpuext::Logger& log) {
  cache::CacheServerConfig config;
  if (!flags.config.empty()) {
    const auto text = gpuext::ReadFileIfExists(flags.config);
    if (!text) {
      throw Error(ErrorCode::kConfigurationProblem,
                  "--config: " + flags.config + " does not exist");
    }
    config = cache::ParseCacheServerConfig(*text, flags.config);
  }
  if (!flags.builds_config.empty()) {
    if (const auto text = gpuext::ReadFileIfExists(flags.builds_config)) {
      cache::ApplyBuildsConfig(config, *text, flags.builds_config);
    }
  }
  if (flags.backend != "filesystem") {
    throw Error(
        ErrorCode::kConfigurationProblem,
        "--backend: \"" + flags.backend + "\" is not supported by this build; use filesystem");
  }
  if (!flags.data_dir.empty()) {
    config.data_dir = flags.data_dir;
  }
  if (config.jobs.agent_image.empty()) {
    if (const char* image = std::getenv("GPU_NODE_AGENT_IMAGE"); image != nullptr) {
      config.jobs.agent_image = image;
    }
  }
  if (const char* ns = std::getenv("POD_NAMESPACE"); ns != nullptr && *ns != '\0') {
    config.jobs.ns = ns;  // builder Jobs go into the server's own namespace (the chart's)
  }
  config.jobs.cluster = config.cluster;

  gpuext::RealClock& clock = gpuext::RealClock::Instance();
  const artifact::SigningKey signing_key = artifact::SigningKey::FromPem(
      DriverCacheReadRequired(config.signing_key_file, "manifest signing key"));
  const cache::UploadTokens tokens = cache::UploadTokens::FromFile(config.upload_hmac_file);
  artifact::FilesystemBlobStore store(config.data_dir, clock);
  store.SweepStaleFiles(std::chrono::hours(1));

  std::unique_ptr<gpuext::kube::HttpClient> kube;
  if (config.builds_enabled || config.auth_mode == "tokenReview") {
    kube = std::make_unique<gpuext::kube::HttpClient>(
        gpuext::kube::LoadConfig(flags.kubeconfig),
        gpuext::kube::HttpClientOptions{.component = "gpu-driver-cache"});
  }
  std::unique_ptr<cache::Authenticator> auth;
  if (config.auth_mode == "sharedToken") {
    std::string token = DriverCacheReadRequired(config.shared_token_file, "shared token file");
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) {
      token.pop_back();
    }
    auth = std::make_unique<cache::SharedTokenAuthenticator>(token);
  } else {
    auth = std::make_unique<cache::TokenReviewAuthenticator>(*kube, clock);
  }
  std::unique_ptr<cache::JobBuildLauncher> launcher;
  if (config.builds_enabled) {
    if (config.jobs.agent_image.empty()) {
      log.Error(
          "Builds are disabled: builds.agentImage is not configured (nor "
          "GPU_NODE_AGENT_IMAGE); missing keys answer failed/BuildsDisabled");
    } else {
      launcher = std::make_unique<cache::JobBuildLauncher>(*kube, config.jobs);
    }
  }

  cache::ServedLog served(config.data_dir / "served.json");
  cache::CacheServer server(
      {.host = config.ListenHost(),
       .port = config.ListenPort(),
       .tls_cert_pem = DriverCacheReadRequired(config.tls_cert_file, "serving certificate"),
       .tls_key_pem = DriverCacheReadRequired(config.tls_key_file, "serving key"),
       .public_url = config.public_url,
       .cluster = config.cluster,
       .lease_ttl = config.lease_ttl,
       .token_validity = config.jobs.timeout + std::chrono::minutes(10),
       .max_concurrent_builds = config.max_concurrent},
      {.store = store,
       .signing_key = signing_key,
       .tokens = tokens,
       .authenticator = *auth,
       .launcher = launcher.get(),
       .clock = clock,
       .log = log.WithName("server"),
       .served = &served});
  server.Start();
  log.Info("Started", {{"dataDir", config.data_dir.string()},
                       {"builds", launcher != nullptr},
                       {"maxConcurrent", config.max_concurrent},
                       {"signingKeyId", signing_key.KeyId()}});

  // Kernels of the cluster's nodes, refreshed before every GC run (quota never evicts them).
  std::set<std::string, std::less<>> running;
  cache::GarbageCollector gc(store, clock,
                             {.grace = config.gc_grace,
                              .quota_bytes = config.quota_bytes,
                              .min_retention = config.min_retention,
                              .staging_dir = config.data_dir / "uploads",
                              .in_use =
                                  [&running](const artifact::ArtifactKey& key) {
                                    return key.part == artifact::ArtifactPart::kKernel &&
                                           running.contains(key.kernel_release);
                                  }},
                             &served);
  std::jthread collector([&](std::stop_token gc_stop) {
    do {
      try {
        if (kube) {
          running = cache::RunningKernelReleases(*kube);
        }
        const cache::GcResult r = gc.RunOnce();
        server.RecordGc(r);
        log.Info("GC done", {{"deletedBlobs", r.deleted_blobs},
                             {"evicted", static_cast<std::int64_t>(r.evicted.size())},
                             {"bytesStored", r.bytes_stored},
                             {"overQuota", r.over_quota},
                             {"removedUploads", r.removed_uploads}});
      } catch (const std::exception& e) {
        log.Error(e, "GC failed");
      }
    } while (clock.SleepFor(config.gc_interval, gc_stop));
  });
  // Until SIGTERM/SIGINT.
  (void)clock.SleepUntil(std::chrono::steady_clock::time_point::max(), stop);
  log.Info("Stopping");
  collector.request_stop();
  collector.join();
  server.Stop();
  served.Save();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  gpuext::kube::ShutdownSignals signals;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  DriverCacheFlags flags;
  gpuext::FlagSet set("gpu-driver-cache");
  set.String("config", &flags.config, "CacheServerConfiguration YAML (empty file: defaults)");
  set.String("builds-config", &flags.builds_config,
             "builds.yaml of the chart ({enabled, nodeSelector})");
  set.String("backend", &flags.backend, "artifact storage: filesystem");
  set.String("data-dir", &flags.data_dir,
             "filesystem backend directory (overrides server.dataDir)");
  set.String("kubeconfig", &flags.kubeconfig, "kubeconfig; empty: in-cluster");
  set.String("log-format", &flags.log_format, "json or text");
  set.Bool("v", &flags.verbose, "debug logging");
  const auto errors = set.Parse(argc, argv);
  if (!errors.empty() || (flags.log_format != "json" && flags.log_format != "text")) {
    for (const auto& e : errors) {
      std::cerr << e << "\n";
    }
    if (flags.log_format != "json" && flags.log_format != "text") {
      std::cerr << gpuext::InvalidFlagValue("log-format", flags.log_format, "want json or text")
                << "\n";
    }
    std::cerr << set.Usage();
    return 2;
  }
  gpuext::Logger::Configure(
      flags.log_format == "json" ? gpuext::LogFormat::kJson : gpuext::LogFormat::kText,
      flags.verbose ? gpuext::LogLevel::kDebug : gpuext::LogLevel::kInfo);
  const gpuext::Logger log = gpuext::Logger::Root().WithName("gpu-driver-cache");
  try {
    return DriverCacheRun(flags, signals.token(), log);
  } catch (const Error& e) {
    log.Error(e, "gpu-driver-cache failed");
    return e.code() == ErrorCode::kConfigurationProblem ? 2 : 1;
  } catch (const std::exception& e) {
    log.Error(e, "gpu-driver-cache failed");
    return 1;
  }
}
