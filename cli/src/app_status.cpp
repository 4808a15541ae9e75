// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <ostream>

#include <nlohmann/json.hpp>

#include "app_internal.h"
#include "gpuext/cli/explain.h"
#include "gpuext/cli/status.h"

// `gpu status` and `gpu explain <node>`.

namespace gpuext::cli::internal {

int RunStatus(const std::vector<std::string>& args, const CliIo& io) {
  CommonFlags common;
  KubeFlags kube;
  FlagSet flags(io.program + " status");
  AddCommonFlags(flags, common);
  AddKubeFlags(flags, kube);
  const std::string usage =
      "usage: " + io.program +
      " status [--kubeconfig FILE] [--context NAME] [-o table|json|yaml]\n\n"
      "The shoot's GPU worker pools (label worker.gardener.cloud/pool): the driver version that "
      "is\n"
      "ready (label gpu.extensions.gardener.cloud/driver-ready), nodes ready/total, and each GPU\n"
      "node's GPUDriverReady phase (reason) with its last error. Pools without GPU nodes are left\n"
      "out; a GPU node without the condition shows \"no agent\".\n\n"
      "Exits 3 when a GPU node is not ready, so scripts can wait:\n"
      "  until " +
      io.program + " status >/dev/null; do sleep 10; done\n\n" + FlagHelp(flags);
  if (!ParseCommand(flags, common, args, usage, io)) {
    return kExitOk;
  }
  if (!flags.positional().empty()) {
    throw UsageError("status takes no arguments, got \"" + flags.positional()[0] + "\"", usage);
  }
  const OutputFormat format = ParseOutputFormat(common.output);
  const auto client = MakeKubeClient(kube);
  const ClusterStatus status = CollectStatus(*client);
  if (format == OutputFormat::kTable) {
    io.out << RenderStatusTable(status, Palette(io.colour));
  } else {
    io.out << RenderStructured(StatusToJson(status), format);
  }
  return status.AllReady() ? kExitOk : kExitNotReady;
}

int RunExplain(const std::vector<std::string>& args, const CliIo& io) {
  CommonFlags common;
  KubeFlags kube;
  FlagSet flags(io.program + " explain");
  AddCommonFlags(flags, common);
  AddKubeFlags(flags, kube);
  const std::string usage =
      "usage: " + io.program +
      " explain <node> [--kubeconfig FILE] [--context NAME] "
      "[-o table|json|yaml]\n\n"
      "Why a node's GPU driver is (not) ready: its GPUDriverReady condition (reason, message,\n"
      "lastTransitionTime), the gpu-node-agent's recent Events about the node, the node's GPU\n"
      "labels, and a next step for the condition's reason. Exits 0 whenever the node was "
      "read.\n\n" +
      FlagHelp(flags);
  if (!ParseCommand(flags, common, args, usage, io)) {
    return kExitOk;
  }
  if (flags.positional().size() != 1) {
    throw UsageError("explain needs exactly one node name", usage);
  }
  const OutputFormat format = ParseOutputFormat(common.output);
  const auto client = MakeKubeClient(kube);
  const NodeExplanation x = ExplainNode(*client, flags.positional()[0]);
  if (format == OutputFormat::kTable) {
    io.out << RenderExplanation(x, Palette(io.colour));
  } else {
    io.out << RenderStructured(ExplanationToJson(x), format);
  }
  return kExitOk;
}

}  // namespace gpuext::cli::internal
