// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/cache/config.h"

#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/cache/job_launcher.h"

namespace gpuext::nodeagent::cache {
namespace {

using namespace std::chrono_literals;

TEST(CacheServerConfigTest, EmptyDocumentGivesTheChartsDefaults) {
  for (const char* text : {"", "\"\"\n"}) {
    const CacheServerConfig c = ParseCacheServerConfig(text, "config.yaml");
    EXPECT_EQ(c.ListenPort(), 8443);
    EXPECT_EQ(c.ListenHost(), "0.0.0.0");
    EXPECT_EQ(c.tls_cert_file, "/etc/gpu-driver-cache/tls/tls.crt");
    EXPECT_EQ(c.tls_key_file, "/etc/gpu-driver-cache/tls/tls.key");
    EXPECT_EQ(c.signing_key_file, "/etc/gpu-driver-cache/signing-key/ed25519.pem");
    EXPECT_EQ(c.upload_hmac_file, "/etc/gpu-driver-cache/upload-hmac/key");
    EXPECT_EQ(c.data_dir, "/var/lib/gpu-driver-cache");
    EXPECT_EQ(c.lease_ttl, 2min);
    EXPECT_EQ(c.gc_interval, 1h);
    EXPECT_EQ(c.gc_grace, 24h);
    EXPECT_EQ(c.max_concurrent, 2);
  }
}

// What extension/gpu's CacheServerConfig() writes into the chart.
TEST(CacheServerConfigTest, ReadsTheExtensionsDocument) {
  const CacheServerConfig c = ParseCacheServerConfig(R"(
apiVersion: cache.gpu.extensions.gardener.cloud/v1alpha1
kind: CacheServerConfiguration
storage:
  backend: filesystem
  quota: 50Gi
builds:
  enabled: true
  maxConcurrent: 3
  timeout: 1h30m0s
  nodeSelector: {worker.gardener.cloud/pool: build}
prebuild:
  nextKernel: true
  osVersions: []
  targets: [{pool: gpu, osVersion: 1877.5.0, driverVersion: 580.95.05, moduleType: open}]
)",
                                                     "config.yaml");
  EXPECT_EQ(c.quota_bytes, std::int64_t{50} << 30);
  EXPECT_EQ(c.max_concurrent, 3);
  EXPECT_EQ(c.jobs.timeout, 90min);
  EXPECT_EQ(c.jobs.node_selector.at("worker.gardener.cloud/pool"), "build");
}

TEST(CacheServerConfigTest, EveryBadFieldIsNamed) {
  try {
    (void)ParseCacheServerConfig(R"(
apiVersion: cache.gpu.extensions.gardener.cloud/v1alpha1
kind: CacheServerConfiguration
server: {listen: "nope", auth: {mode: sharedToken}}
storage: {backend: s4, quota: lots}
leases: {ttl: 1s}
builds: {maxConcurrent: 0, sources: [{url: "https://x/{version}", sha256: xyz}], recipies: {}}
gc: {interval: soon}
)",
                                 "/etc/gpu-driver-cache/config/config.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
    const std::string m = e.what();
    for (const char* field :
         {"/etc/gpu-driver-cache/config/config.yaml", "server.listen",
          "server.auth.sharedTokenFile", "storage.backend", "storage.quota", "leases.ttl",
          "builds.maxConcurrent", "builds.sources[0].driverVersion", "builds.sources[0].sha256",
          "builds.recipies", "gc.interval"}) {
      EXPECT_NE(m.find(field), std::string::npos) << field << " missing in: " << m;
    }
  }
}

TEST(CacheServerConfigTest, BuildsYamlOfTheChartOverridesEnabledAndSelector) {
  CacheServerConfig c = ParseCacheServerConfig("", "config.yaml");
  ApplyBuildsConfig(c, "enabled: false\nnodeSelector: {a: b}\n", "builds.yaml");
  EXPECT_FALSE(c.builds_enabled);
  EXPECT_EQ(c.jobs.node_selector.at("a"), "b");
  EXPECT_THROW(ApplyBuildsConfig(c, "enabled: maybe\n", "builds.yaml"), Error);
}

TEST(CacheServerConfigTest, SourcesHaveAKindThatDefaultsToOpen) {
  const CacheServerConfig c = ParseCacheServerConfig(R"(
builds:
  sources:
  - {driverVersion: "580.95.05", url: "https://x/{version}.tar.gz"}
  - {driverVersion: "580.95.05", kind: run, url: "https://x/NVIDIA-Linux-{narch}-{version}.run"}
  - {driverVersion: "*", kind: open, url: "https://y/{version}.tar.gz"}
)",
                                                     "config.yaml");
  ASSERT_EQ(c.jobs.sources.size(), 3U);
  EXPECT_EQ(c.jobs.sources[0].kind, BuildSourceKind::kOpen);
  EXPECT_EQ(c.jobs.sources[1].kind, BuildSourceKind::kRun);
  EXPECT_EQ(c.jobs.sources[2].kind, BuildSourceKind::kOpen);
}

TEST(CacheServerConfigTest, UnknownSourceKindNamesTheAllowedValues) {
  try {
    (void)ParseCacheServerConfig(
        "builds: {sources: [{driverVersion: \"*\", kind: installer, url: \"https://x\"}]}\n",
        "config.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("builds.sources[0].kind"), std::string::npos) << m;
    EXPECT_NE(m.find("installer"), std::string::npos) << m;
    EXPECT_NE(m.find("\"open\""), std::string::npos) << m;
    EXPECT_NE(m.find("\"run\""), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace gpuext::nodeagent::cache
