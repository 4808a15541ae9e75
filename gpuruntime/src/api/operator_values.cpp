// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/operator_values.h"

#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/error.h"

namespace gpuext::gpuruntime::api {
namespace {

using nlohmann::json;

constexpr PinnedOperatorValue kPinnedOperatorValues[] = {
    {"operator.runtimeClass",
     "the OSC webhook registers the containerd handler `nvidia`; the RuntimeClass must name it"},
    {"driver.enabled",
     "the node agent installs the driver; the operator's driver container stays off"},
    {"toolkit.enabled", "the nvidia runtime configured by the OSC webhook needs the toolkit"},
    {"toolkit.installDir", "the OSC webhook points containerd's nvidia runtime at /opt/nvidia"},
    {"cdi.enabled", "the device plugin and the runtime use CDI on read-only Garden Linux hosts"},
    {"hostPaths.driverInstallDir", "the node agent installs the driver into /run/nvidia/driver"},
    {"hostPaths.rootFS", "operands read the host's root at /"},
    {"nfd.enabled", "the extension deploys NFD itself, with its own NodeFeatureRules"},
    {"mig.strategy", "set mig.strategy in the GPUConfig instead"},
    {"migManager.enabled", "follows mig.strategy in the GPUConfig"},
    {"dcgmExporter.enabled", "set dcgmExporter.enabled in the GPUConfig instead"},
    {"dcgmExporter.serviceMonitor.enabled",
     "set dcgmExporter.serviceMonitor in the GPUConfig instead"},
    {"devicePlugin.enabled", "GPU pools need the device plugin to offer nvidia.com/gpu"},
    {"devicePlugin.config.name",
     "the device-plugin config is generated from sharing in the GPUConfig and GPUPoolConfig"},
    {"devicePlugin.config.default",
     "the device-plugin config is generated from sharing in the GPUConfig and GPUPoolConfig"},
    {"gpuext", "internal values of the extension's chart"},
};

// Whether `values` sets something at or below the dotted `path`.
bool OperatorValuesTouch(const json& values, std::string_view path) {
  const json* node = &values;
  while (!path.empty()) {
    if (!node->is_object()) {
      return true;  // a parent replaced by a scalar, list or null takes the pinned value with it
    }
    const size_t dot = path.find('.');
    const std::string key(path.substr(0, dot));
    const auto it = node->find(key);
    if (it == node->end()) {
      return false;
    }
    node = &*it;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return true;
}

}  // namespace

std::span<const PinnedOperatorValue> PinnedOperatorValues() { return kPinnedOperatorValues; }

std::vector<PinnedOperatorValue> PinnedOperatorValuesSetBy(const OperatorValues& values) {
  const json parsed = json::parse(values.json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "operatorValues: must be a JSON object");
  }
  std::vector<PinnedOperatorValue> out;
  for (const PinnedOperatorValue& pinned : kPinnedOperatorValues) {
    if (OperatorValuesTouch(parsed, pinned.path)) {
      out.push_back(pinned);
    }
  }
  return out;
}

}  // namespace gpuext::gpuruntime::api
