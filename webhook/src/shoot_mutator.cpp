// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/shoot_mutator.h"

#include <algorithm>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "shoot_fields.h"

namespace gpuext::webhook {
namespace {

using nlohmann::json;

json* Workers(json& shoot) {
  auto spec = shoot.find("spec");
  if (spec == shoot.end() || !spec->is_object())
    return nullptr;
  auto provider = spec->find("provider");
  if (provider == spec->end() || !provider->is_object())
    return nullptr;
  auto workers = provider->find("workers");
  if (workers == provider->end() || !workers->is_array())
    return nullptr;
  return &*workers;
}

const json* Workers(const json& shoot) { return Workers(const_cast<json&>(shoot)); }

std::string PoolName(const json& pool) { return StringAt(pool, {"name"}); }

std::string MachineType(const json& pool) { return StringAt(pool, {"machine", "type"}); }

bool IsRuntime(const json& runtime) { return StringAt(runtime, {"type"}) == kRuntimeType; }

bool HasRuntime(const json& pool) { return PoolHasRuntime(pool); }

bool AnyPoolHasRuntime(const json& shoot) {
  const json* workers = Workers(shoot);
  return workers && std::any_of(workers->begin(), workers->end(), [](const json& pool) {
           return pool.is_object() && HasRuntime(pool);
         });
}

// Appends {type: nvidia} and sets containerd when the pool names no CRI. A `cri.name` other
// than containerd is left alone: the validator refuses it with the fix.
void AddRuntime(json& pool) {
  if (!pool.contains("cri") || !pool["cri"].is_object())
    pool["cri"] = json::object();
  json& cri = pool["cri"];
  if (!cri.contains("name"))
    cri["name"] = "containerd";
  if (!cri.contains("containerRuntimes") || !cri["containerRuntimes"].is_array()) {
    cri["containerRuntimes"] = json::array();
  }
  if (!HasRuntime(pool))
    cri["containerRuntimes"].push_back({{"type", kRuntimeType}});
}

// Removes only our runtime; other runtimes (gvisor, ...) and the rest of `cri` stay.
void RemoveRuntime(json& pool) {
  if (!HasRuntime(pool))
    return;
  json& runtimes = pool["cri"]["containerRuntimes"];
  json kept = json::array();
  for (const json& runtime : runtimes) {
    if (!IsRuntime(runtime))
      kept.push_back(runtime);
  }
  if (kept.empty()) {
    pool["cri"].erase("containerRuntimes");
  } else {
    runtimes = std::move(kept);
  }
}

json* Extensions(json& shoot) {
  auto spec = shoot.find("spec");
  if (spec == shoot.end() || !spec->is_object())
    return nullptr;
  auto extensions = spec->find("extensions");
  return extensions != spec->end() && extensions->is_array() ? &*extensions : nullptr;
}

const json* FindExtension(const json& shoot) {
  if (!shoot.is_object())
    return nullptr;
  const json* extensions = Extensions(const_cast<json&>(shoot));
  if (!extensions)
    return nullptr;
  for (const json& extension : *extensions) {
    if (extension.is_object() && extension.value("type", json()) == kExtensionType) {
      return &extension;
    }
  }
  return nullptr;
}

bool IsEnabled(const json* extension) {
  return extension && extension->value("disabled", json(false)) != true;
}

// GPUConfig.pools when the providerConfig names them; strict decoding is the validator's job,
// so anything that is not a list of strings counts as "not set" here.
std::optional<std::set<std::string>> ConfiguredPools(const json& extension) {
  auto config = extension.find("providerConfig");
  if (config == extension.end() || !config->is_object())
    return std::nullopt;
  auto pools = config->find("pools");
  if (pools == config->end() || !pools->is_array())
    return std::nullopt;
  std::set<std::string> names;
  for (const json& name : *pools) {
    if (name.is_string())
      names.insert(name.get<std::string>());
  }
  return names;
}

std::set<std::string> PoolNames(const json& shoot) {
  std::set<std::string> names;
  if (const json* workers = Workers(shoot)) {
    for (const json& pool : *workers) {
      if (pool.is_object())
        names.insert(PoolName(pool));
    }
  }
  return names;
}

void ForEachPool(json& shoot, const auto& visit) {
  if (json* workers = Workers(shoot)) {
    for (json& pool : *workers) {
      if (pool.is_object())
        visit(pool);
    }
  }
}

}  // namespace

ShootMutation MutateShoot(const json& old_shoot, json& shoot, const MachineTypeGpus& gpus) {
  const json original = shoot;
  ShootMutation result;
  const bool is_update = old_shoot.is_object();
  const json* old_extension = is_update ? FindExtension(old_shoot) : nullptr;
  const bool had_extension_in_request = FindExtension(shoot) != nullptr;

  // Untick: the entry was enabled and is now gone (not merely disabled) ⇒ no pool keeps the
  // runtime.
  if (IsEnabled(old_extension) && !had_extension_in_request) {
    ForEachPool(shoot, RemoveRuntime);
    result.changed = shoot != original;
    return result;
  }

  // Gesture (a): a pool asks for the runtime ⇒ the shoot gets the extension. An entry with
  // `disabled: true` counts as present: the user's opt-out is never re-enabled.
  bool added_by_us = false;
  if (!had_extension_in_request && AnyPoolHasRuntime(shoot)) {
    json& spec = shoot["spec"];
    if (!spec.contains("extensions") || !spec["extensions"].is_array()) {
      spec["extensions"] = json::array();
    }
    spec["extensions"].push_back({{"type", kExtensionType}});
    added_by_us = true;
  }

  // Gesture (b): the checkbox ⇒ containerd + nvidia on GPU-capable pools.
  const json* extension = FindExtension(shoot);
  if (IsEnabled(extension)) {
    const auto configured = ConfiguredPools(*extension);
    auto capable = [&](const json& pool) {
      if (configured)
        return configured->contains(PoolName(pool));
      auto it = gpus.find(MachineType(pool));
      return it != gpus.end() && it->second > 0;
    };
    // Ticked in this request (also re-enabling a disabled entry): every capable pool. Otherwise
    // only pools new in this request, so a runtime the user removed from a pool stays removed.
    const bool ticked_now = !added_by_us && !IsEnabled(old_extension);
    const std::set<std::string> old_pools =
        is_update ? PoolNames(old_shoot) : std::set<std::string>();
    bool any_capable = false;
    ForEachPool(shoot, [&](json& pool) {
      if (!capable(pool))
        return;
      any_capable = true;
      if (ticked_now || !old_pools.contains(PoolName(pool)))
        AddRuntime(pool);
    });
    if (!any_capable && !AnyPoolHasRuntime(shoot)) {
      result.warnings.push_back(
          "spec.extensions[type=nvidia-gpu]: no worker pool has a GPU machine type, so no pool "
          "gets the nvidia runtime; pick a machine type with GPUs, list the pool in "
          "providerConfig.pools, or add cri.containerRuntimes [{type: nvidia}] to the pool");
    }
  }

  // The last pool dropped the runtime ⇒ the extension goes too (an explicit `disabled: true`
  // entry is the user's and stays).
  if (is_update && AnyPoolHasRuntime(old_shoot) && !AnyPoolHasRuntime(shoot) &&
      IsEnabled(FindExtension(shoot))) {
    json& extensions = *Extensions(shoot);
    extensions.erase(std::remove_if(extensions.begin(), extensions.end(),
                                    [](const json& e) {
                                      return e.is_object() &&
                                             e.value("type", json()) == kExtensionType;
                                    }),
                     extensions.end());
  }

  result.changed = shoot != original;
  return result;
}

}  // namespace gpuext::webhook
