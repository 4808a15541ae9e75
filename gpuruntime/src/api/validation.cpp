// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The §8.3 rules. Each rule is one small function appending to a shared result.

#include "gpuext/gpuruntime/api/validation.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "decoder.h"
#include "gpuext/base64.h"
#include "gpuext/duration.h"
#include "gpuext/error.h"
#include "gpuext/gpuruntime/api/operator_values.h"

namespace gpuext::gpuruntime::api {
namespace {

using internal::IndexPath;
using internal::JoinPath;
using namespace std::chrono_literals;

class Rules {
 public:
  Rules(const ValidationContext& context, std::string_view path, ValidationResult& result)
      : ctx_(context), root_(path), result_(result) {}

  std::string Path(std::string_view rel) const { return JoinPath(root_, rel); }
  void Error(FieldError e) { result_.errors.push_back(std::move(e)); }
  void Warn(std::string_view rel, std::string_view advice) {
    result_.warnings.push_back(fmt::format("{}: {}", Path(rel), advice));
  }
  const ValidationContext& ctx() const { return ctx_; }

  void IntRange(const Field<int>& value, std::string_view rel, int low, int high) {
    if (value && (*value < low || *value > high)) {
      Error(FieldError::Invalid(Path(rel), std::to_string(*value),
                                fmt::format("must be between {} and {}", low, high)));
    }
  }
  void IntAtLeast(const Field<int>& value, std::string_view rel, int low) {
    if (value && *value < low) {
      Error(FieldError::Invalid(Path(rel), std::to_string(*value),
                                fmt::format("must be >= {}", low)));
    }
  }
  void DurationRange(const Field<std::chrono::nanoseconds>& value, std::string_view rel,
                     std::chrono::nanoseconds low, std::chrono::nanoseconds high,
                     std::string_view range_text) {
    if (value && (*value < low || *value > high)) {
      Error(FieldError::Invalid(Path(rel), FormatDurationText(*value),
                                fmt::format("must be between {}", range_text)));
    }
  }
  // A secret name must come in through the shoot's spec.resources (seed Secret ref-<name>).
  void SecretInResources(const Field<SecretRef>& ref, std::string_view rel) {
    if (!ref || !ref->name || ref->name->empty()) {
      return;
    }
    const std::string& name = *ref->name;
    const auto& names = ctx_.resource_names;
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      Error(FieldError::Invalid(
          Path(JoinPath(rel, "name")), name,
          fmt::format("add {{name: {}, resourceRef: {{kind: Secret, ...}}}} to spec.resources",
                      name)));
    }
  }

 private:
  static std::string FormatDurationText(std::chrono::nanoseconds d) { return FormatDuration(d); }

  const ValidationContext& ctx_;
  std::string root_;
  ValidationResult& result_;
};

std::string JoinComma(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

// The advice for an excluded branch: the lowest newer listed branch that builds on the image.
std::string ExclusionAdvice(const ControllerConfiguration& cc, const DriverVersion& version,
                            const PoolContext& pool) {
  for (const std::string& branch : SupportedBranches(cc)) {
    if (std::stoi(branch) > version.Branch() &&
        FindExclusion(cc, branch, pool.machine_image_name, pool.machine_image_version) == nullptr) {
      return fmt::format("use {} or newer", branch);
    }
  }
  return "use another driver branch or another image version";
}

// driver.version: syntax, listed in the catalog, not excluded on the pools' images.
void CheckDriverVersion(Rules& r, const Field<DriverSpec>& driver,
                        const std::vector<const PoolContext*>& pools) {
  if (!driver || !driver->version) {
    return;
  }
  const std::string& text = *driver->version;
  const ControllerConfiguration& cc = r.ctx().component;
  const std::optional<DriverVersion> version = DriverVersion::Parse(text);
  if (!version) {
    r.Error(FieldError::Invalid(
        r.Path("driver.version"), text,
        "must be a branch \"NNN\" (e.g. \"580\") or a full version \"NNN.NN[.NN]\" "
        "(e.g. \"580.95.05\")"));
    return;
  }
  if (!ResolveDriverVersion(cc, text)) {
    r.Error(FieldError::Invalid(r.Path("driver.version"), text,
                                version->IsBranchOnly()
                                    ? fmt::format("unknown driver branch \"{}\"; supported: {}",
                                                  text, JoinComma(SupportedBranches(cc)))
                                    : fmt::format("unknown driver version \"{}\"; supported: {}",
                                                  text, JoinComma(SupportedVersions(cc)))));
    return;
  }
  std::set<const DriverExclusion*> reported;
  const std::string branch = std::to_string(version->Branch());
  for (const PoolContext* pool : pools) {
    const DriverExclusion* exclusion =
        FindExclusion(cc, branch, pool->machine_image_name, pool->machine_image_version);
    if (exclusion != nullptr && reported.insert(exclusion).second) {
      r.Error(FieldError::Invalid(
          r.Path("driver.version"), text,
          fmt::format("{} does not build on {} {}; {}", branch, exclusion->machine_image,
                      exclusion->versions ? exclusion->versions->String() : "",
                      ExclusionAdvice(cc, *version, *pool))));
    }
  }
}

void CheckSharing(Rules& r, const Field<SharingSpec>& sharing) {
  if (!sharing) {
    return;
  }
  if (sharing->time_slicing && sharing->mps) {
    r.Error(FieldError::Forbidden(r.Path("sharing.mps"),
                                  "set at most one of sharing.timeSlicing and sharing.mps"));
  }
  if (sharing->time_slicing) {
    if (!sharing->time_slicing->replicas) {
      r.Error(FieldError::Required(r.Path("sharing.timeSlicing.replicas"),
                                   "how many pods may share one GPU, e.g. 4"));
    }
    r.IntAtLeast(sharing->time_slicing->replicas, "sharing.timeSlicing.replicas", 1);
  }
  if (sharing->mps) {
    if (!sharing->mps->replicas) {
      r.Error(FieldError::Required(r.Path("sharing.mps.replicas"),
                                   "how many pods may share one GPU, e.g. 2"));
    }
    r.IntAtLeast(sharing->mps->replicas, "sharing.mps.replicas", 2);
  }
}

void CheckMigProfile(Rules& r, const Field<MigSpec>& mig) {
  static const re2::RE2 kLabelValue("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
  if (!mig || !mig->profile) {
    return;
  }
  const std::string& profile = *mig->profile;
  if (profile.size() > 63 || !re2::RE2::FullMatch(profile, kLabelValue)) {
    r.Error(FieldError::Invalid(r.Path("mig.profile"), profile,
                                "must be a label value: at most 63 characters of a-z, 0-9, '.' "
                                "and '-', starting and ending with a letter or digit, e.g. "
                                "all-1g.10gb"));
  }
}

void CheckUpgrade(Rules& r, const Field<UpgradeSpec>& upgrade) {
  if (!upgrade) {
    return;
  }
  r.IntAtLeast(upgrade->max_parallel, "upgrade.maxParallel", 1);
  r.DurationRange(upgrade->drain_timeout, "upgrade.drainTimeout", 1min, 2h, "1m and 2h");
}

void CheckPools(Rules& r, const Field<std::vector<std::string>>& pools) {
  if (!pools) {
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < pools->size(); ++i) {
    const std::string& name = (*pools)[i];
    const std::string rel = IndexPath("pools", i);
    if (!seen.insert(name).second) {
      r.Error(FieldError::Duplicate(r.Path(rel), name));
      continue;
    }
    const auto& all = r.ctx().pools;
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const PoolContext& p) { return p.name == name; });
    if (it == all.end()) {
      r.Error(FieldError::Invalid(r.Path(rel), name,
                                  fmt::format("pool \"{}\" does not exist; name a pool of "
                                              "spec.provider.workers",
                                              name)));
    } else if (it->gpus.has_value() && *it->gpus <= 0) {  // unknown (no CloudProfile): no advice
      r.Warn(rel, fmt::format("pool \"{}\" has a machine type without a GPU count in the "
                              "CloudProfile; it gets the nvidia runtime anyway",
                              name));
    }
  }
}

void CheckS3(Rules& r, const CacheSpec& cache) {
  if (!cache.s3) {
    r.Error(FieldError::Required(r.Path("cache.s3"),
                                 "S3 is used by cache.mode or cache.server.backend; give "
                                 "cache.s3 with bucket, region and secretRef"));
    return;
  }
  const CacheS3Spec& s3 = *cache.s3;
  if (!s3.bucket || s3.bucket->empty()) {
    r.Error(FieldError::Required(r.Path("cache.s3.bucket"), "the bucket holding driver artifacts"));
  }
  if (!s3.region || s3.region->empty()) {
    r.Error(FieldError::Required(r.Path("cache.s3.region"), "e.g. eu-central-1"));
  }
  if (!s3.secret_ref || !s3.secret_ref->name || s3.secret_ref->name->empty()) {
    r.Error(FieldError::Required(r.Path("cache.s3.secretRef.name"),
                                 "a Secret with accessKeyId and secretAccessKey, referenced in "
                                 "spec.resources"));
  }
  r.SecretInResources(s3.secret_ref, "cache.s3.secretRef");
  if (s3.endpoint && !s3.endpoint->empty()) {
    static const re2::RE2 kUrl("(https?)://[^/\\s]+(/\\S*)?");
    std::string scheme;
    const std::string& endpoint = *s3.endpoint;
    if (!re2::RE2::FullMatch(endpoint, kUrl, &scheme)) {
      r.Error(FieldError::Invalid(r.Path("cache.s3.endpoint"), endpoint,
                                  "must be empty or an https:// URL"));
    } else if (scheme == "http" && !r.ctx().component.allow_insecure_endpoints) {
      r.Error(FieldError::Invalid(r.Path("cache.s3.endpoint"), endpoint,
                                  "use an https:// URL (http:// needs allowInsecureEndpoints in "
                                  "the extension's configuration)"));
    }
  }
}

void CheckServer(Rules& r, const CacheServerSpec& server) {
  r.IntRange(server.replicas, "cache.server.replicas", 1, 5);
  const bool shared_storage = server.backend == Field<CacheBackend>(CacheBackend::kS3) ||
                              (server.storage && server.storage->access_mode ==
                                                     Field<AccessMode>(AccessMode::kReadWriteMany));
  if (server.replicas && *server.replicas > 1 && !shared_storage) {
    r.Error(FieldError::Invalid(r.Path("cache.server.replicas"), std::to_string(*server.replicas),
                                "more than 1 replica needs cache.server.storage.accessMode "
                                "ReadWriteMany or cache.server.backend s3"));
  }
  const Field<Quantity> size = server.storage ? server.storage->size : Field<Quantity>();
  if (size && size->bytes() <= 0) {
    r.Error(FieldError::Invalid(r.Path("cache.server.storage.size"), size->String(),
                                "must be positive, e.g. 50Gi"));
  }
  if (server.quota && server.quota->bytes() <= 0) {
    r.Error(FieldError::Invalid(r.Path("cache.server.quota"), server.quota->String(),
                                "must be positive, e.g. 40Gi"));
  } else if (server.quota && size && server.backend != Field<CacheBackend>(CacheBackend::kS3) &&
             *server.quota > *size) {
    r.Error(FieldError::Invalid(
        r.Path("cache.server.quota"), server.quota->String(),
        fmt::format("must not exceed cache.server.storage.size ({})", size->String())));
  }
  if (server.builds) {
    r.IntRange(server.builds->max_concurrent, "cache.server.builds.maxConcurrent", 1, 16);
    r.DurationRange(server.builds->timeout, "cache.server.builds.timeout", 5min, 6h, "5m and 6h");
  }
}

void CheckTrustedKeys(Rules& r, const CacheSpec& cache) {
  if (!cache.trusted_keys) {
    return;
  }
  for (size_t i = 0; i < cache.trusted_keys->size(); ++i) {
    const std::string& key = (*cache.trusted_keys)[i];
    bool ok = false;
    try {
      ok = Base64Decode(key).size() == 32;
    } catch (const gpuext::Error&) {
      ok = false;
    }
    if (!ok) {
      r.Error(FieldError::Invalid(r.Path(IndexPath("cache.trustedKeys", i)), key,
                                  "must be the base64 of a 32-byte ed25519 public key"));
    }
  }
}

void CheckCache(Rules& r, const Field<CacheSpec>& field) {
  if (!field) {
    return;
  }
  const CacheSpec& cache = *field;
  const CacheMode mode = cache.mode.value_or(CacheMode::kServer);
  if (mode == CacheMode::kServer && cache.server) {
    CheckServer(r, *cache.server);
  }
  const bool server_on_s3 = mode == CacheMode::kServer && cache.server &&
                            cache.server->backend == Field<CacheBackend>(CacheBackend::kS3);
  if (mode == CacheMode::kS3 || server_on_s3) {
    CheckS3(r, cache);
  }
  if (mode == CacheMode::kFilesystem) {
    const bool has_nfs = cache.filesystem && cache.filesystem->nfs;
    if (!has_nfs) {
      r.Error(FieldError::Required(r.Path("cache.filesystem.nfs"),
                                   "cache.mode filesystem needs an NFS export: "
                                   "cache.filesystem.nfs {server, path}"));
    } else {
      const NfsSpec& nfs = *cache.filesystem->nfs;
      if (!nfs.server || nfs.server->empty()) {
        r.Error(FieldError::Required(r.Path("cache.filesystem.nfs.server"), "e.g. 10.0.0.5"));
      }
      if (!nfs.path || !nfs.path->starts_with("/")) {
        r.Error(FieldError::Required(r.Path("cache.filesystem.nfs.path"),
                                     "an absolute export path, e.g. /exports/gpu-cache"));
      }
    }
  }
  CheckTrustedKeys(r, cache);
  r.SecretInResources(cache.signing_key_secret_ref, "cache.signingKeySecretRef");
}

void CheckPrebuild(Rules& r, const Field<PrebuildSpec>& prebuild) {
  static const re2::RE2 kOsVersion("\\d+\\.\\d+(\\.\\d+)?");
  if (!prebuild || !prebuild->os_versions) {
    return;
  }
  for (size_t i = 0; i < prebuild->os_versions->size(); ++i) {
    const std::string& v = (*prebuild->os_versions)[i];
    if (!re2::RE2::FullMatch(v, kOsVersion)) {
      r.Error(FieldError::Invalid(r.Path(IndexPath("prebuild.osVersions", i)), v,
                                  "must be an OS version like 1877.8 or 1877.8.0"));
    }
  }
}

// The pools whose driver comes from the shoot-wide driver.version.
std::vector<const PoolContext*> ShootDriverPools(const GPUConfig& config,
                                                 const ValidationContext& ctx) {
  std::vector<const PoolContext*> out;
  for (const PoolContext& pool : ctx.pools) {
    const bool listed = config.pools && std::find(config.pools->begin(), config.pools->end(),
                                                  pool.name) != config.pools->end();
    if ((pool.has_runtime || listed) && !pool.own_driver_version) {
      out.push_back(&pool);
    }
  }
  return out;
}

}  // namespace

// operatorValues may set anything; values the extension owns are ignored, which the user hears
// here rather than finding out on the nodes.
void CheckOperatorValues(Rules& r, const Field<OperatorValues>& values) {
  if (!values) {
    return;
  }
  for (const PinnedOperatorValue& pinned : PinnedOperatorValuesSetBy(*values)) {
    r.Warn(fmt::format("operatorValues.{}", pinned.path),
           fmt::format("ignored, the extension sets it: {}", pinned.reason));
  }
}

ValidationResult Validate(const GPUConfig& config, const ValidationContext& context,
                          std::string_view path) {
  ValidationResult result;
  Rules r(context, path, result);
  CheckDriverVersion(r, config.driver, ShootDriverPools(config, context));
  CheckPools(r, config.pools);
  CheckCache(r, config.cache);
  CheckSharing(r, config.sharing);
  CheckMigProfile(r, config.mig);
  CheckPrebuild(r, config.prebuild);
  if (config.module_signing) {
    r.SecretInResources(config.module_signing->secret_ref, "moduleSigning.secretRef");
  }
  CheckUpgrade(r, config.upgrade);
  CheckOperatorValues(r, config.operator_values);
  return result;
}

ValidationResult Validate(const GPUPoolConfig& config, const ValidationContext& context,
                          std::string_view pool_name, std::string_view path) {
  ValidationResult result;
  Rules r(context, path, result);
  std::vector<const PoolContext*> pools;
  for (const PoolContext& pool : context.pools) {
    if (pool.name == pool_name) {
      pools.push_back(&pool);
    }
  }
  CheckDriverVersion(r, config.driver, pools);
  CheckSharing(r, config.sharing);
  if (config.mig && !config.mig->strategy.absent()) {
    r.Error(FieldError::Forbidden(r.Path("mig.strategy"),
                                  "set it in the shoot's nvidia-gpu extension providerConfig"));
  }
  CheckMigProfile(r, config.mig);
  CheckUpgrade(r, config.upgrade);
  return result;
}

namespace {

// True when `field` is `decoded` or lies inside it ("a.b" in "a", "a[0]" in "a").
bool Within(std::string_view field, std::string_view decoded) {
  return field.starts_with(decoded) &&
         (field.size() == decoded.size() || field[decoded.size()] == '.' ||
          field[decoded.size()] == '[');
}

// Adds the rule results to the decoding errors in `out`. A rule error on a field that already
// failed to decode is left out: the field was dropped while decoding, so a rule would report it
// as missing ("Required value") although the user wrote it, only with the wrong type.
template <typename T>
void Append(Checked<T>& out, ValidationResult&& result) {
  const size_t decoding_errors = out.errors.size();
  for (FieldError& e : result.errors) {
    const bool shadowed =
        std::any_of(out.errors.begin(), out.errors.begin() + decoding_errors,
                    [&](const FieldError& d) { return Within(e.field, d.field); });
    if (!shadowed) {
      out.errors.push_back(std::move(e));
    }
  }
  out.warnings = std::move(result.warnings);
}

}  // namespace

Checked<GPUConfig> CheckGPUConfig(const nlohmann::json& document, const ValidationContext& context,
                                  std::string_view path) {
  Decoded<GPUConfig> decoded = DecodeGPUConfig(document, path);
  Checked<GPUConfig> out{
      .config = std::move(decoded.value), .errors = std::move(decoded.errors), .warnings = {}};
  SetDefaults(out.config, context.component.driver.default_branch);
  Append(out, Validate(out.config, context, path));
  return out;
}

Checked<GPUPoolConfig> CheckGPUPoolConfig(const nlohmann::json& document,
                                          const ValidationContext& context,
                                          std::string_view pool_name, std::string_view path) {
  Decoded<GPUPoolConfig> decoded = DecodeGPUPoolConfig(document, path);
  Checked<GPUPoolConfig> out{
      .config = std::move(decoded.value), .errors = std::move(decoded.errors), .warnings = {}};
  Append(out, Validate(out.config, context, pool_name, path));
  return out;
}

}  // namespace gpuext::gpuruntime::api
