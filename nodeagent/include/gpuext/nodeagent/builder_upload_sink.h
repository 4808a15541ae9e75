// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// UploadSink: publishes a build to the gpu-driver-cache through its upload API (DESIGN.md §14.3,
// §14.5 step 6) and keeps the build's lease alive: a heartbeat every `interval` (30 s) and on
// every phase change. When the cache answers that the lease is gone, the sink requests `stop`,
// which ends the build (make is killed through the CommandRunner's stop token).
//
//   std::stop_source stop;
//   artifact::UploadClient client({.upload_url = url, .token = token});
//   UploadSink sink(client, clock, stop);
//   builder.BuildAndPublish(request, sink, stop.get_token());

#include <chrono>
#include <filesystem>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/nodeagent/artifact/http_cache_upload.h"
#include "gpuext/nodeagent/builder_error.h"
#include "gpuext/nodeagent/builder_sink.h"

namespace gpuext::nodeagent {

// Progress runs on the build's thread, the heartbeat on the sink's own thread; the client calls
// are serialised by mu_. `client`, `clock` and `stop` must outlive the sink.
class UploadSink final : public ArtifactSink {
 public:
  UploadSink(const artifact::UploadClient& client, Clock& clock, std::stop_source& stop,
             std::chrono::seconds interval = std::chrono::seconds(30));
  ~UploadSink() override;
  UploadSink(const UploadSink&) = delete;
  UploadSink& operator=(const UploadSink&) = delete;

  void Progress(std::string_view phase) override;
  // Uploads the file and checks the server computed the same digest.
  void PutBlob(std::string_view digest, const std::filesystem::path& file) override;
  // Commits with the manifest's files, vermagic and builder info; the server signs.
  void Commit(const artifact::ArtifactManifest& manifest) override;

  // Tells the cache the build failed (reason and log tail), which ends the lease.
  void ReportFailure(const artifact::ArtifactKey& key, const BuildError& error);

  [[nodiscard]] bool lease_lost() const;

 private:
  void Beat();

  const artifact::UploadClient& client_;
  Clock& clock_;
  std::stop_source& stop_;
  std::chrono::seconds interval_;
  mutable std::mutex mu_;  // guards phase_, lease_lost_, uploaded_ and the client calls
  std::string phase_ = "start";
  bool lease_lost_ = false;
  std::vector<std::string> uploaded_;
  std::jthread heartbeat_;  // last member: started after, stopped before the others
};

// The progress percentage §14.3's "held" answer shows for a builder phase.
[[nodiscard]] int BuildPhasePercent(std::string_view phase);

}  // namespace gpuext::nodeagent
