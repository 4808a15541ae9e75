// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/node_reporter.h"

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent {

using nlohmann::json;

std::string_view ToString(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::kTrue:
      return "True";
    case ConditionStatus::kFalse:
      return "False";
    case ConditionStatus::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

KubeNodeReporter::KubeNodeReporter(kube::Client& client, KubeNodeReporterOptions options,
                                   Clock& clock)
    : client_(client), options_(std::move(options)), clock_(clock) {
  if (options_.node_name.empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "node name is empty: set --node-name or the NODE_NAME environment variable "
                "(fieldRef spec.nodeName)");
  }
  events_ = std::make_unique<kube::EventRecorder>(
      client_,
      kube::EventRecorderOptions{.component = options_.component, .host = options_.node_name},
      clock_, options_.logger);
}

KubeNodeReporter::~KubeNodeReporter() = default;

void KubeNodeReporter::Report(const DriverReport& report) {
  std::lock_guard lock(mu_);
  PatchLabels(report);
  PatchCondition(report);
}

void KubeNodeReporter::PatchLabels(const DriverReport& report) {
  std::map<std::string, std::optional<std::string>> want;
  want[std::string(kDriverReadyLabel)] = report.ready_version;
  if (report.ready_version) {
    for (const auto& [k, v] : report.device_labels) {
      want[k] = v;
    }
  }
  if (labels_written_ == want) {
    return;
  }
  json labels = json::object();
  for (const auto& [k, v] : want) {
    labels[k] = v ? json(*v) : json(nullptr);
  }
  client_.Patch(kNodes, {"", options_.node_name}, kube::PatchType::kMerge,
                {{"metadata", {{"labels", labels}}}});
  labels_written_ = std::move(want);
}

void KubeNodeReporter::PatchCondition(const DriverReport& report) {
  const auto now = clock_.SteadyNow();
  std::string transition = transition_time_;
  if (condition_written_) {
    const bool same_state =
        condition_written_->status == report.status && condition_written_->reason == report.reason;
    if (same_state && (condition_written_->message == report.message ||
                       now - condition_written_at_ < options_.message_interval)) {
      return;  // nothing new, or only a progress message inside the 15 s window
    }
    if (condition_written_->status != report.status) {
      transition.clear();
    }
  } else {
    // First report of this process: keep lastTransitionTime when the status did not change.
    const auto node = client_.Get(kNodes, {"", options_.node_name});
    if (!node) {
      throw Error(ErrorCode::kNotFound, "node " + options_.node_name + " not found");
    }
    for (const json& c : node->value("/status/conditions"_json_pointer, json::array())) {
      if (c.value("type", "") == kDriverReadyCondition &&
          c.value("status", "") == ToString(report.status)) {
        transition = c.value("lastTransitionTime", "");
      }
    }
  }
  const std::string now_text = FormatRfc3339(clock_.Now());
  if (transition.empty()) {
    transition = now_text;
  }
  const json condition = {{"type", kDriverReadyCondition}, {"status", ToString(report.status)},
                          {"reason", report.reason},       {"message", report.message},
                          {"lastHeartbeatTime", now_text}, {"lastTransitionTime", transition}};
  client_.Patch(kNodes, {"", options_.node_name}, kube::PatchType::kStrategic,
                {{"status", {{"conditions", json::array({condition})}}}},
                kube::Subresource::kStatus);
  condition_written_ = report;
  condition_written_at_ = now;
  transition_time_ = transition;
}

void KubeNodeReporter::Event(EventKind kind, std::string_view reason, std::string_view message) {
  const auto node = client_.Get(kNodes, {"", options_.node_name});
  if (!node) {
    throw Error(ErrorCode::kNotFound, "node " + options_.node_name + " not found");
  }
  events_->Event(*node,
                 kind == EventKind::kWarning ? kube::EventType::kWarning : kube::EventType::kNormal,
                 reason, message);
}

bool KubeNodeReporter::FlushEvents(std::chrono::milliseconds timeout) {
  return events_->Flush(timeout);
}

}  // namespace gpuext::nodeagent
