// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/resolve.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "decoder.h"
#include "gpuext/error.h"

namespace gpuext::gpuruntime::api {
namespace {

using nlohmann::json;

// Overlay one scalar: absent inherits, null resets to `builtin`, a value wins.
template <typename T>
T Overlay(const Field<T>& pool, const T& inherited, const T& builtin) {
  if (pool.is_null()) {
    return builtin;
  }
  return pool ? *pool : inherited;
}

// Reads a sub-struct field of a possibly absent parent.
template <typename P, typename T>
Field<T> Sub(const Field<P>& parent, Field<T> P::*member) {
  if (parent.is_null()) {
    return Field<T>::Null();  // a null parent resets all of its fields
  }
  return parent ? (*parent).*member : Field<T>();
}

ResolvedSharing FromSpec(const Field<SharingSpec>& sharing) {
  ResolvedSharing out;
  if (!sharing) {
    return out;
  }
  if (sharing->time_slicing) {
    const TimeSlicingSpec& ts = *sharing->time_slicing;
    out.kind = SharingKind::kTimeSlicing;
    out.replicas = ts.replicas.value_or(1);
    out.rename_by_default = ts.rename_by_default.value_or(false);
    out.fail_requests_greater_than_one = ts.fail_requests_greater_than_one.value_or(false);
  } else if (sharing->mps) {
    out.kind = SharingKind::kMps;
    out.replicas = sharing->mps->replicas.value_or(2);
  }
  return out;
}

ResolvedSharing OverlaySharing(const Field<SharingSpec>& shoot, const Field<SharingSpec>& pool) {
  if (pool.is_null()) {
    return {};
  }
  if (pool.absent()) {
    return FromSpec(shoot);
  }
  const SharingSpec& p = *pool;
  const Field<TimeSlicingSpec> shoot_ts = Sub(shoot, &SharingSpec::time_slicing);
  const Field<MpsSpec> shoot_mps = Sub(shoot, &SharingSpec::mps);
  ResolvedSharing out;
  if (p.mps) {
    // Choosing mps in the pool drops the shoot's time slicing; replicas still merge.
    out.kind = SharingKind::kMps;
    out.replicas = Overlay(p.mps->replicas, Sub(shoot_mps, &MpsSpec::replicas).value_or(2), 2);
    return out;
  }
  if (p.time_slicing) {
    const TimeSlicingSpec& ts = *p.time_slicing;
    out.kind = SharingKind::kTimeSlicing;
    out.replicas = Overlay(ts.replicas, Sub(shoot_ts, &TimeSlicingSpec::replicas).value_or(1), 1);
    out.rename_by_default =
        Overlay(ts.rename_by_default,
                Sub(shoot_ts, &TimeSlicingSpec::rename_by_default).value_or(false), false);
    out.fail_requests_greater_than_one = Overlay(
        ts.fail_requests_greater_than_one,
        Sub(shoot_ts, &TimeSlicingSpec::fail_requests_greater_than_one).value_or(false), false);
    return out;
  }
  if (p.mps.is_null() || p.time_slicing.is_null()) {
    return {};  // an explicit null switches sharing off for this pool
  }
  return FromSpec(shoot);  // `sharing: {}` changes nothing
}

// object[key] when it is a string, "" otherwise (json::value throws on a wrong type, and a Shoot
// from a user or a fuzzer may hold anything).
std::string StringField(const json& object, std::string_view key) {
  if (!object.is_object()) {
    return {};
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json* FindByKey(const json& list, std::string_view key, std::string_view value,
                      size_t* index) {
  if (!list.is_array()) {
    return nullptr;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_object() && list[i].contains(key) && StringField(list[i], key) == value) {
      *index = i;
      return &list[i];
    }
  }
  return nullptr;
}

const json& At(const json& object, std::initializer_list<std::string_view> keys) {
  static const json kNull;
  const json* current = &object;
  for (std::string_view key : keys) {
    if (!current->is_object() || !current->contains(key)) {
      return kNull;
    }
    current = &(*current)[std::string(key)];
  }
  return *current;
}

// The nvidia runtime entry of a worker and its path, or nullptr.
const json* NvidiaRuntime(const json& worker, size_t* index) {
  return FindByKey(At(worker, {"cri", "containerRuntimes"}), "type", "nvidia", index);
}

}  // namespace

ResolvedPool ResolvePool(const GPUConfig& shoot, const GPUPoolConfig& pool_config,
                         const PoolContext& pool, const ControllerConfiguration& component) {
  ResolvedPool out;
  out.name = pool.name;
  const Field<DriverSpec>& sd = shoot.driver;
  const Field<DriverSpec>& pd = pool_config.driver;
  const std::string version =
      Overlay(Sub(pd, &DriverSpec::version),
              Sub(sd, &DriverSpec::version).value_or(component.driver.default_branch),
              component.driver.default_branch);
  const std::optional<ResolvedDriver> driver = ResolveDriverVersion(component, version);
  if (!driver) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("pool {}: driver version \"{}\" is not in the extension's driver "
                            "catalog",
                            pool.name, version));
  }
  out.driver = *driver;
  out.module_type = Overlay(Sub(pd, &DriverSpec::module_type),
                            Sub(sd, &DriverSpec::module_type).value_or(ModuleTypePref::kAuto),
                            ModuleTypePref::kAuto);
  out.peermem =
      Overlay(Sub(pd, &DriverSpec::peermem), Sub(sd, &DriverSpec::peermem).value_or(false), false);
  out.sharing = OverlaySharing(shoot.sharing, pool_config.sharing);
  out.mig_strategy = Sub(shoot.mig, &MigSpec::strategy).value_or(MigStrategy::kNone);
  out.mig_profile = Overlay(Sub(pool_config.mig, &MigSpec::profile),
                            Sub(shoot.mig, &MigSpec::profile).value_or("all-disabled"),
                            std::string("all-disabled"));
  out.fabric_manager =
      Overlay(pool_config.fabric_manager, shoot.fabric_manager.value_or(FabricManagerMode::kAuto),
              FabricManagerMode::kAuto);
  const Field<UpgradeSpec>& su = shoot.upgrade;
  const Field<UpgradeSpec>& pu = pool_config.upgrade;
  out.max_parallel = Overlay(Sub(pu, &UpgradeSpec::max_parallel),
                             Sub(su, &UpgradeSpec::max_parallel).value_or(1), 1);
  out.drain_timeout =
      Overlay(Sub(pu, &UpgradeSpec::drain_timeout),
              Sub(su, &UpgradeSpec::drain_timeout).value_or(std::chrono::minutes(10)),
              std::chrono::nanoseconds(std::chrono::minutes(10)));
  out.force =
      Overlay(Sub(pu, &UpgradeSpec::force), Sub(su, &UpgradeSpec::force).value_or(false), false);
  out.machine_image_name = pool.machine_image_name;
  out.machine_image_version = pool.machine_image_version;
  out.containerd =
      MachineImageDialect(component, pool.machine_image_name, pool.machine_image_version);
  return out;
}

std::vector<PoolContext> PoolsFromShoot(const json& shoot) {
  std::vector<PoolContext> out;
  const json& workers = At(shoot, {"spec", "provider", "workers"});
  if (!workers.is_array()) {
    return out;
  }
  for (const json& worker : workers) {
    if (!worker.is_object()) {
      continue;
    }
    PoolContext pool;
    pool.name = StringField(worker, "name");
    const json& image = At(worker, {"machine", "image"});
    pool.machine_image_name = StringField(image, "name");
    pool.machine_image_version = StringField(image, "version");
    size_t index = 0;
    const json* runtime = NvidiaRuntime(worker, &index);
    pool.has_runtime = runtime != nullptr;
    if (runtime != nullptr) {
      const json& version = At(*runtime, {"providerConfig", "driver", "version"});
      pool.own_driver_version = version.is_string();
    }
    out.push_back(std::move(pool));
  }
  return out;
}

std::vector<std::string> ResourceNamesFromShoot(const json& shoot) {
  std::vector<std::string> out;
  const json& resources = At(shoot, {"spec", "resources"});
  if (resources.is_array()) {
    for (const json& r : resources) {
      if (r.is_object() && r.contains("name") && r["name"].is_string()) {
        out.push_back(r["name"].get<std::string>());
      }
    }
  }
  return out;
}

ResolvedPool ResolvePool(const json& shoot, std::string_view pool_name,
                         const ControllerConfiguration& component) {
  const ValidationContext ctx{.component = component,
                              .pools = PoolsFromShoot(shoot),
                              .resource_names = ResourceNamesFromShoot(shoot)};
  size_t ext_index = 0;
  const json* extension =
      FindByKey(At(shoot, {"spec", "extensions"}), "type", "nvidia-gpu", &ext_index);
  const std::string ext_path = fmt::format("spec.extensions[{}].providerConfig", ext_index);
  Checked<GPUConfig> shoot_config = CheckGPUConfig(
      extension != nullptr ? At(*extension, {"providerConfig"}) : json(), ctx, ext_path);

  size_t worker_index = 0;
  const json* worker =
      FindByKey(At(shoot, {"spec", "provider", "workers"}), "name", pool_name, &worker_index);
  if (worker == nullptr) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("worker pool \"{}\" does not exist in the shoot", pool_name));
  }
  size_t runtime_index = 0;
  const json* runtime = NvidiaRuntime(*worker, &runtime_index);
  const std::string runtime_path =
      fmt::format("spec.provider.workers[{}].cri.containerRuntimes[{}].providerConfig",
                  worker_index, runtime_index);
  Checked<GPUPoolConfig> pool_config = CheckGPUPoolConfig(
      runtime != nullptr ? At(*runtime, {"providerConfig"}) : json(), ctx, pool_name, runtime_path);

  FieldErrorList errors = std::move(shoot_config.errors);
  errors.insert(errors.end(), pool_config.errors.begin(), pool_config.errors.end());
  if (!errors.empty()) {
    throw Error(ErrorCode::kConfigurationProblem, ToAggregateMessage(errors));
  }
  const auto it = std::find_if(ctx.pools.begin(), ctx.pools.end(),
                               [&](const PoolContext& p) { return p.name == pool_name; });
  return ResolvePool(shoot_config.config, pool_config.config, *it, component);
}

}  // namespace gpuext::gpuruntime::api
