// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The sub-commands of gpu-node-agent. Each takes the arguments after its name and returns the
// process exit code: 0 success, 1 failure, 2 bad flags (every problem printed to stderr).

#include <string>
#include <vector>

namespace gpuext::nodeagent::cmd {

// `run`: the DaemonSet's agent loop (DESIGN.md §13.3).
int RunAgentCommand(const std::vector<std::string>& args);
// `copy-bundle --from --to`: the builder Job's init container (§14.5).
int CopyBundleCommand(const std::vector<std::string>& args);
// `probe ready|live`: the exec probes (§13.1); reads the status and heartbeat files.
int ProbeCommand(const std::vector<std::string>& args);

}  // namespace gpuext::nodeagent::cmd
