// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/cli/explain.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gpuext/error.h"

namespace gpuext::cli {

namespace {

using nlohmann::json;

const kube::Resource kExplainNodes{"", "v1", "nodes", false};
const kube::Resource kExplainEvents{"", "v1", "events", true};
constexpr std::size_t kExplainMaxEvents = 10;

// Labels worth showing: ours (NFD rules, readiness), the GPU operator's, NFD's PCI and kernel
// labels, the pool and the architecture.
bool ExplainIsGpuLabel(std::string_view name) {
  return name.starts_with("gpu.extensions.gardener.cloud/") || name.starts_with("nvidia.com/") ||
         name.starts_with("feature.node.kubernetes.io/pci-") ||
         name.starts_with("feature.node.kubernetes.io/kernel-version") ||
         name == "worker.gardener.cloud/pool" || name == "kubernetes.io/arch";
}

std::string ExplainEventTime(const json& event) {
  for (const char* field : {"lastTimestamp", "eventTime", "firstTimestamp"}) {
    const auto it = event.find(field);
    if (it != event.end() && it->is_string() && !it->get<std::string>().empty()) {
      return it->get<std::string>();
    }
  }
  return event.value("/metadata/creationTimestamp"_json_pointer, std::string());
}

bool ExplainFromAgent(const json& event) {
  return event.value("/source/component"_json_pointer, std::string()) == kCliAgentComponent ||
         event.value("reportingComponent", std::string()) == kCliAgentComponent;
}

}  // namespace

NodeExplanation ExplainNode(kube::Client& client, const std::string& node_name) {
  const auto node = client.Get(kExplainNodes, {"", node_name});
  if (!node) {
    throw Error(ErrorCode::kNotFound,
                "node " + node_name + " not found (list the GPU nodes with `gpu status`)");
  }
  NodeExplanation out;
  out.node = ReadNodeGpu(*node);
  const json labels = node->value("/metadata/labels"_json_pointer, json::object());
  for (const auto& [name, value] : labels.items()) {
    if (ExplainIsGpuLabel(name) && value.is_string()) {
      out.gpu_labels.emplace_back(name, value.get<std::string>());
    }
  }
  std::sort(out.gpu_labels.begin(), out.gpu_labels.end());
  // The EventRecorder puts events about cluster-scoped objects into "default".
  const json events =
      client.List(kExplainEvents,
                  {.ns = "default",
                   .field_selector = "involvedObject.kind=Node,involvedObject.name=" + node_name});
  for (const json& e : events.value("items", json::array())) {
    if (!ExplainFromAgent(e)) {
      continue;
    }
    out.events.push_back({.type = e.value("type", std::string()),
                          .reason = e.value("reason", std::string()),
                          .message = e.value("message", std::string()),
                          .last_timestamp = ExplainEventTime(e),
                          .count = e.value("count", 1LL)});
  }
  std::stable_sort(
      out.events.begin(), out.events.end(),
      [](const AgentEvent& a, const AgentEvent& b) { return a.last_timestamp < b.last_timestamp; });
  if (out.events.size() > kExplainMaxEvents) {
    out.events.erase(out.events.begin(),
                     out.events.end() - static_cast<std::ptrdiff_t>(kExplainMaxEvents));
  }
  out.hint = NextStepHint(out.node);
  return out;
}

json ExplanationToJson(const NodeExplanation& x) {
  json labels = json::object();
  for (const auto& [k, v] : x.gpu_labels) {
    labels[k] = v;
  }
  json events = json::array();
  for (const auto& e : x.events) {
    events.push_back({{"type", e.type},
                      {"reason", e.reason},
                      {"message", e.message},
                      {"lastTimestamp", e.last_timestamp},
                      {"count", e.count}});
  }
  json out = {{"node", x.node.name},
              {"pool", x.node.pool},
              {"phase", x.node.phase},
              {"ready", x.node.ready},
              {"gpu", x.node.has_gpu},
              {"driverVersion", x.node.ready_version.value_or("")},
              {"kernelRelease", x.node.kernel_release},
              {"labels", std::move(labels)},
              {"events", std::move(events)},
              {"hint", x.hint}};
  if (x.node.condition) {
    out["condition"] = {{"status", x.node.condition->status},
                        {"reason", x.node.condition->reason},
                        {"message", x.node.condition->message},
                        {"lastTransitionTime", x.node.condition->last_transition_time},
                        {"lastHeartbeatTime", x.node.condition->last_heartbeat_time}};
  }
  return out;
}

std::string RenderExplanation(const NodeExplanation& x, const Palette& palette) {
  const NodeGpu& n = x.node;
  const Colour colour = n.ready                                       ? Colour::kGreen
                        : n.phase == "Failed" || n.phase == "NoAgent" ? Colour::kRed
                                                                      : Colour::kYellow;
  std::string out;
  out += "Node:      " + n.name + "\n";
  out += "Pool:      " + (n.pool.empty() ? std::string("<none>") : n.pool) + "\n";
  out += "Kernel:    " + (n.kernel_release.empty() ? std::string("-") : n.kernel_release) + "\n";
  out += "Driver:    " +
         (n.ready_version
              ? *n.ready_version
              : std::string("- (label ") + std::string(kCliDriverReadyLabel) + " not set)") +
         "\n";
  out += "Phase:     " + palette.Paint(PhaseText(n), colour) + "\n";
  if (n.condition) {
    out += "Condition: " + std::string(kCliDriverReadyCondition) + "=" + n.condition->status +
           " since " + n.condition->last_transition_time + "\n";
    if (!n.condition->message.empty()) {
      out += "Message:   " + n.condition->message + "\n";
    }
  } else {
    out += "Condition: " + std::string(kCliDriverReadyCondition) + " not set\n";
  }
  out += "\nGPU labels:\n";
  if (x.gpu_labels.empty()) {
    out += "  (none)\n";
  }
  for (const auto& [k, v] : x.gpu_labels) {
    out += "  " + k + "=" + v + "\n";
  }
  out += "\nEvents of " + std::string(kCliAgentComponent) + " (oldest first):\n";
  if (x.events.empty()) {
    out += "  (none)\n";
  } else {
    Table events({"LAST SEEN", "TYPE", "REASON", "COUNT", "MESSAGE"}, "  ");
    for (const auto& e : x.events) {
      events.AddRow({{e.last_timestamp},
                     {e.type, e.type == "Warning" ? Colour::kRed : Colour::kNone},
                     {e.reason},
                     {std::to_string(e.count)},
                     {e.message}});
    }
    out += events.Render(palette);
  }
  out += "\n" + palette.Paint("Next step:", Colour::kBold) + " " + x.hint + "\n";
  return out;
}

}  // namespace gpuext::cli
