// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Watching the agent's configuration file (DESIGN.md §13.1): kubelet rewrites a ConfigMap volume
// in place, and a new driver version or `mode: uninstall` must reach the running agent without
// a restart (the node-agent chart carries no config checksum on purpose).
//
//   std::optional<ConfigChange> change =
//       WatchConfigFile(path, current_text, clock, stop, logger);   // blocks
//
// A file that changed into something invalid is logged (once per distinct content) and the
// watch goes on: the agent keeps its current configuration until a valid one appears.

#include <chrono>
#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>

#include "gpuext/clock.h"
#include "gpuext/gpuruntime/api/agent_config.h"
#include "gpuext/logger.h"

namespace gpuext::nodeagent {

struct ConfigChange {
  std::string text;
  gpuruntime::api::AgentConfiguration config;
};

// Re-reads `path` every `interval` until its content differs from `current_text` and parses as
// an AgentConfiguration (returned), or until `stop` (nullopt). A missing or unreadable file
// counts as unchanged (kubelet swaps the volume's symlink; a read may fall in between).
[[nodiscard]] std::optional<ConfigChange> WatchConfigFile(
    const std::filesystem::path& path, const std::string& current_text, Clock& clock,
    std::stop_token stop, const Logger& logger,
    std::chrono::milliseconds interval = std::chrono::seconds(5));

}  // namespace gpuext::nodeagent
