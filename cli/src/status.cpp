// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/cli/status.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace gpuext::cli {

namespace {

using nlohmann::json;

const kube::Resource kStatusNodes{"", "v1", "nodes", false};

Colour StatusPhaseColour(const NodeGpu& node) {
  if (node.ready) {
    return Colour::kGreen;
  }
  if (node.phase == "Failed" || node.phase == "NoAgent") {
    return Colour::kRed;
  }
  return Colour::kYellow;
}

// The last error of a node: its condition message while it is Failed.
std::string StatusLastError(const NodeGpu& node) {
  if (node.phase == "Failed" && node.condition) {
    return node.condition->message;
  }
  return {};
}

// A table cell: the first line, at most 120 characters (messages may carry build log tails).
std::string StatusOneLine(std::string text) {
  if (const auto nl = text.find('\n'); nl != std::string::npos) {
    text = text.substr(0, nl) + " ...";
  }
  if (text.size() > 120) {
    text = text.substr(0, 117) + "...";
  }
  return text;
}

}  // namespace

bool ClusterStatus::AllReady() const {
  return std::all_of(pools.begin(), pools.end(), [](const PoolStatus& p) {
    return p.ready == static_cast<int>(p.nodes.size());
  });
}

int ClusterStatus::NodeCount() const {
  int n = 0;
  for (const auto& p : pools) {
    n += static_cast<int>(p.nodes.size());
  }
  return n;
}

ClusterStatus GroupStatus(const std::vector<NodeGpu>& nodes) {
  std::map<std::string, PoolStatus> pools;
  for (const NodeGpu& node : nodes) {
    if (!node.has_gpu) {
      continue;
    }
    PoolStatus& pool = pools[node.pool];
    pool.name = node.pool;
    pool.nodes.push_back(node);
    pool.ready += node.ready ? 1 : 0;
  }
  ClusterStatus out;
  for (auto& [name, pool] : pools) {
    std::sort(pool.nodes.begin(), pool.nodes.end(),
              [](const NodeGpu& a, const NodeGpu& b) { return a.name < b.name; });
    std::set<std::string> versions;
    for (const auto& n : pool.nodes) {
      if (n.ready_version) {
        versions.insert(*n.ready_version);
      }
    }
    pool.driver_versions.assign(versions.begin(), versions.end());
    out.pools.push_back(std::move(pool));
  }
  return out;
}

ClusterStatus CollectStatus(kube::Client& client) {
  const json list = client.List(kStatusNodes, {});
  std::vector<NodeGpu> nodes;
  for (const json& item : list.value("items", json::array())) {
    nodes.push_back(ReadNodeGpu(item));
  }
  return GroupStatus(nodes);
}

json StatusToJson(const ClusterStatus& status) {
  json pools = json::array();
  for (const auto& pool : status.pools) {
    json nodes = json::array();
    for (const auto& n : pool.nodes) {
      json node = {{"name", n.name},
                   {"phase", n.phase},
                   {"ready", n.ready},
                   {"agent", n.condition.has_value()},
                   {"driverVersion", n.ready_version.value_or("")},
                   {"kernelRelease", n.kernel_release},
                   {"lastError", StatusLastError(n)}};
      if (n.condition) {
        node["condition"] = {{"status", n.condition->status},
                             {"reason", n.condition->reason},
                             {"message", n.condition->message},
                             {"lastTransitionTime", n.condition->last_transition_time}};
      }
      nodes.push_back(std::move(node));
    }
    pools.push_back({{"name", pool.name},
                     {"driverVersions", pool.driver_versions},
                     {"readyNodes", pool.ready},
                     {"totalNodes", pool.nodes.size()},
                     {"nodes", std::move(nodes)}});
  }
  return {{"ready", status.AllReady()}, {"pools", std::move(pools)}};
}

std::string RenderStatusTable(const ClusterStatus& status, const Palette& palette) {
  if (status.pools.empty()) {
    return "No GPU nodes found.\n";
  }
  Table pools({"POOL", "DRIVER", "READY"});
  Table nodes({"NODE", "POOL", "PHASE", "LAST ERROR"});
  for (const auto& pool : status.pools) {
    std::string versions;
    for (const auto& v : pool.driver_versions) {
      versions += (versions.empty() ? "" : ",") + v;
    }
    const bool all = pool.ready == static_cast<int>(pool.nodes.size());
    pools.AddRow({{pool.name.empty() ? "<none>" : pool.name},
                  {versions.empty() ? "-" : versions},
                  {std::to_string(pool.ready) + "/" + std::to_string(pool.nodes.size()),
                   all ? Colour::kGreen : Colour::kRed}});
    for (const auto& n : pool.nodes) {
      nodes.AddRow({{n.name},
                    {pool.name.empty() ? "<none>" : pool.name},
                    {PhaseText(n), StatusPhaseColour(n)},
                    {StatusOneLine(StatusLastError(n))}});
    }
  }
  return pools.Render(palette) + "\n" + nodes.Render(palette);
}

}  // namespace gpuext::cli
