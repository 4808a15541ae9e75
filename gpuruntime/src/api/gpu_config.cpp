// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Enum spellings, encoding and defaults of GPUConfig / GPUPoolConfig.

#include "gpuext/gpuruntime/api/gpu_config.h"

#include <nlohmann/json.hpp>

#include "decoder.h"
#include "enums.h"
#include "gpuext/duration.h"

namespace gpuext::gpuruntime::api {

using internal::Put;
using nlohmann::json;
using namespace std::chrono_literals;

std::string_view ToString(CacheMode mode) { return EnumToString(internal::kCacheModes, mode); }
std::string_view ToString(CacheBackend backend) {
  return EnumToString(internal::kCacheBackends, backend);
}
std::string_view ToString(AccessMode mode) { return EnumToString(internal::kAccessModes, mode); }
std::string_view ToString(MigStrategy strategy) {
  return EnumToString(internal::kMigStrategies, strategy);
}
std::string_view ToString(FabricManagerMode mode) {
  return EnumToString(internal::kFabricManagerModes, mode);
}
std::string_view ToString(SigningHash hash) { return EnumToString(internal::kSigningHashes, hash); }
std::optional<CacheMode> ParseCacheMode(std::string_view text) {
  return ParseEnum(internal::kCacheModes, text);
}
std::optional<CacheBackend> ParseCacheBackend(std::string_view text) {
  return ParseEnum(internal::kCacheBackends, text);
}
std::optional<AccessMode> ParseAccessMode(std::string_view text) {
  return ParseEnum(internal::kAccessModes, text);
}
std::optional<MigStrategy> ParseMigStrategy(std::string_view text) {
  return ParseEnum(internal::kMigStrategies, text);
}
std::optional<FabricManagerMode> ParseFabricManagerMode(std::string_view text) {
  return ParseEnum(internal::kFabricManagerModes, text);
}
std::optional<SigningHash> ParseSigningHash(std::string_view text) {
  return ParseEnum(internal::kSigningHashes, text);
}

namespace {

template <typename E>
auto EnumText() {
  return [](const E& v) { return json(std::string(ToString(v))); };
}
auto QuantityText() {
  return [](const Quantity& q) { return json(q.String()); };
}
auto DurationText() {
  return [](const std::chrono::nanoseconds& d) { return json(FormatDuration(d)); };
}

json Encode(const SecretRef& v) {
  json out = json::object();
  Put(out, "name", v.name);
  return out;
}

json Encode(const DriverSpec& v) {
  json out = json::object();
  Put(out, "version", v.version);
  Put(out, "moduleType", v.module_type,
      [](ModuleTypePref p) { return json(std::string(gpuruntime::ToString(p))); });
  Put(out, "peermem", v.peermem);
  return out;
}

json Encode(const CacheServerSpec& v) {
  json out = json::object();
  Put(out, "backend", v.backend, EnumText<CacheBackend>());
  Put(out, "replicas", v.replicas);
  Put(out, "storage", v.storage, [](const CacheStorageSpec& s) {
    json storage = json::object();
    Put(storage, "size", s.size, QuantityText());
    Put(storage, "storageClassName", s.storage_class_name);
    Put(storage, "accessMode", s.access_mode, EnumText<AccessMode>());
    return storage;
  });
  Put(out, "quota", v.quota, QuantityText());
  Put(out, "builds", v.builds, [](const CacheBuildsSpec& b) {
    json builds = json::object();
    Put(builds, "enabled", b.enabled);
    Put(builds, "maxConcurrent", b.max_concurrent);
    Put(builds, "timeout", b.timeout, DurationText());
    Put(builds, "nodeSelector", b.node_selector);
    return builds;
  });
  return out;
}

json Encode(const CacheSpec& v) {
  json out = json::object();
  Put(out, "mode", v.mode, EnumText<CacheMode>());
  Put(out, "server", v.server, [](const CacheServerSpec& s) { return Encode(s); });
  Put(out, "s3", v.s3, [](const CacheS3Spec& s) {
    json s3 = json::object();
    Put(s3, "bucket", s.bucket);
    Put(s3, "prefix", s.prefix);
    Put(s3, "region", s.region);
    Put(s3, "endpoint", s.endpoint);
    Put(s3, "forcePathStyle", s.force_path_style);
    Put(s3, "secretRef", s.secret_ref, [](const SecretRef& r) { return Encode(r); });
    return s3;
  });
  Put(out, "filesystem", v.filesystem, [](const CacheFilesystemSpec& f) {
    json fs = json::object();
    Put(fs, "nfs", f.nfs, [](const NfsSpec& n) {
      json nfs = json::object();
      Put(nfs, "server", n.server);
      Put(nfs, "path", n.path);
      return nfs;
    });
    return fs;
  });
  Put(out, "trustedKeys", v.trusted_keys);
  Put(out, "signingKeySecretRef", v.signing_key_secret_ref,
      [](const SecretRef& r) { return Encode(r); });
  return out;
}

json Encode(const SharingSpec& v) {
  json out = json::object();
  Put(out, "timeSlicing", v.time_slicing, [](const TimeSlicingSpec& t) {
    json ts = json::object();
    Put(ts, "replicas", t.replicas);
    Put(ts, "renameByDefault", t.rename_by_default);
    Put(ts, "failRequestsGreaterThanOne", t.fail_requests_greater_than_one);
    return ts;
  });
  Put(out, "mps", v.mps, [](const MpsSpec& m) {
    json mps = json::object();
    Put(mps, "replicas", m.replicas);
    return mps;
  });
  return out;
}

json Encode(const MigSpec& v) {
  json out = json::object();
  Put(out, "strategy", v.strategy, EnumText<MigStrategy>());
  Put(out, "profile", v.profile);
  return out;
}

json Encode(const UpgradeSpec& v) {
  json out = json::object();
  Put(out, "maxParallel", v.max_parallel);
  Put(out, "drainTimeout", v.drain_timeout, DurationText());
  Put(out, "force", v.force);
  return out;
}

template <typename T>
auto Encoder() {
  return [](const T& v) { return Encode(v); };
}

}  // namespace

json ToJson(const GPUConfig& c) {
  json out = {{"apiVersion", kGPUApiVersion}, {"kind", kGPUConfigKind}};
  Put(out, "driver", c.driver, Encoder<DriverSpec>());
  Put(out, "pools", c.pools);
  Put(out, "cache", c.cache, Encoder<CacheSpec>());
  Put(out, "sharing", c.sharing, Encoder<SharingSpec>());
  Put(out, "mig", c.mig, Encoder<MigSpec>());
  Put(out, "dcgmExporter", c.dcgm_exporter, [](const DcgmExporterSpec& v) {
    json dcgm = json::object();
    Put(dcgm, "enabled", v.enabled);
    Put(dcgm, "serviceMonitor", v.service_monitor);
    return dcgm;
  });
  Put(out, "fabricManager", c.fabric_manager, EnumText<FabricManagerMode>());
  Put(out, "prebuild", c.prebuild, [](const PrebuildSpec& v) {
    json prebuild = json::object();
    Put(prebuild, "nextKernel", v.next_kernel);
    Put(prebuild, "osVersions", v.os_versions);
    return prebuild;
  });
  Put(out, "moduleSigning", c.module_signing, [](const ModuleSigningSpec& v) {
    json signing = json::object();
    Put(signing, "secretRef", v.secret_ref, Encoder<SecretRef>());
    Put(signing, "hash", v.hash, EnumText<SigningHash>());
    return signing;
  });
  Put(out, "upgrade", c.upgrade, Encoder<UpgradeSpec>());
  Put(out, "operatorValues", c.operator_values,
      [](const OperatorValues& v) { return json::parse(v.json); });
  return out;
}

json ToJson(const GPUPoolConfig& c) {
  json out = {{"apiVersion", kGPUApiVersion}, {"kind", kGPUPoolConfigKind}};
  Put(out, "driver", c.driver, Encoder<DriverSpec>());
  Put(out, "sharing", c.sharing, Encoder<SharingSpec>());
  Put(out, "mig", c.mig, Encoder<MigSpec>());
  Put(out, "fabricManager", c.fabric_manager, EnumText<FabricManagerMode>());
  Put(out, "upgrade", c.upgrade, Encoder<UpgradeSpec>());
  return out;
}

Quantity DefaultQuota(const Quantity& storage_size) {
  constexpr int64_t kMi = int64_t{1} << 20;
  const int64_t eighty_percent = storage_size.bytes() / 5 * 4 + storage_size.bytes() % 5 * 4 / 5;
  const int64_t rounded = eighty_percent >= kMi ? eighty_percent / kMi * kMi : eighty_percent;
  return Quantity::FromBytes(rounded, Quantity::Format::kBinarySI);
}

namespace {

void SetCacheDefaults(CacheSpec& cache) {
  cache.mode.Default(CacheMode::kServer);
  CacheServerSpec& server = cache.server.Ensure();
  server.backend.Default(CacheBackend::kFilesystem);
  server.replicas.Default(1);
  CacheStorageSpec& storage = server.storage.Ensure();
  storage.size.Default(*Quantity::Parse("50Gi"));
  storage.storage_class_name.Default("");
  storage.access_mode.Default(AccessMode::kReadWriteOnce);
  if (*server.backend == CacheBackend::kFilesystem) {
    server.quota.Default(DefaultQuota(*storage.size));
  } else if (server.quota.is_null()) {
    server.quota = Field<Quantity>();  // null = unlimited for s3, same as absent
  }
  CacheBuildsSpec& builds = server.builds.Ensure();
  builds.enabled.Default(true);
  builds.max_concurrent.Default(2);
  builds.timeout.Default(60min);
  builds.node_selector.Default({});
  if (cache.s3) {
    cache.s3->prefix.Default("");
    cache.s3->endpoint.Default("");
    cache.s3->force_path_style.Default(false);
  }
  cache.trusted_keys.Default({});
  cache.signing_key_secret_ref.Ensure().name.Default("");
}

}  // namespace

void SetDefaults(GPUConfig& config, std::string_view default_branch) {
  DriverSpec& driver = config.driver.Ensure();
  if (!default_branch.empty()) {
    driver.version.Default(std::string(default_branch));
  }
  driver.module_type.Default(ModuleTypePref::kAuto);
  driver.peermem.Default(false);
  if (config.pools.is_null()) {
    config.pools = Field<std::vector<std::string>>();  // null = every GPU pool, same as absent
  }
  SetCacheDefaults(config.cache.Ensure());
  if (config.sharing.is_null()) {
    config.sharing = Field<SharingSpec>();  // null = no sharing, same as absent
  }
  if (config.sharing) {
    if (config.sharing->time_slicing) {
      config.sharing->time_slicing->rename_by_default.Default(false);
      config.sharing->time_slicing->fail_requests_greater_than_one.Default(false);
    }
  }
  MigSpec& mig = config.mig.Ensure();
  mig.strategy.Default(MigStrategy::kNone);
  mig.profile.Default("all-disabled");
  DcgmExporterSpec& dcgm = config.dcgm_exporter.Ensure();
  dcgm.enabled.Default(true);
  dcgm.service_monitor.Default(false);
  config.fabric_manager.Default(FabricManagerMode::kAuto);
  PrebuildSpec& prebuild = config.prebuild.Ensure();
  prebuild.next_kernel.Default(true);
  prebuild.os_versions.Default({});
  ModuleSigningSpec& signing = config.module_signing.Ensure();
  signing.secret_ref.Ensure().name.Default("");
  signing.hash.Default(SigningHash::kSha512);
  UpgradeSpec& upgrade = config.upgrade.Ensure();
  upgrade.max_parallel.Default(1);
  upgrade.drain_timeout.Default(10min);
  upgrade.force.Default(false);
}

}  // namespace gpuext::gpuruntime::api
