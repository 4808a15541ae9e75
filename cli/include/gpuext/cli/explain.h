// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// `gpu explain <node>`: why a node's driver is (not) ready: its GPUDriverReady condition, the
// node agent's recent Events about the node (core/v1 Events, which kube::EventRecorder writes
// into namespace "default" for cluster-scoped objects), the node's GPU labels, and what to do
// next for the condition's reason.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/cli/node_gpu.h"
#include "gpuext/cli/output.h"
#include "gpuext/kube/client.h"

namespace gpuext::cli {

struct AgentEvent {
  std::string type = {};  // Normal | Warning
  std::string reason = {};
  std::string message = {};
  std::string last_timestamp = {};  // RFC 3339
  long long count = 1;
};

struct NodeExplanation {
  NodeGpu node = {};
  std::vector<std::pair<std::string, std::string>> gpu_labels;  // sorted by name
  std::vector<AgentEvent> events;                               // oldest first, at most 10
  std::string hint = {};
};

// Reads the Node and its Events. Throws gpuext::Error(kNotFound) when the Node does not exist.
[[nodiscard]] NodeExplanation ExplainNode(kube::Client& client, const std::string& node_name);

// What to do next for a node in this state (a sentence or two naming commands to run).
[[nodiscard]] std::string NextStepHint(const NodeGpu& node);

// {"node", "pool", "phase", "ready", "driverVersion", "kernelRelease", "condition": {...},
//  "labels": {...}, "events": [{"type", "reason", "message", "lastTimestamp", "count"}], "hint"}
[[nodiscard]] nlohmann::json ExplanationToJson(const NodeExplanation& explanation);
[[nodiscard]] std::string RenderExplanation(const NodeExplanation& explanation,
                                            const Palette& palette);

}  // namespace gpuext::cli
