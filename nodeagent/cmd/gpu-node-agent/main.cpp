// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// gpu-node-agent: the node agent of DESIGN.md §13 (docs/node-agent.md).
//
//   gpu-node-agent run --config=/etc/gpu-node-agent/config.yaml [--kernel-backend=real|simulated]
//                      [--host-root=/host] [--node-name=$NODE_NAME] [--kubeconfig=PATH] [--once]
//   gpu-node-agent probe ready|live [--host-root=/host] [--max-age-seconds=180]
//   gpu-node-agent build --key ... (the builder Job, §14.5)
//   gpu-node-agent copy-bundle --from=DIR --to=DIR (the builder Job's init container)
//
// Exit 2 for bad flags or an unknown sub-command, 1 for a failure, 0 otherwise.
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "commands.h"
#include "gpuext/nodeagent/builder_command.h"

namespace {

constexpr const char* kNodeAgentUsage =
    "usage: gpu-node-agent <command> [flags]\n"
    "\n"
    "commands:\n"
    "  run     --config=PATH [--kernel-backend=real|simulated] [--host-root=DIR]\n"
    "          [--node-name=NAME (default $NODE_NAME)] [--kubeconfig=PATH (default in-cluster)]\n"
    "          [--namespace=NS (default $POD_NAMESPACE)] [--scratch-dir=DIR]\n"
    "          [--heartbeat-file=PATH]\n"
    "          [--cache-token-file=PATH (default /var/run/secrets/gpu-driver-cache/token)]\n"
    "          [--simulated-kernel-release=RELEASE] [--log-format=json|text] [--once]\n"
    "          [--connect-to=HOST:PORT:ADDR:PORT (repeatable; curl's semantics: reach the cache\n"
    "           service through a port-forward or a local landscape, TLS still checks HOST)]\n"
    "          [--no-report (log the node report instead of writing it; no cluster needed)]\n"
    "  probe   ready|live [--host-root=DIR] [--status-file=PATH] [--heartbeat-file=PATH]\n"
    "          [--max-age-seconds=N]\n"
    "  build   the builder Job's entry point (gpu-node-agent build --help)\n"
    "  copy-bundle --from=DIR --to=DIR  the builder Job's init container\n";

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    std::cerr << kNodeAgentUsage;
    return all.empty() ? 2 : 0;
  }
  const std::string command = all[0];
  const std::vector<std::string> rest(all.begin() + 1, all.end());
  if (command == "run") {
    return gpuext::nodeagent::cmd::RunAgentCommand(rest);
  }
  if (command == "probe") {
    return gpuext::nodeagent::cmd::ProbeCommand(rest);
  }
  if (command == "build") {
    return gpuext::nodeagent::RunBuildCommand(std::span<const std::string>(rest));
  }
  if (command == "copy-bundle") {
    return gpuext::nodeagent::cmd::CopyBundleCommand(rest);
  }
  std::cerr << "gpu-node-agent: unknown command \"" << command << "\"\n" << kNodeAgentUsage;
  return 2;
}
