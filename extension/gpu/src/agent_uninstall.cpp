// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "agent_uninstall.h"

#include <nlohmann/json.hpp>

#include "actuator_support.h"
#include "gpuext/error.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpuruntime/api/agent_config.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpu::internal {

using nlohmann::json;
namespace api = gpuruntime::api;

std::string WithAgentUninstallMode(const std::string& objects_yaml, const std::string& pool) {
  const std::string config_map = "gpu-node-agent-" + pool;
  std::vector<json> objects = ParseYamlDocuments(objects_yaml);
  bool found = false;
  for (json& object : objects) {
    if (object.value("kind", "") != "ConfigMap" ||
        object["metadata"].value("name", "") != config_map) {
      continue;
    }
    const std::string key(api::kAgentConfigMapKey);
    api::AgentConfiguration config =
        api::LoadAgentConfiguration(object["data"].value(key, std::string()));
    config.mode = api::AgentMode::kUninstall;
    object["data"][key] = ToYaml(api::ToJson(config));
    found = true;
  }
  if (!found) {
    throw Error(ErrorCode::kNotFound,
                "the node agent's ManagedResource has no ConfigMap " + config_map);
  }
  return YamlStream(objects);
}

std::vector<std::string> NodesNotUninstalled(const std::vector<json>& nodes) {
  std::vector<std::string> waiting;
  for (const json& node : nodes) {
    bool uninstalled = false;
    for (const json& condition : node.value("/status/conditions"_json_pointer, json::array())) {
      if (condition.value("type", "") == kDriverReadyCondition &&
          condition.value("reason", "") == kUninstalledReason) {
        uninstalled = true;
      }
    }
    if (!uninstalled) {
      waiting.push_back(node["metadata"].value("name", ""));
    }
  }
  return waiting;
}

std::string PoolNodeSelector(const json& container_runtime, const std::string& pool) {
  const json labels =
      container_runtime.value("/spec/workerPool/selector/matchLabels"_json_pointer, json::object());
  std::string selector;
  for (const auto& [key, value] : labels.items()) {
    if (value.is_string()) {
      selector += (selector.empty() ? "" : ",") + key + "=" + value.get<std::string>();
    }
  }
  return selector.empty() ? std::string(kWorkerPoolLabel) + "=" + pool : selector;
}

}  // namespace gpuext::gpu::internal
