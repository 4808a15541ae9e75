// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/cli/node_gpu.h"

#include <array>

#include <nlohmann/json.hpp>

namespace gpuext::cli {

namespace {

using nlohmann::json;

// Labels that say a node has a GPU whether or not an agent runs there: our NFD rules
// (nfdrules/), NFD's own PCI vendor label for NVIDIA (0x10de) and the GPU operator's.
constexpr std::array<std::string_view, 3> kNodeGpuPresentLabels = {
    "gpu.extensions.gardener.cloud/nvidia.present",
    "feature.node.kubernetes.io/pci-10de.present",
    "nvidia.com/gpu.present",
};

constexpr std::array<std::string_view, 5> kNodeGpuProgressPhases = {
    "Detecting", "Downloading", "WaitingForBuild", "Verifying", "Installing"};

std::string NodeGpuPhase(const DriverCondition& c) {
  const std::string_view reason = BaseReason(c.reason);
  if (c.status == "True") {
    return "Ready";
  }
  if (c.status == "False") {
    if (reason == "NoGPU" || reason == "Uninstalled") {
      return std::string(reason);
    }
    return "Failed";
  }
  for (const auto phase : kNodeGpuProgressPhases) {
    if (reason == phase) {
      return std::string(phase);
    }
  }
  return "Unknown";
}

}  // namespace

std::string_view BaseReason(std::string_view reason) {
  constexpr std::string_view kSuffix = "Simulated";
  if (reason.size() > kSuffix.size() && reason.ends_with(kSuffix)) {
    reason.remove_suffix(kSuffix.size());
  }
  return reason;
}

NodeGpu ReadNodeGpu(const json& node) {
  NodeGpu out;
  out.name = node.value("/metadata/name"_json_pointer, std::string());
  const json labels = node.value("/metadata/labels"_json_pointer, json::object());
  out.pool = labels.value(std::string(kCliPoolLabel), std::string());
  out.kernel_release = node.value("/status/nodeInfo/kernelVersion"_json_pointer, std::string());
  if (const auto it = labels.find(std::string(kCliDriverReadyLabel));
      it != labels.end() && it->is_string()) {
    out.ready_version = it->get<std::string>();
  }
  const json conditions = node.value("/status/conditions"_json_pointer, json::array());
  for (const json& c : conditions) {
    if (c.value("type", std::string()) != kCliDriverReadyCondition) {
      continue;
    }
    out.condition =
        DriverCondition{.status = c.value("status", std::string()),
                        .reason = c.value("reason", std::string()),
                        .message = c.value("message", std::string()),
                        .last_transition_time = c.value("lastTransitionTime", std::string()),
                        .last_heartbeat_time = c.value("lastHeartbeatTime", std::string())};
  }
  bool labelled = out.ready_version.has_value();
  for (const auto name : kNodeGpuPresentLabels) {
    if (labels.value(std::string(name), std::string()) == "true") {
      labelled = true;
    }
  }
  if (out.condition) {
    out.phase = NodeGpuPhase(*out.condition);
    out.has_gpu = out.phase != "NoGPU" || labelled;
  } else {
    out.phase = "NoAgent";
    out.has_gpu = labelled;
  }
  out.ready = out.phase == "Ready" && out.ready_version.has_value();
  return out;
}

std::string PhaseText(const NodeGpu& node) {
  if (!node.condition) {
    return "no agent";
  }
  if (node.condition->reason.empty() || node.condition->reason == node.phase) {
    return node.phase;
  }
  return node.phase + " (" + node.condition->reason + ")";
}

}  // namespace gpuext::cli
