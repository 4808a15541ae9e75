// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The user-facing configuration API (DESIGN.md §8.1, §8.2):
//
//   GPUConfig      shoot spec.extensions[{type: nvidia-gpu, providerConfig}]     shoot-wide
//   GPUPoolConfig  workers[].cri.containerRuntimes[{type: nvidia, providerConfig}]  per pool
//
// Decoding is strict and collects every problem as a field error whose path starts with the
// caller's path, so the webhook can answer with `spec.extensions[0].providerConfig.driver.version`:
//
//   Decoded<GPUConfig> d = DecodeGPUConfig(provider_config, "spec.extensions[0].providerConfig");
//   if (!d.ok()) deny(d.errors);
//   SetDefaults(d.value, component.driver.default_branch);
//
// validation.h checks the §8.3 rules, resolve.h merges both documents per pool. Every struct is a
// plain value (thread-compatible); Field<T> keeps absent and null apart (field.h).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/field_errors.h"
#include "gpuext/gpuruntime/api/field.h"
#include "gpuext/gpuruntime/types.h"
#include "gpuext/quantity.h"

namespace gpuext::gpuruntime::api {

inline constexpr std::string_view kGPUApiVersion = "gpu.extensions.gardener.cloud/v1alpha1";
inline constexpr std::string_view kGPUConfigKind = "GPUConfig";
inline constexpr std::string_view kGPUPoolConfigKind = "GPUPoolConfig";

// Where the node agent gets driver artifacts from (cache.mode).
enum class CacheMode { kServer, kS3, kFilesystem };
// Storage behind the in-cluster cache server (cache.server.backend).
enum class CacheBackend { kFilesystem, kS3 };
// PersistentVolumeClaim access mode of the cache server's volume.
enum class AccessMode { kReadWriteOnce, kReadWriteMany, kReadWriteOncePod };
// GPU operator MIG strategy (shoot-wide).
enum class MigStrategy { kNone, kSingle, kMixed };
// Whether the NVIDIA fabric manager runs: auto starts it when an NVSwitch is present.
enum class FabricManagerMode { kAuto, kEnabled, kDisabled };
// Hash used when signing kernel modules for Secure Boot.
enum class SigningHash { kSha256, kSha384, kSha512 };

// Spellings as they appear in YAML ("server", "ReadWriteMany", "sha512", ...).
std::string_view ToString(CacheMode mode);
std::string_view ToString(CacheBackend backend);
std::string_view ToString(AccessMode mode);
std::string_view ToString(MigStrategy strategy);
std::string_view ToString(FabricManagerMode mode);
std::string_view ToString(SigningHash hash);
std::optional<CacheMode> ParseCacheMode(std::string_view text);
std::optional<CacheBackend> ParseCacheBackend(std::string_view text);
std::optional<AccessMode> ParseAccessMode(std::string_view text);
std::optional<MigStrategy> ParseMigStrategy(std::string_view text);
std::optional<FabricManagerMode> ParseFabricManagerMode(std::string_view text);
std::optional<SigningHash> ParseSigningHash(std::string_view text);

// {name: <x>}: a name in the Shoot's spec.resources (seed Secret ref-<name>).
struct SecretRef {
  Field<std::string> name{};
  friend bool operator==(const SecretRef&, const SecretRef&) = default;
};

struct DriverSpec {
  Field<std::string>
      version{};  // branch "580" or pinned "580.95.05"; validated against the component config
  Field<ModuleTypePref> module_type{};
  Field<bool> peermem{};  // load nvidia-peermem (GPUDirect RDMA)
  friend bool operator==(const DriverSpec&, const DriverSpec&) = default;
};

struct CacheStorageSpec {
  Field<Quantity> size{};
  Field<std::string> storage_class_name{};  // "" = the cluster's default StorageClass
  Field<AccessMode> access_mode{};
  friend bool operator==(const CacheStorageSpec&, const CacheStorageSpec&) = default;
};

struct CacheBuildsSpec {
  Field<bool> enabled{};
  Field<int> max_concurrent{};
  Field<std::chrono::nanoseconds> timeout{};
  Field<std::map<std::string, std::string>> node_selector{};
  friend bool operator==(const CacheBuildsSpec&, const CacheBuildsSpec&) = default;
};

struct CacheServerSpec {
  Field<CacheBackend> backend{};
  Field<int> replicas{};
  Field<CacheStorageSpec> storage{};
  Field<Quantity> quota{};  // defaulted to 80% of storage.size (filesystem); unset = unlimited (s3)
  Field<CacheBuildsSpec> builds{};
  friend bool operator==(const CacheServerSpec&, const CacheServerSpec&) = default;
};

struct CacheS3Spec {
  Field<std::string> bucket{};
  Field<std::string> prefix{};
  Field<std::string> region{};
  Field<std::string> endpoint{};  // "" = https://s3.<region>.amazonaws.com
  Field<bool> force_path_style{};
  Field<SecretRef> secret_ref{};
  friend bool operator==(const CacheS3Spec&, const CacheS3Spec&) = default;
};

struct NfsSpec {
  Field<std::string> server{};
  Field<std::string> path{};
  friend bool operator==(const NfsSpec&, const NfsSpec&) = default;
};

struct CacheFilesystemSpec {
  Field<NfsSpec> nfs{};
  friend bool operator==(const CacheFilesystemSpec&, const CacheFilesystemSpec&) = default;
};

struct CacheSpec {
  Field<CacheMode> mode{};
  Field<CacheServerSpec> server{};
  Field<CacheS3Spec> s3{};
  Field<CacheFilesystemSpec> filesystem{};
  Field<std::vector<std::string>> trusted_keys{};  // base64 ed25519 public keys
  Field<SecretRef> signing_key_secret_ref{};
  friend bool operator==(const CacheSpec&, const CacheSpec&) = default;
};

struct TimeSlicingSpec {
  Field<int> replicas{};
  Field<bool> rename_by_default{};
  Field<bool> fail_requests_greater_than_one{};
  friend bool operator==(const TimeSlicingSpec&, const TimeSlicingSpec&) = default;
};

struct MpsSpec {
  Field<int> replicas{};
  friend bool operator==(const MpsSpec&, const MpsSpec&) = default;
};

// At most one of time_slicing / mps (validated, not enforced by the type, so that the error can
// name both fields).
struct SharingSpec {
  Field<TimeSlicingSpec> time_slicing{};
  Field<MpsSpec> mps{};
  friend bool operator==(const SharingSpec&, const SharingSpec&) = default;
};

struct MigSpec {
  Field<MigStrategy> strategy{};  // GPUConfig only
  Field<std::string> profile{};   // e.g. "all-disabled", "all-1g.10gb"
  friend bool operator==(const MigSpec&, const MigSpec&) = default;
};

struct DcgmExporterSpec {
  Field<bool> enabled{};
  Field<bool> service_monitor{};
  friend bool operator==(const DcgmExporterSpec&, const DcgmExporterSpec&) = default;
};

struct PrebuildSpec {
  Field<bool> next_kernel{};
  Field<std::vector<std::string>> os_versions{};  // "1877.8"
  friend bool operator==(const PrebuildSpec&, const PrebuildSpec&) = default;
};

struct ModuleSigningSpec {
  Field<SecretRef> secret_ref{};  // Secret keys signing_key.pem, signing_cert.pem; "" = no signing
  Field<SigningHash> hash{};
  friend bool operator==(const ModuleSigningSpec&, const ModuleSigningSpec&) = default;
};

struct UpgradeSpec {
  Field<int> max_parallel{};
  Field<std::chrono::nanoseconds> drain_timeout{};
  Field<bool> force{};
  friend bool operator==(const UpgradeSpec&, const UpgradeSpec&) = default;
};

// Values of the upstream gpu-operator chart a user passes through (operatorValues). Kept as the
// compact JSON text of an object so this header, which the webhook and controllers include
// everywhere, stays free of nlohmann/json. The controller merges them underneath the values it
// derives; where both set a key, ours win (operator_values.h lists them and why).
struct OperatorValues {
  std::string json = "{}";
  friend bool operator==(const OperatorValues&, const OperatorValues&) = default;
};

// Shoot-wide configuration (kind GPUConfig). After SetDefaults every field the controllers read
// has a value, except: pools (absent = every GPU pool), cache.s3 / cache.filesystem (only when
// given), cache.server.quota with the s3 backend (unlimited), sharing (absent = no sharing).
struct GPUConfig {
  Field<DriverSpec> driver{};
  Field<std::vector<std::string>> pools{};
  Field<CacheSpec> cache{};
  Field<SharingSpec> sharing{};
  Field<MigSpec> mig{};
  Field<DcgmExporterSpec> dcgm_exporter{};
  Field<FabricManagerMode> fabric_manager{};
  Field<PrebuildSpec> prebuild{};
  Field<ModuleSigningSpec> module_signing{};
  Field<UpgradeSpec> upgrade{};
  Field<OperatorValues> operator_values{};
  friend bool operator==(const GPUConfig&, const GPUConfig&) = default;
};

// Per-pool overrides (kind GPUPoolConfig). Absent fields inherit the shoot's GPUConfig; null
// fields fall back to the built-in default (resolve.h). mig.strategy is decoded so that Validate
// can forbid it with a helpful message.
struct GPUPoolConfig {
  Field<DriverSpec> driver{};
  Field<SharingSpec> sharing{};
  Field<MigSpec> mig{};
  Field<FabricManagerMode> fabric_manager{};
  Field<UpgradeSpec> upgrade{};
  friend bool operator==(const GPUPoolConfig&, const GPUPoolConfig&) = default;
};

// A decoded document plus every decoding problem. On errors `value` still holds every field that
// decoded cleanly, so validation can run on it and the user sees all problems in one answer.
template <typename T>
struct Decoded {
  T value{};
  FieldErrorList errors{};
  [[nodiscard]] bool ok() const { return errors.empty(); }
};

// Strictly decodes a providerConfig. `path` is prepended to every error's field ("" for none).
// A null document (no providerConfig) decodes to an empty config without errors; any other
// document needs the right apiVersion and kind. Unknown fields are NotSupported errors with a
// nearest-name hint; wrong JSON types are TypeInvalid; enum values outside their set are
// NotSupported; unparsable quantities and durations are Invalid. Never throws for bad input.
[[nodiscard]] Decoded<GPUConfig> DecodeGPUConfig(const nlohmann::json& document,
                                                 std::string_view path);
[[nodiscard]] Decoded<GPUPoolConfig> DecodeGPUPoolConfig(const nlohmann::json& document,
                                                         std::string_view path);

// Encodes with apiVersion and kind; absent fields are omitted, null fields written as null.
// Decoding the result gives back an equal struct.
[[nodiscard]] nlohmann::json ToJson(const GPUConfig& config);
[[nodiscard]] nlohmann::json ToJson(const GPUPoolConfig& config);

// Built-in defaults of §8.1, in one place. Fills absent and null fields; never overwrites a
// value. `default_branch` (the component config's driver.defaultBranch) becomes driver.version
// when the user gave none; an empty one leaves driver.version unset.
void SetDefaults(GPUConfig& config, std::string_view default_branch);

// The default cache quota for a filesystem-backed server: 80% of the volume, rounded down to a
// whole MiB (GC needs headroom for blobs being written).
[[nodiscard]] Quantity DefaultQuota(const Quantity& storage_size);

}  // namespace gpuext::gpuruntime::api
