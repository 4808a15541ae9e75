// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a Node object says about its GPU driver, as the node agent reports it (DESIGN.md §13.3
// step 11, docs/node-agent.md): the condition GPUDriverReady, the readiness label and the NFD
// feature labels. Shared by `gpu status` and `gpu explain`.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace gpuext::cli {

// Names the agent writes (nodeagent/node_reporter.h; repeated here because the CLI does not link
// the agent).
inline constexpr std::string_view kCliDriverReadyLabel =
    "gpu.extensions.gardener.cloud/driver-ready";
inline constexpr std::string_view kCliDriverReadyCondition = "GPUDriverReady";
inline constexpr std::string_view kCliPoolLabel = "worker.gardener.cloud/pool";
inline constexpr std::string_view kCliAgentComponent = "gpu-node-agent";

struct DriverCondition {
  std::string status = {};  // True | False | Unknown
  std::string reason = {};
  std::string message = {};
  std::string last_transition_time = {};
  std::string last_heartbeat_time = {};
};

struct NodeGpu {
  std::string name = {};
  std::string pool = {};  // "" when the node has no pool label
  std::string kernel_release = {};
  std::optional<std::string> ready_version = {};  // the driver-ready label
  std::optional<DriverCondition> condition = {};
  // Ready, Detecting, Downloading, WaitingForBuild, Verifying, Installing, Failed, NoGPU,
  // Uninstalled, Unknown; "NoAgent" without the condition.
  std::string phase = {};
  bool ready = false;    // condition True and the readiness label set
  bool has_gpu = false;  // a GPU node: NFD found one, or the agent reported on it (not NoGPU)
};

// Reads a core/v1 Node. Never throws for missing fields.
[[nodiscard]] NodeGpu ReadNodeGpu(const nlohmann::json& node);

// "Ready (DriverLoaded)", "Failed (BadSignature)", "no agent".
[[nodiscard]] std::string PhaseText(const NodeGpu& node);

// The reason without the agent's "Simulated" suffix (test landscapes), for hints.
[[nodiscard]] std::string_view BaseReason(std::string_view reason);

}  // namespace gpuext::cli
