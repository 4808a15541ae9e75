// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/status.h"

#include <array>
#include <cmath>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent {
namespace {

constexpr std::array<std::pair<Phase, std::string_view>, 9> kPhaseNames = {{
    {Phase::kDetecting, "Detecting"},
    {Phase::kDownloading, "Downloading"},
    {Phase::kWaitingForBuild, "WaitingForBuild"},
    {Phase::kVerifying, "Verifying"},
    {Phase::kInstalling, "Installing"},
    {Phase::kReady, "Ready"},
    {Phase::kFailed, "Failed"},
    {Phase::kNoGpu, "NoGPU"},
    {Phase::kUninstalled, "Uninstalled"},
}};

}  // namespace

std::string_view ToString(Phase phase) {
  for (const auto& [p, name] : kPhaseNames) {
    if (p == phase) {
      return name;
    }
  }
  return "Unknown";
}

std::optional<Phase> ParsePhase(std::string_view text) {
  for (const auto& [p, name] : kPhaseNames) {
    if (name == text) {
      return p;
    }
  }
  return std::nullopt;
}

nlohmann::json ProgressToJson(const Progress& progress) {
  nlohmann::json out = {{"phase", ToString(progress.phase)},
                        {"bytesDone", progress.bytes_done},
                        {"message", progress.message}};
  if (progress.bytes_total) {
    out["bytesTotal"] = *progress.bytes_total;
  }
  if (progress.eta_seconds) {
    out["etaSeconds"] = *progress.eta_seconds;
  }
  return out;
}

Progress ProgressFromJson(const nlohmann::json& json) {
  try {
    Progress p;
    const std::string phase = json.at("phase").get<std::string>();
    const std::optional<Phase> parsed = ParsePhase(phase);
    if (!parsed) {
      throw Error(ErrorCode::kInvalidArgument, "unknown phase \"" + phase + "\"");
    }
    p.phase = *parsed;
    p.bytes_done = json.value("bytesDone", uint64_t{0});
    p.message = json.value("message", std::string());
    if (json.contains("bytesTotal")) {
      p.bytes_total = json.at("bytesTotal").get<uint64_t>();
    }
    if (json.contains("etaSeconds")) {
      p.eta_seconds = json.at("etaSeconds").get<int64_t>();
    }
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("status record: ") + e.what());
  }
}

void StatusWriter::Write(const Progress& progress) {
  nlohmann::json doc = ProgressToJson(progress);
  doc["updateTime"] = FormatRfc3339(clock_.Now());
  std::lock_guard lock(mu_);
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  if (ec) {
    throw Error(ErrorCode::kInternal,
                "creating " + path_.parent_path().string() + ": " + ec.message());
  }
  WriteFileAtomically(path_, doc.dump() + "\n", 0644);
  last_ = progress;
}

std::optional<Progress> StatusWriter::Last() const {
  std::lock_guard lock(mu_);
  return last_;
}

std::optional<Progress> ReadStatusFile(const std::filesystem::path& path) {
  const std::optional<std::string> text = ReadFileIfExists(path);
  if (!text) {
    return std::nullopt;
  }
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, path.string() + " is not a JSON object");
  }
  try {
    return ProgressFromJson(doc);
  } catch (const Error&) {
    std::throw_with_nested(Error(ErrorCode::kInvalidArgument, "reading " + path.string()));
  }
}

void RateEstimator::Record(uint64_t bytes_done) {
  const auto now = clock_.SteadyNow();
  if (!samples_.empty() && bytes_done < samples_.back().bytes) {
    samples_.clear();
  }
  samples_.push_back({now, bytes_done});
  // Keep one sample at or before the window's start, so the window is always fully spanned.
  while (samples_.size() > 2 && samples_[1].at <= now - window_) {
    samples_.pop_front();
  }
}

std::optional<double> RateEstimator::BytesPerSecond() const {
  if (samples_.size() < 2) {
    return std::nullopt;
  }
  const Sample& first = samples_.front();
  const Sample& last = samples_.back();
  const std::chrono::duration<double> span = last.at - first.at;
  if (span.count() <= 0) {
    return std::nullopt;
  }
  return static_cast<double>(last.bytes - first.bytes) / span.count();
}

std::optional<int64_t> RateEstimator::EtaSeconds(uint64_t bytes_done, uint64_t bytes_total) const {
  if (bytes_done >= bytes_total) {
    return 0;
  }
  const std::optional<double> rate = BytesPerSecond();
  if (!rate || *rate <= 0) {
    return std::nullopt;
  }
  return static_cast<int64_t>(std::ceil(static_cast<double>(bytes_total - bytes_done) / *rate));
}

}  // namespace gpuext::nodeagent
