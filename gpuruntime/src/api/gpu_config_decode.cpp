// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Strict decoding of GPUConfig and GPUPoolConfig: one reader per struct, each listing its keys
// once for the unknown-field check.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "decoder.h"
#include "enums.h"
#include "gpuext/gpuruntime/api/gpu_config.h"
#include "schema.h"

namespace gpuext::gpuruntime::api {
namespace {

using internal::Decoder;
using internal::EnumReader;
using nlohmann::json;

std::optional<SecretRef> ReadSecretRef(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"name"});
  SecretRef out;
  d.Read(v, rel, "name", out.name, &Decoder::AsString);
  return out;
}

std::optional<DriverSpec> ReadDriverSpec(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"version", "moduleType", "peermem"});
  DriverSpec out;
  d.Read(v, rel, "version", out.version, &Decoder::AsString);
  d.Read(v, rel, "moduleType", out.module_type, EnumReader(internal::kModuleTypePrefs));
  d.Read(v, rel, "peermem", out.peermem, &Decoder::AsBool);
  return out;
}

std::optional<CacheStorageSpec> ReadStorage(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"size", "storageClassName", "accessMode"});
  CacheStorageSpec out;
  d.Read(v, rel, "size", out.size, &Decoder::AsQuantity);
  d.Read(v, rel, "storageClassName", out.storage_class_name, &Decoder::AsString);
  d.Read(v, rel, "accessMode", out.access_mode, EnumReader(internal::kAccessModes));
  return out;
}

std::optional<CacheBuildsSpec> ReadBuilds(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"enabled", "maxConcurrent", "timeout", "nodeSelector"});
  CacheBuildsSpec out;
  d.Read(v, rel, "enabled", out.enabled, &Decoder::AsBool);
  d.Read(v, rel, "maxConcurrent", out.max_concurrent, &Decoder::AsInt);
  d.Read(v, rel, "timeout", out.timeout, &Decoder::AsDuration);
  d.Read(v, rel, "nodeSelector", out.node_selector, &Decoder::AsStringMap);
  return out;
}

std::optional<CacheServerSpec> ReadServer(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"backend", "replicas", "storage", "quota", "builds"});
  CacheServerSpec out;
  d.Read(v, rel, "backend", out.backend, EnumReader(internal::kCacheBackends));
  d.Read(v, rel, "replicas", out.replicas, &Decoder::AsInt);
  d.Read(v, rel, "storage", out.storage, ReadStorage);
  d.Read(v, rel, "quota", out.quota, &Decoder::AsQuantity);
  d.Read(v, rel, "builds", out.builds, ReadBuilds);
  return out;
}

std::optional<CacheS3Spec> ReadS3(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"bucket", "prefix", "region", "endpoint", "forcePathStyle", "secretRef"});
  CacheS3Spec out;
  d.Read(v, rel, "bucket", out.bucket, &Decoder::AsString);
  d.Read(v, rel, "prefix", out.prefix, &Decoder::AsString);
  d.Read(v, rel, "region", out.region, &Decoder::AsString);
  d.Read(v, rel, "endpoint", out.endpoint, &Decoder::AsString);
  d.Read(v, rel, "forcePathStyle", out.force_path_style, &Decoder::AsBool);
  d.Read(v, rel, "secretRef", out.secret_ref, ReadSecretRef);
  return out;
}

std::optional<NfsSpec> ReadNfs(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"server", "path"});
  NfsSpec out;
  d.Read(v, rel, "server", out.server, &Decoder::AsString);
  d.Read(v, rel, "path", out.path, &Decoder::AsString);
  return out;
}

std::optional<CacheFilesystemSpec> ReadFilesystem(Decoder& d, const json& v,
                                                  const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"nfs"});
  CacheFilesystemSpec out;
  d.Read(v, rel, "nfs", out.nfs, ReadNfs);
  return out;
}

std::optional<CacheSpec> ReadCache(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"mode", "server", "s3", "filesystem", "trustedKeys", "signingKeySecretRef"});
  CacheSpec out;
  d.Read(v, rel, "mode", out.mode, EnumReader(internal::kCacheModes));
  d.Read(v, rel, "server", out.server, ReadServer);
  d.Read(v, rel, "s3", out.s3, ReadS3);
  d.Read(v, rel, "filesystem", out.filesystem, ReadFilesystem);
  d.Read(v, rel, "trustedKeys", out.trusted_keys, &Decoder::AsStringList);
  d.Read(v, rel, "signingKeySecretRef", out.signing_key_secret_ref, ReadSecretRef);
  return out;
}

std::optional<TimeSlicingSpec> ReadTimeSlicing(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"replicas", "renameByDefault", "failRequestsGreaterThanOne"});
  TimeSlicingSpec out;
  d.Read(v, rel, "replicas", out.replicas, &Decoder::AsInt);
  d.Read(v, rel, "renameByDefault", out.rename_by_default, &Decoder::AsBool);
  d.Read(v, rel, "failRequestsGreaterThanOne", out.fail_requests_greater_than_one,
         &Decoder::AsBool);
  return out;
}

std::optional<MpsSpec> ReadMps(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"replicas"});
  MpsSpec out;
  d.Read(v, rel, "replicas", out.replicas, &Decoder::AsInt);
  return out;
}

std::optional<SharingSpec> ReadSharing(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"timeSlicing", "mps"});
  SharingSpec out;
  d.Read(v, rel, "timeSlicing", out.time_slicing, ReadTimeSlicing);
  d.Read(v, rel, "mps", out.mps, ReadMps);
  return out;
}

std::optional<MigSpec> ReadMig(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"strategy", "profile"});
  MigSpec out;
  d.Read(v, rel, "strategy", out.strategy, EnumReader(internal::kMigStrategies));
  d.Read(v, rel, "profile", out.profile, &Decoder::AsString);
  return out;
}

std::optional<OperatorValues> ReadOperatorValues(Decoder& d, const json& v,
                                                 const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  return OperatorValues{.json = v.dump()};
}

std::optional<DcgmExporterSpec> ReadDcgm(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"enabled", "serviceMonitor"});
  DcgmExporterSpec out;
  d.Read(v, rel, "enabled", out.enabled, &Decoder::AsBool);
  d.Read(v, rel, "serviceMonitor", out.service_monitor, &Decoder::AsBool);
  return out;
}

std::optional<PrebuildSpec> ReadPrebuild(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"nextKernel", "osVersions"});
  PrebuildSpec out;
  d.Read(v, rel, "nextKernel", out.next_kernel, &Decoder::AsBool);
  d.Read(v, rel, "osVersions", out.os_versions, &Decoder::AsStringList);
  return out;
}

std::optional<ModuleSigningSpec> ReadModuleSigning(Decoder& d, const json& v,
                                                   const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"secretRef", "hash"});
  ModuleSigningSpec out;
  d.Read(v, rel, "secretRef", out.secret_ref, ReadSecretRef);
  d.Read(v, rel, "hash", out.hash, EnumReader(internal::kSigningHashes));
  return out;
}

std::optional<UpgradeSpec> ReadUpgrade(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"maxParallel", "drainTimeout", "force"});
  UpgradeSpec out;
  d.Read(v, rel, "maxParallel", out.max_parallel, &Decoder::AsInt);
  d.Read(v, rel, "drainTimeout", out.drain_timeout, &Decoder::AsDuration);
  d.Read(v, rel, "force", out.force, &Decoder::AsBool);
  return out;
}

// Fields a user may write into a GPUPoolConfig by mistake because they exist shoot-wide.
std::string PoolConfigHint(std::string_view parent, std::string_view key) {
  if (parent.empty() && internal::IsShootWideOnly(key)) {
    return fmt::format(
        "{} is shoot-wide: set it in the shoot's nvidia-gpu extension providerConfig", key);
  }
  return {};
}

}  // namespace

Decoded<GPUConfig> DecodeGPUConfig(const json& document, std::string_view path) {
  Decoded<GPUConfig> out;
  if (document.is_null()) {
    return out;
  }
  Decoder d(path, internal::GPUConfigPaths(), out.errors);
  if (!d.ExpectObject(document, "")) {
    return out;
  }
  d.CheckTypeMeta(document, kGPUApiVersion, kGPUConfigKind);
  d.CheckKeys(document, "",
              {"apiVersion", "kind", "driver", "pools", "cache", "sharing", "mig", "dcgmExporter",
               "fabricManager", "prebuild", "moduleSigning", "upgrade", "operatorValues"});
  GPUConfig& c = out.value;
  d.Read(document, "", "driver", c.driver, ReadDriverSpec);
  d.Read(document, "", "pools", c.pools, &Decoder::AsStringList);
  d.Read(document, "", "cache", c.cache, ReadCache);
  d.Read(document, "", "sharing", c.sharing, ReadSharing);
  d.Read(document, "", "mig", c.mig, ReadMig);
  d.Read(document, "", "dcgmExporter", c.dcgm_exporter, ReadDcgm);
  d.Read(document, "", "fabricManager", c.fabric_manager,
         EnumReader(internal::kFabricManagerModes));
  d.Read(document, "", "prebuild", c.prebuild, ReadPrebuild);
  d.Read(document, "", "moduleSigning", c.module_signing, ReadModuleSigning);
  d.Read(document, "", "upgrade", c.upgrade, ReadUpgrade);
  d.Read(document, "", "operatorValues", c.operator_values, ReadOperatorValues);
  return out;
}

Decoded<GPUPoolConfig> DecodeGPUPoolConfig(const json& document, std::string_view path) {
  Decoded<GPUPoolConfig> out;
  if (document.is_null()) {
    return out;
  }
  Decoder d(path, internal::GPUPoolConfigPaths(), out.errors, PoolConfigHint);
  if (!d.ExpectObject(document, "")) {
    return out;
  }
  d.CheckTypeMeta(document, kGPUApiVersion, kGPUPoolConfigKind);
  d.CheckKeys(document, "",
              {"apiVersion", "kind", "driver", "sharing", "mig", "fabricManager", "upgrade"});
  GPUPoolConfig& c = out.value;
  d.Read(document, "", "driver", c.driver, ReadDriverSpec);
  d.Read(document, "", "sharing", c.sharing, ReadSharing);
  d.Read(document, "", "mig", c.mig, ReadMig);
  d.Read(document, "", "fabricManager", c.fabric_manager,
         EnumReader(internal::kFabricManagerModes));
  d.Read(document, "", "upgrade", c.upgrade, ReadUpgrade);
  return out;
}

}  // namespace gpuext::gpuruntime::api
