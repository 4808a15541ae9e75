// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/shoot_validator.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/gpuruntime/api/gpu_config.h"
#include "gpuext/gpuruntime/api/machine_types.h"
#include "gpuext/gpuruntime/api/resolve.h"
#include "gpuext/gpuruntime/api/validation.h"
#include "gpuext/gpuruntime/types.h"
#include "gpuext/webhook/shoot_admission.h"
#include "gpuext/webhook/shoot_mutator.h"
#include "shoot_fields.h"

namespace gpuext::webhook {
namespace {

namespace api = gpuruntime::api;
using nlohmann::json;

// Versions of `image` in the CloudProfile whose containerd lists the nvidia runtime.
std::vector<std::string> VersionsWithRuntime(const json& cloud_profile, const std::string& image) {
  std::vector<std::string> versions;
  const json& images = ArrayAt(cloud_profile, {"spec", "machineImages"});
  for (const json& entry : images) {
    if (!entry.is_object() || StringAt(entry, {"name"}) != image)
      continue;
    for (const json& version : ArrayAt(entry, {"versions"})) {
      if (!version.is_object())
        continue;
      for (const json& cri : ArrayAt(version, {"cri"})) {
        if (!cri.is_object() || StringAt(cri, {"name"}) != "containerd")
          continue;
        for (const json& runtime : ArrayAt(cri, {"containerRuntimes"})) {
          if (runtime.is_object() && StringAt(runtime, {"type"}) == kRuntimeType) {
            versions.push_back(StringAt(version, {"version"}));
          }
        }
      }
    }
  }
  return versions;
}

// Orders dotted numeric versions ("1592.3.0" < "1877.5") component by component.
bool VersionLess(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& v) {
    std::vector<long> out;
    size_t pos = 0;
    while (pos <= v.size()) {
      size_t dot = v.find('.', pos);
      if (dot == std::string::npos)
        dot = v.size();
      out.push_back(std::strtol(v.substr(pos, dot - pos).c_str(), nullptr, 10));
      pos = dot + 1;
    }
    return out;
  };
  return parts(a) < parts(b);
}

// Everything the checks of one shoot share.
struct ShootFacts {
  const api::ControllerConfiguration& component;
  const ShootValidationContext& context;
  api::ValidationContext rules;  // pools and spec.resources for the §8.3 rules
  // The effective shoot-wide configuration (the first enabled nvidia-gpu extension, defaulted)
  // and where it came from ("" when the shoot has no such extension).
  api::GPUConfig shoot_config{};
  std::string shoot_config_path{};
};

std::vector<std::string> SupportedImageNames(const ShootFacts& facts) {
  if (!facts.context.supported_images.empty())
    return facts.context.supported_images;
  std::vector<std::string> names;
  for (const api::MachineImageSupport& image : facts.component.machine_images)
    names.push_back(image.name);
  return names;
}

void CheckImage(const json& pool, const std::string& path, const ShootFacts& facts,
                ShootValidation& out) {
  const std::string image = StringAt(pool, {"machine", "image", "name"});
  const std::string version = StringAt(pool, {"machine", "image", "version"});
  if (image.empty())
    return;
  const std::vector<std::string> supported = SupportedImageNames(facts);
  if (std::find(supported.begin(), supported.end(), image) == supported.end()) {
    out.errors.push_back({.type = FieldErrorType::kNotSupported,
                          .field = path + ".machine.image.name",
                          .value = image,
                          .detail = fmt::format("{} is not supported by nvidia-gpu; supported: {}",
                                                image, fmt::join(supported, ", "))});
    return;
  }
  if (version.empty())
    return;
  const api::MachineImageSupport* support = api::FindMachineImage(facts.component, image);
  if (support && !api::SupportsMachineImage(facts.component, image, version)) {
    out.errors.push_back(FieldError::Invalid(
        path + ".machine.image.version", version,
        fmt::format("{} {} is not supported by nvidia-gpu; use {} {}", image, version, image,
                    support->versions ? support->versions->String() : "of another version")));
    return;
  }
  if (!facts.context.cloud_profile)
    return;
  auto versions = VersionsWithRuntime(*facts.context.cloud_profile, image);
  if (std::find(versions.begin(), versions.end(), version) == versions.end()) {
    std::string hint;
    if (!versions.empty()) {
      hint =
          fmt::format(" (>= {})", *std::min_element(versions.begin(), versions.end(), VersionLess));
    }
    out.errors.push_back(FieldError::Invalid(
        path + ".machine.image", fmt::format("{} {}", image, version),
        fmt::format("{} {} does not list the nvidia runtime; pick a version whose "
                    "cri.containerRuntimes include nvidia{} or ask the operator to patch the "
                    "CloudProfile",
                    image, version, hint)));
  }
}

// The pool's nvidia runtime entries with their index in cri.containerRuntimes.
std::vector<std::pair<size_t, const json*>> NvidiaRuntimes(const json& pool) {
  std::vector<std::pair<size_t, const json*>> out;
  const json& runtimes = ArrayAt(pool, {"cri", "containerRuntimes"});
  for (size_t k = 0; k < runtimes.size(); ++k) {
    if (StringAt(runtimes[k], {"type"}) == kRuntimeType)
      out.emplace_back(k, &runtimes[k]);
  }
  return out;
}

const json& ProviderConfigOf(const json& entry) {
  static const json kNull;
  const json* config = At(entry, {"providerConfig"});
  return config ? *config : kNull;
}

// The driver version a pool ends up with (resolve.h's overlay rules), "" when unknown.
std::string EffectiveDriverVersion(const api::GPUPoolConfig& pool, const ShootFacts& facts) {
  if (pool.driver.is_null() || (pool.driver && pool.driver->version.is_null()))
    return facts.component.driver.default_branch;
  if (pool.driver && pool.driver->version)
    return *pool.driver->version;
  if (facts.shoot_config.driver && facts.shoot_config.driver->version)
    return *facts.shoot_config.driver->version;
  return facts.component.driver.default_branch;
}

void CheckArchitecture(const json& pool, const std::string& path, const api::GPUPoolConfig& config,
                       const ShootFacts& facts, ShootValidation& out) {
  std::string text = StringAt(pool, {"machine", "architecture"});
  if (text.empty())
    text = "amd64";  // Gardener's default
  const std::optional<gpuruntime::Arch> arch = gpuruntime::ParseArch(text);
  if (!arch || (text != "amd64" && text != "arm64")) {
    out.errors.push_back({.type = FieldErrorType::kNotSupported,
                          .field = path + ".machine.architecture",
                          .value = text,
                          .detail = "nvidia-gpu supports amd64 and arm64 machines; pick a machine "
                                    "type of one of them"});
    return;
  }
  const std::optional<api::ResolvedDriver> driver =
      api::ResolveDriverVersion(facts.component, EffectiveDriverVersion(config, facts));
  if (!driver || api::SupportsArch(driver->sources, *arch))
    return;  // an unknown version is reported at driver.version
  const std::vector<std::string> branches = api::BranchesSupportingArch(facts.component, *arch);
  const std::string advice =
      branches.empty() ? fmt::format(
                             "no driver of the extension has {} builds; use a machine type with "
                             "another architecture",
                             text)
                       : fmt::format(
                             "set driver.version to a branch with {} builds ({}) or use a machine "
                             "type with another architecture",
                             text, fmt::join(branches, ", "));
  out.errors.push_back({.type = FieldErrorType::kNotSupported,
                        .field = path + ".machine.architecture",
                        .value = text,
                        .detail = fmt::format("driver {} has no {} build in the extension's "
                                              "driver catalog; {}",
                                              driver->version, text, advice)});
}

std::string DescribeGpu(const std::string& pool_name, const std::string& machine_type,
                        const api::MachineTypeGpu& gpu) {
  return fmt::format("pool \"{}\" runs {} machines with {} GPUs", pool_name, machine_type,
                     gpu.model);
}

// A pool's own mig.profile on a GPU without MIG. Returns true when the pool inherits the
// shoot-wide profile (absent in its GPUPoolConfig).
bool CheckPoolMigProfile(const api::GPUPoolConfig& config, const std::string& pool_name,
                         const std::string& machine_type, const std::string& runtime_path,
                         ShootValidation& out) {
  if (config.mig.is_null() || (config.mig && config.mig->profile.is_null()))
    return false;  // reset to all-disabled
  if (!config.mig || !config.mig->profile)
    return true;
  const std::string& profile = *config.mig->profile;
  const std::optional<api::MachineTypeGpu> gpu = api::KnownMachineTypeGpu(machine_type);
  if (profile != "all-disabled" && gpu && !gpu->mig_capable) {
    out.errors.push_back(FieldError::Invalid(
        runtime_path + ".mig.profile", profile,
        fmt::format("{}, which cannot do MIG; set mig.profile to all-disabled or pick a machine "
                    "type with MIG-capable GPUs ({})",
                    DescribeGpu(pool_name, machine_type, *gpu), api::kMigCapableModels)));
  }
  return false;
}

// The shoot-wide mig.profile on the pools that inherit it: an error when none of them can do
// MIG, a warning per pool that cannot when others can (the GPU operator ignores the profile on
// GPUs without MIG).
void CheckShootMigProfile(const std::vector<std::pair<std::string, std::string>>& inheriting,
                          const ShootFacts& facts, ShootValidation& out) {
  if (facts.shoot_config_path.empty() || !facts.shoot_config.mig ||
      !facts.shoot_config.mig->profile || *facts.shoot_config.mig->profile == "all-disabled") {
    return;
  }
  const std::string& profile = *facts.shoot_config.mig->profile;
  const std::string field = facts.shoot_config_path + ".mig.profile";
  std::vector<std::string> without_mig;
  bool any_other = false;
  for (const auto& [pool_name, machine_type] : inheriting) {
    const std::optional<api::MachineTypeGpu> gpu = api::KnownMachineTypeGpu(machine_type);
    if (gpu && !gpu->mig_capable) {
      without_mig.push_back(DescribeGpu(pool_name, machine_type, *gpu));
    } else {
      any_other = true;
    }
  }
  if (without_mig.empty())
    return;
  if (!any_other) {
    out.errors.push_back(FieldError::Invalid(
        field, profile,
        fmt::format("no GPU pool can do MIG ({}); set mig.profile to all-disabled or pick a "
                    "machine type with MIG-capable GPUs ({})",
                    fmt::join(without_mig, "; "), api::kMigCapableModels)));
    return;
  }
  for (const std::string& pool : without_mig) {
    out.warnings.push_back(fmt::format(
        "{}: {}, which cannot do MIG, so the profile is ignored there; set mig.profile: "
        "all-disabled in that pool's nvidia runtime providerConfig to say so",
        field, pool));
  }
}

void Append(ShootValidation& out, FieldErrorList errors, std::vector<std::string> warnings) {
  for (FieldError& e : errors)
    out.errors.push_back(std::move(e));
  for (std::string& w : warnings)
    out.warnings.push_back(std::move(w));
}

void CheckPool(const json& pool, size_t index, const ShootFacts& facts, ShootValidation& out,
               std::vector<std::pair<std::string, std::string>>& inheriting_mig) {
  const std::string path = fmt::format("spec.provider.workers[{}]", index);
  const std::string name = StringAt(pool, {"name"});
  const std::string machine_type = StringAt(pool, {"machine", "type"});
  const std::string cri_name = StringAt(pool, {"cri", "name"});
  if (cri_name != "containerd") {
    out.errors.push_back({.type = FieldErrorType::kNotSupported,
                          .field = path + ".cri.name",
                          .value = cri_name,
                          .detail = "GPU pools need containerd; set cri.name to containerd"});
  }
  CheckImage(pool, path, facts, out);

  // Every nvidia entry's providerConfig is checked; the first one is the pool's configuration.
  std::optional<api::GPUPoolConfig> effective;
  std::string effective_path;
  for (const auto& [k, runtime] : NvidiaRuntimes(pool)) {
    const std::string runtime_path =
        fmt::format("{}.cri.containerRuntimes[{}].providerConfig", path, k);
    api::Checked<api::GPUPoolConfig> checked =
        api::CheckGPUPoolConfig(ProviderConfigOf(*runtime), facts.rules, name, runtime_path);
    Append(out, std::move(checked.errors), std::move(checked.warnings));
    if (!effective) {
      effective = std::move(checked.config);
      effective_path = runtime_path;
    }
  }
  const api::GPUPoolConfig config = effective.value_or(api::GPUPoolConfig{});
  CheckArchitecture(pool, path, config, facts, out);
  if (CheckPoolMigProfile(config, name, machine_type, effective_path, out))
    inheriting_mig.emplace_back(name, machine_type);

  const json* allow = At(pool, {"systemComponents", "allow"});
  if (!allow || *allow == true) {  // Gardener defaults allow to true
    out.warnings.push_back(fmt::format(
        "{}.systemComponents.allow: pool \"{}\" runs system components on GPU machines; set "
        "systemComponents.allow: false and keep a CPU pool for them to save GPU capacity",
        path, name));
  }
}

bool IsEnabledExtension(const json& extension) {
  const json* disabled = At(extension, {"disabled"});
  return StringAt(extension, {"type"}) == kExtensionType && !(disabled && *disabled == true);
}

// Strict decoding and the §8.3 rules of every enabled nvidia-gpu extension's providerConfig;
// the first one becomes the shoot-wide configuration the pool checks read.
void CheckExtensions(const json& shoot, ShootFacts& facts, ShootValidation& out) {
  const json& extensions = ArrayAt(shoot, {"spec", "extensions"});
  for (size_t j = 0; j < extensions.size(); ++j) {
    if (!IsEnabledExtension(extensions[j]))
      continue;
    const std::string path = fmt::format("spec.extensions[{}].providerConfig", j);
    api::Checked<api::GPUConfig> checked =
        api::CheckGPUConfig(ProviderConfigOf(extensions[j]), facts.rules, path);
    Append(out, std::move(checked.errors), std::move(checked.warnings));
    if (facts.shoot_config_path.empty()) {
      facts.shoot_config = std::move(checked.config);
      facts.shoot_config_path = path;
    }
  }
  if (facts.shoot_config_path.empty())
    api::SetDefaults(facts.shoot_config, facts.component.driver.default_branch);
}

// GPUConfig.pools naming an existing pool that has no runtime after mutation. (A pool that does
// not exist is a §8.3 rule, reported by CheckExtensions.)
void CheckConfiguredPools(const json& shoot, ShootValidation& out) {
  const json& extensions = ArrayAt(shoot, {"spec", "extensions"});
  for (size_t j = 0; j < extensions.size(); ++j) {
    if (!IsEnabledExtension(extensions[j]))
      continue;
    const json& pools = ArrayAt(extensions[j], {"providerConfig", "pools"});
    for (size_t m = 0; m < pools.size(); ++m) {
      if (!pools[m].is_string())
        continue;
      const std::string name = pools[m].get<std::string>();
      const json* pool = FindPool(shoot, name);
      if (pool && !PoolHasRuntime(*pool)) {
        out.errors.push_back(FieldError::Invalid(
            fmt::format("spec.extensions[{}].providerConfig.pools[{}]", j, m), name,
            fmt::format("pool \"{}\" is listed but has no nvidia runtime; add it or remove the "
                        "pool from pools",
                        name)));
      }
    }
  }
}

// `gpus` is nullptr when the CloudProfile could not be read: the pools' GPU counts then stay
// unknown (nullopt) rather than zero, so no rule mistakes "not looked up" for "no GPU".
std::vector<api::PoolContext> PoolContexts(const json& shoot, const MachineTypeGpus* gpus) {
  std::vector<api::PoolContext> pools = api::PoolsFromShoot(shoot);
  if (gpus == nullptr)
    return pools;
  for (api::PoolContext& pool : pools) {
    const json* worker = FindPool(shoot, pool.name);
    if (!worker)
      continue;
    const auto it = gpus->find(StringAt(*worker, {"machine", "type"}));
    pool.gpus = it != gpus->end() ? it->second : 0;
  }
  return pools;
}

ShootValidation Check(const json& shoot, const ShootValidationContext& context) {
  const api::ControllerConfiguration& component =
      context.component ? *context.component : api::DefaultControllerConfiguration();
  const MachineTypeGpus gpus =
      context.cloud_profile ? MachineTypeGpusOf(*context.cloud_profile) : MachineTypeGpus{};
  ShootFacts facts{.component = component,
                   .context = context,
                   .rules = api::ValidationContext{
                       .component = component,
                       .pools = PoolContexts(shoot, context.cloud_profile ? &gpus : nullptr),
                       .resource_names = api::ResourceNamesFromShoot(shoot)}};
  ShootValidation out;
  ShootValidation extension_checks;
  CheckExtensions(shoot, facts, extension_checks);

  std::vector<std::pair<std::string, std::string>> inheriting_mig;
  const json& workers = ArrayAt(shoot, {"spec", "provider", "workers"});
  for (size_t i = 0; i < workers.size(); ++i) {
    if (workers[i].is_object() && PoolHasRuntime(workers[i]))
      CheckPool(workers[i], i, facts, out, inheriting_mig);
  }
  Append(out, std::move(extension_checks.errors), std::move(extension_checks.warnings));
  CheckShootMigProfile(inheriting_mig, facts, out);
  CheckConfiguredPools(shoot, out);
  return out;
}

}  // namespace

bool RelevantFieldsChanged(const json& old_shoot, const json& shoot) {
  if (!old_shoot.is_object())
    return true;
  auto differs = [&](std::initializer_list<std::string_view> keys) {
    const json* a = At(old_shoot, keys);
    const json* b = At(shoot, keys);
    return (a == nullptr) != (b == nullptr) || (a && *a != *b);
  };
  return differs({"spec", "extensions"}) || differs({"spec", "provider", "workers"}) ||
         differs({"spec", "resources"});
}

ShootValidation ValidateShoot(const json& old_shoot, const json& shoot,
                              const ShootValidationContext& context) {
  ShootValidation result = Check(shoot, context);
  if (!old_shoot.is_object())
    return result;
  // Problems the stored object already had become warnings (see the header).
  std::set<std::string> existing;
  for (const FieldError& error : Check(old_shoot, context).errors)
    existing.insert(error.ToString());
  FieldErrorList denials;
  for (FieldError& error : result.errors) {
    std::string text = error.ToString();
    if (existing.contains(text)) {
      result.warnings.push_back(text + " (already present before this update; fix it soon)");
    } else {
      denials.push_back(std::move(error));
    }
  }
  result.errors = std::move(denials);
  return result;
}

}  // namespace gpuext::webhook
