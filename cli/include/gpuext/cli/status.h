// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// `gpu status`: the GPU nodes of a shoot grouped by worker pool (label
// worker.gardener.cloud/pool), with the driver version that is ready, how many nodes are ready,
// and each node's GPUDriverReady phase. Pools without GPU nodes are left out.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/cli/node_gpu.h"
#include "gpuext/cli/output.h"
#include "gpuext/kube/client.h"

namespace gpuext::cli {

struct PoolStatus {
  std::string name = {};                     // "" for nodes without a pool label
  std::vector<std::string> driver_versions;  // distinct driver-ready label values, sorted
  int ready = 0;
  std::vector<NodeGpu> nodes;  // sorted by name
};

struct ClusterStatus {
  std::vector<PoolStatus> pools;  // sorted by name
  [[nodiscard]] bool AllReady() const;
  [[nodiscard]] int NodeCount() const;
};

// Lists the Nodes (one List call) and groups the GPU nodes.
[[nodiscard]] ClusterStatus CollectStatus(kube::Client& client);
[[nodiscard]] ClusterStatus GroupStatus(const std::vector<NodeGpu>& nodes);

// {"ready": bool, "pools": [{"name", "driverVersions", "readyNodes", "totalNodes",
//   "nodes": [{"name", "phase", "ready", "agent", "driverVersion", "kernelRelease",
//              "condition": {"status", "reason", "message", "lastTransitionTime"}}]}]}
[[nodiscard]] nlohmann::json StatusToJson(const ClusterStatus& status);
// Two aligned tables: pools, then nodes.
[[nodiscard]] std::string RenderStatusTable(const ClusterStatus& status, const Palette& palette);

}  // namespace gpuext::cli
