// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/provider_status.h"

#include <set>

#include <nlohmann/json.hpp>

#include "gpuext/gpu/names.h"
#include "gpuext/gpuruntime/api/gpu_config.h"
#include "gpuext/time_format.h"

namespace gpuext::gpu {
namespace {

using nlohmann::json;
namespace api = gpuruntime::api;

std::set<std::string> ShootPoolNames(const json& shoot) {
  std::set<std::string> names;
  const json workers = shoot.value("/spec/provider/workers"_json_pointer, json::array());
  for (const json& worker : workers) {
    if (worker.contains("name") && worker["name"].is_string()) {
      names.insert(worker["name"].get<std::string>());
    }
  }
  return names;
}

json PreviousPool(const json& previous, const std::string& name) {
  if (!previous.is_object() || !previous.contains("pools") || !previous["pools"].is_array()) {
    return json();
  }
  for (const json& pool : previous["pools"]) {
    if (pool.value("name", "") == name) {
      return pool;
    }
  }
  return json();
}

}  // namespace

json BuildProviderStatus(const ShootPlan& plan, const json& shoot, const json& previous,
                         std::chrono::system_clock::time_point now, const std::string& key_id) {
  json pools = json::array();
  std::set<std::string> current;
  for (const api::ResolvedPool& pool : plan.pools) {
    current.insert(pool.name);
    json entry = {{"name", pool.name},
                  {"driverVersion", pool.driver.version},
                  {"moduleType", std::string(gpuruntime::ToString(pool.module_type))},
                  {"machineImage", pool.machine_image_name + "/" + pool.machine_image_version}};
    if (pool.containerd.has_value()) {
      entry["containerdConfigVersion"] = pool.containerd->config_version;
    }
    const json before = PreviousPool(previous, pool.name);
    for (const char* owned_by_health : {"nodes", "kernels"}) {
      if (before.is_object() && before.contains(owned_by_health)) {
        entry[owned_by_health] = before[owned_by_health];
      }
    }
    pools.push_back(std::move(entry));
  }

  const std::set<std::string> in_shoot = ShootPoolNames(shoot);
  json removed = json::array();
  std::set<std::string> listed;
  const auto keep = [&](const std::string& name, const json& since) {
    if (in_shoot.contains(name) && !current.contains(name) && listed.insert(name).second) {
      removed.push_back({{"name", name}, {"since", since}});
    }
  };
  if (previous.is_object() && previous.contains("removedPools") &&
      previous["removedPools"].is_array()) {
    for (const json& entry : previous["removedPools"]) {
      keep(entry.value("name", ""), entry.value("since", json(FormatRfc3339(now))));
    }
  }
  if (previous.is_object() && previous.contains("pools") && previous["pools"].is_array()) {
    for (const json& pool : previous["pools"]) {
      keep(pool.value("name", ""), json(FormatRfc3339(now)));
    }
  }

  json cache = {{"mode", std::string(api::ToString(plan.cache.mode))}};
  if (plan.cache.deploys_server()) {
    cache["endpoint"] = std::string(kCacheServiceUrl);
  } else if (plan.cache.s3.has_value()) {
    cache["bucket"] = plan.cache.s3->bucket;
  }
  if (!key_id.empty()) {
    cache["keyId"] = key_id;
  }
  json status = {{"apiVersion", std::string(api::kGPUApiVersion)},
                 {"kind", kGPUStatusKind},
                 {"pools", pools},
                 {"cache", cache}};
  if (!removed.empty()) {
    status["removedPools"] = removed;
  }
  return status;
}

}  // namespace gpuext::gpu
