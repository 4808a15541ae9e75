// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Progress of the node agent (DESIGN.md §13.3): every step reports {phase, bytesDone,
// bytesTotal, etaSeconds, message}. StatusWriter replaces run/nvidia/gpu-node-agent/status.json
// by write-then-rename (§13.4), so `gpu-node-agent probe` and humans never read half a file.
// RateEstimator turns download byte counts into a rate and an ETA over a moving window.
//
//   StatusWriter status(host.StatusFile(), clock);
//   RateEstimator rate(clock);
//   rate.Record(done);
//   status.Write({.phase = Phase::kDownloading, .bytes_done = done, .bytes_total = total,
//                 .eta_seconds = rate.EtaSeconds(done, total), .message = "kernel part"});

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/clock.h"

namespace gpuext::nodeagent {

// The phases the Node condition's reason names (issue: Detecting ... Failed), plus the two idle
// ends: no GPU on the node, and uninstalled (§13.5).
enum class Phase {
  kDetecting,
  kDownloading,
  kWaitingForBuild,
  kVerifying,
  kInstalling,
  kReady,
  kFailed,
  kNoGpu,
  kUninstalled,
};
// "Detecting", "Downloading", "WaitingForBuild", "Verifying", "Installing", "Ready", "Failed",
// "NoGPU", "Uninstalled".
[[nodiscard]] std::string_view ToString(Phase phase);
[[nodiscard]] std::optional<Phase> ParsePhase(std::string_view text);

struct Progress {
  Phase phase = Phase::kDetecting;
  uint64_t bytes_done = 0;
  std::optional<uint64_t> bytes_total = {};  // unknown until a size is known
  std::optional<int64_t> eta_seconds = {};   // unknown until a rate is known
  std::string message = {};
  friend bool operator==(const Progress&, const Progress&) = default;
};

// {"phase": "Downloading", "bytesDone": 1, "bytesTotal": 2, "etaSeconds": 3, "message": "...",
//  "updateTime": "2026-01-01T00:00:00Z"}; unknown values are left out. updateTime is not part of
// Progress and is ignored by ProgressFromJson.
[[nodiscard]] nlohmann::json ProgressToJson(const Progress& progress);
// Throws gpuext::Error(kInvalidArgument) when the object is not a progress record.
[[nodiscard]] Progress ProgressFromJson(const nlohmann::json& json);

// Writes the status file. Safe for concurrent use (writes are serialised; the last one wins).
class StatusWriter {
 public:
  // `path` is usually HostPaths::StatusFile(); its directory is created on the first write.
  StatusWriter(std::filesystem::path path, Clock& clock) : path_(std::move(path)), clock_(clock) {}

  // Replaces the file atomically (temp file, fsync, rename; mode 0644) with `progress` and the
  // clock's time as updateTime. Throws gpuext::Error naming the path on failure; the previous
  // file stays intact then.
  void Write(const Progress& progress);

  // The last progress written by this writer, nullopt before the first Write.
  [[nodiscard]] std::optional<Progress> Last() const;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  const std::filesystem::path path_;
  Clock& clock_;
  mutable std::mutex mu_;  // guards last_ and orders the file replacements
  std::optional<Progress> last_;
};

// Reads a status file; nullopt when absent. Throws gpuext::Error when it is not valid.
[[nodiscard]] std::optional<Progress> ReadStatusFile(const std::filesystem::path& path);

// Transfer rate over a moving window of byte-count samples taken at Clock::SteadyNow(). A
// resumed download starts at its offset: only bytes moved inside the window count. A count that
// goes backwards (the download restarted) clears the window. Confined to one thread.
class RateEstimator {
 public:
  explicit RateEstimator(Clock& clock, std::chrono::seconds window = std::chrono::seconds(10))
      : clock_(clock), window_(window) {}

  // Records that `bytes_done` bytes are done now.
  void Record(uint64_t bytes_done);

  // Bytes per second over the window; nullopt until two samples lie at different times.
  [[nodiscard]] std::optional<double> BytesPerSecond() const;

  // Whole seconds until `bytes_total` at the current rate, rounded up; 0 when done; nullopt
  // while the rate is unknown or zero.
  [[nodiscard]] std::optional<int64_t> EtaSeconds(uint64_t bytes_done, uint64_t bytes_total) const;

 private:
  struct Sample {
    std::chrono::steady_clock::time_point at;
    uint64_t bytes;
  };
  Clock& clock_;
  std::chrono::seconds window_;
  std::deque<Sample> samples_;
};

}  // namespace gpuext::nodeagent
