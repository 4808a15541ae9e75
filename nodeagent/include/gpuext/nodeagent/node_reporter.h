// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// NodeReporter: how the node agent tells Kubernetes about its node (DESIGN.md §13.3 step 11,
// §13.6): the readiness label, the Node condition GPUDriverReady and Events. The agent reports
// through this seam only, so its tests use a recording fake and one test uses the real
// KubeNodeReporter against kube-emulator.
//
//   KubeNodeReporter reporter(client, {.node_name = "node-1"}, clock);
//   reporter.Report({.phase = Phase::kReady, .status = ConditionStatus::kTrue,
//                    .reason = "DriverLoaded", .message = "driver 580.95.05 (open) loaded",
//                    .ready_version = "580.95.05"});
//   reporter.Event(EventKind::kNormal, "DriverReady", "driver 580.95.05 loaded");

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"
#include "gpuext/kube/events.h"
#include "gpuext/logger.h"
#include "gpuext/nodeagent/status.h"

namespace gpuext::nodeagent {

// The label that says which driver version is ready on the node (§13.3 step 11).
inline constexpr std::string_view kDriverReadyLabel = "gpu.extensions.gardener.cloud/driver-ready";
// The Node condition type the agent owns.
inline constexpr std::string_view kDriverReadyCondition = "GPUDriverReady";

enum class ConditionStatus { kTrue, kFalse, kUnknown };
[[nodiscard]] std::string_view ToString(ConditionStatus status);  // "True" | "False" | "Unknown"

enum class EventKind { kNormal, kWarning };

// What the node should show after one step of the agent.
struct DriverReport {
  Phase phase = Phase::kDetecting;
  ConditionStatus status = ConditionStatus::kUnknown;
  std::string reason = {};   // CamelCase: "DriverLoaded", "Downloading", "BadSignature", ...
  std::string message = {};  // for humans: what happens, or what failed and the fix
  // The readiness label's value; nullopt removes the label.
  std::optional<std::string> ready_version = {};
  // Labels set together with the readiness label (AgentConfiguration.deviceLabels, §8.5); they
  // are left in place when the readiness label is removed (the GPU operator reads them).
  std::map<std::string, std::string> device_labels = {};
  friend bool operator==(const DriverReport&, const DriverReport&) = default;
};

// Implementations must be safe for concurrent use. Calls may throw (API unreachable); the agent
// logs such failures and carries on, because the node's driver matters more than its report.
class NodeReporter {
 public:
  virtual ~NodeReporter() = default;
  virtual void Report(const DriverReport& report) = 0;
  virtual void Event(EventKind kind, std::string_view reason, std::string_view message) = 0;
};

struct KubeNodeReporterOptions {
  std::string node_name = {};
  std::string component = "gpu-node-agent";  // Event source
  // The condition's message is rewritten at most this often while status and reason stay
  // (§13.3: progress messages change every second during a download).
  std::chrono::seconds message_interval = std::chrono::seconds(15);
  Logger logger = Logger::Root().WithName("node-reporter");
};

// Reports to the Node object through kube::Client: the labels with a JSON merge patch on the
// Node, the condition with a strategic merge patch (merge key "type", as kubelet writes its own
// conditions) on nodes/<name>/status, Events through kube::EventRecorder. Unchanged labels and
// conditions are not written again. Safe for concurrent use (one mutex).
class KubeNodeReporter final : public NodeReporter {
 public:
  // `client` and `clock` must outlive the reporter.
  KubeNodeReporter(kube::Client& client, KubeNodeReporterOptions options, Clock& clock);
  ~KubeNodeReporter() override;

  // Throws gpuext::Error / kube::ApiError when the API refuses; a throttled message update is
  // kept and written by a later Report.
  void Report(const DriverReport& report) override;
  // Queued; written asynchronously by the EventRecorder. Throws when the Node cannot be read.
  void Event(EventKind kind, std::string_view reason, std::string_view message) override;

  // Waits until queued events are written (tests, shutdown).
  bool FlushEvents(std::chrono::milliseconds timeout);

  static inline const kube::Resource kNodes{"", "v1", "nodes", false};

 private:
  void PatchLabels(const DriverReport& report);
  void PatchCondition(const DriverReport& report);

  kube::Client& client_;
  const KubeNodeReporterOptions options_;
  Clock& clock_;
  std::unique_ptr<kube::EventRecorder> events_;

  std::mutex mu_;  // guards everything below
  std::optional<std::map<std::string, std::optional<std::string>>> labels_written_;
  std::optional<DriverReport> condition_written_;
  std::string transition_time_;  // lastTransitionTime of the condition as last written
  std::chrono::steady_clock::time_point condition_written_at_{};
};

}  // namespace gpuext::nodeagent
