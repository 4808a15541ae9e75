// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/builder_upload_sink.h"

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::nodeagent {

int BuildPhasePercent(std::string_view phase) {
  struct PhasePercent {
    std::string_view phase;
    int percent;
  };
  static constexpr PhasePercent kPhases[] = {{"headers", 2},  {"fetch", 5},  {"unpack", 10},
                                             {"compile", 15}, {"check", 80}, {"sign", 85},
                                             {"pack", 90},    {"upload", 95}};
  for (const PhasePercent& p : kPhases) {
    if (p.phase == phase) {
      return p.percent;
    }
  }
  return 0;
}

UploadSink::UploadSink(const artifact::UploadClient& client, Clock& clock, std::stop_source& stop,
                       std::chrono::seconds interval)
    : client_(client), clock_(clock), stop_(stop), interval_(interval) {
  heartbeat_ = std::jthread([this](std::stop_token own_stop) {
    // Thread boundary: a failed heartbeat is retried on the next tick; the lease TTL (2 min)
    // covers a few missed beats, and a lost lease is reported by Heartbeat returning false.
    while (clock_.SleepUntil(clock_.SteadyNow() + interval_, own_stop)) {
      try {
        Beat();
      } catch (const std::exception&) {
        // Transport trouble: try again next tick.
      }
    }
  });
}

UploadSink::~UploadSink() { heartbeat_.request_stop(); }

void UploadSink::Beat() {
  std::lock_guard lock(mu_);
  if (lease_lost_) {
    return;
  }
  if (!client_.Heartbeat(phase_, BuildPhasePercent(phase_))) {
    lease_lost_ = true;
    stop_.request_stop();
  }
}

void UploadSink::Progress(std::string_view phase) {
  {
    std::lock_guard lock(mu_);
    phase_ = std::string(phase);
  }
  Beat();
  if (lease_lost()) {
    throw Error(ErrorCode::kConflict,
                "the build's cache lease was lost (expired and taken "
                "over by another build); stopping");
  }
}

bool UploadSink::lease_lost() const {
  std::lock_guard lock(mu_);
  return lease_lost_;
}

void UploadSink::PutBlob(std::string_view digest, const std::filesystem::path& file) {
  std::lock_guard lock(mu_);
  const std::string got = client_.PutBlob(file);
  if (got != digest) {
    throw Error(ErrorCode::kInternal, fmt::format("uploaded blob {} has digest {}, expected {}",
                                                  file.string(), got, digest));
  }
  uploaded_.push_back(got);
}

void UploadSink::Commit(const artifact::ArtifactManifest& manifest) {
  std::lock_guard lock(mu_);
  std::vector<std::string> blobs;
  for (const artifact::BlobRef& blob : manifest.blobs) {
    blobs.push_back(blob.digest);
  }
  (void)client_.Commit({.blobs = std::move(blobs),
                        .files = manifest.files,
                        .vermagic = manifest.vermagic,
                        .builder = manifest.builder});
}

void UploadSink::ReportFailure(const artifact::ArtifactKey& key, const BuildError& error) {
  std::lock_guard lock(mu_);
  client_.ReportFailure(key.Path(),
                        {.reason = std::string(ToString(error.reason())), .message = error.what()});
}

}  // namespace gpuext::nodeagent
