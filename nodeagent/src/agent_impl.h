// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The agent's private state and step functions, shared by agent.cpp (the pass), agent_fetch.cpp
// (fetch and verify) and agent_install.cpp (stage, activate, load, device nodes, prune).

#include <chrono>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <vector>

#include "gpuext/error.h"
#include "gpuext/gpuruntime/types.h"
#include "gpuext/nodeagent/agent.h"
#include "gpuext/nodeagent/artifact/http_cache_api.h"
#include "gpuext/nodeagent/artifact/key.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/decide.h"
#include "gpuext/nodeagent/detect.h"
#include "gpuext/nodeagent/local_cache.h"
#include "gpuext/nodeagent/status.h"

namespace gpuext::nodeagent {

// A refusal (§13.6): ends the pass in phase Failed with `reason`, before anything is staged.
class AgentRefusal : public Error {
 public:
  AgentRefusal(std::string reason, const std::string& message)
      : Error(ErrorCode::kConfigurationProblem, message), reason_(std::move(reason)) {}
  [[nodiscard]] const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

// No source holds an artifact: phase Failed, reason ArtifactMissing, retried after 5 min.
class AgentArtifactMissing : public Error {
 public:
  explicit AgentArtifactMissing(const std::string& message)
      : Error(ErrorCode::kNotFound, message) {}
};

// The cache server builds a missing part (lease granted or held): phase WaitingForBuild, the
// next pass soon.
class AgentWaitingForBuild : public Error {
 public:
  explicit AgentWaitingForBuild(const std::string& message)
      : Error(ErrorCode::kNotFound, message) {}
};

// The cache server's build of a part failed: phase Failed with the build's reason (e.g.
// CompileError), the next lease request not before the server's retryAfter.
class AgentBuildFailed : public Error {
 public:
  AgentBuildFailed(std::string reason, const std::string& message, std::chrono::seconds retry_after)
      : Error(ErrorCode::kNotFound, message),
        reason_(std::move(reason)),
        retry_after_(retry_after) {}
  [[nodiscard]] const std::string& reason() const { return reason_; }
  [[nodiscard]] std::chrono::seconds retry_after() const { return retry_after_; }

 private:
  std::string reason_;
  std::chrono::seconds retry_after_;
};

// A build failure as the server reported it, kept until its retryAfter (per key path).
struct AgentKnownBuildFailure {
  std::string reason = {};
  std::string message = {};
  std::chrono::system_clock::time_point retry_at = {};
};

// Carries an exception thrown by the after_step hook past the pass's catch blocks.
struct AgentHookAbort {
  std::exception_ptr inner;
};

// A verified part in the scratch directory.
struct AgentFetchedPart {
  artifact::ArtifactManifest manifest = {};
  std::filesystem::path tree = {};
  std::vector<artifact::FileEntry> files = {};
  std::string source = {};
};

struct Agent::Impl {
  gpuruntime::api::AgentConfiguration config;
  AgentEnv env;
  AgentOptions options;
  std::vector<artifact::PublicKey> trusted_keys;
  std::filesystem::path scratch;
  LocalArtifactCache local_cache;
  StatusWriter status;
  RateEstimator rate;
  AgentStep current_step = AgentStep::kDetect;
  // Of this pass: Secure Boot, sig_enforce or lockdown.
  bool require_signed_modules = false;
  // Stat fingerprint (path, size, mtime, inode of every listed file) of the tree the fast path
  // last hashed in full, so the 60 s re-check of an unchanged tree costs no hashing.
  std::string verified_fingerprint;
  std::optional<Phase> reported_phase;  // the phase of the last report (events on changes)
  // The readiness label as last reported: kept by progress reports until activation.
  std::optional<std::string> label_version;
  bool quiet = false;  // this pass re-checks a ready node: progress goes to the status file only
  std::optional<std::string> reported_refusal;  // reason of the last DriverRefused event
  // Step 5's lease requests: who asks (set per pass after detection), how many passes in a row
  // waited for a build (the backoff's exponent), the jitter, and failed builds by key path.
  artifact::LeaseRequester lease_requester;
  int build_waits = 0;
  std::minstd_rand jitter;
  std::map<std::string, AgentKnownBuildFailure> build_failures;

  Impl(gpuruntime::api::AgentConfiguration c, AgentEnv e, AgentOptions o);

  // --- agent.cpp ---
  AgentOutcome Pass(std::stop_token stop);
  void AfterStep(AgentStep step);
  void Progress(Phase phase, const std::string& message, uint64_t done = 0,
                std::optional<uint64_t> total = std::nullopt);
  AgentOutcome Finish(AgentOutcome outcome);
  [[nodiscard]] std::string Reason(std::string_view reason) const;
  gpuruntime::ModuleType ChooseModuleType(const NodeFacts& facts) const;
  [[nodiscard]] std::optional<std::string> ServingDriverVersion() const;
  AgentOutcome Uninstall(const NodeFacts& facts, std::stop_token stop);

  // --- agent_fetch.cpp ---
  // The part from the node-local cache or the first source that has it, verified into the
  // scratch directory. Throws AgentRefusal, AgentArtifactMissing or gpuext::Error.
  AgentFetchedPart FetchPart(const artifact::ArtifactKey& key, std::stop_token stop);
  // Step 5 on a miss from every source: asks the first source with request_build to build
  // `key`. Returns when the part appeared meanwhile ("available"); throws AgentWaitingForBuild,
  // AgentBuildFailed, or AgentArtifactMissing (no such source, or it cannot be asked).
  void RequestBuild(const artifact::ArtifactKey& key, const std::string& label,
                    const std::string& missing_detail);
  // The retry of the next pass while a build runs: build_wait_first doubled per waiting pass,
  // capped at build_wait_max, spread by ±20%.
  std::chrono::seconds BuildWaitRetry();
  // Whether the staged tree holds exactly what the node-local cache's signed manifests of both
  // parts list (the fast path's TreeVerifier).
  [[nodiscard]] bool TreeIsVerified(const std::filesystem::path& tree,
                                    const artifact::ArtifactKey& kernel_key,
                                    const artifact::ArtifactKey& userspace_key);

  // --- agent_install.cpp ---
  // Hard-links both verified parts into one tree; returns its files. Throws on a path both
  // parts claim.
  std::vector<artifact::FileEntry> MergeParts(const AgentFetchedPart& kernel,
                                              const AgentFetchedPart& userspace,
                                              const std::filesystem::path& merged);
  void RunHostTools(const std::filesystem::path& tree, const std::string& kernel_release,
                    std::stop_token stop);
  void RemoveNouveau(const NodeFacts& facts, std::stop_token stop);
  void UnloadOtherDriver(const NodeFacts& facts, std::stop_token stop);
  void UnloadNvidiaModules(const std::string& what, std::stop_token stop);
  void LoadModules(const std::string& kernel_release, std::stop_token stop);
  void MakeDeviceNodes();
  // Starts nvidia-persistenced (when configured) and nv-fabricmanager (NVSwitches present or
  // enabled) unless their pid files name a live process (§13.3 step 10).
  void StartDaemons(const NodeFacts& facts, std::stop_token stop);
  [[nodiscard]] std::vector<std::string> DriverToolEnv();
  void ProbeDriver(std::stop_token stop);
  void Prune(const std::string& active, const std::optional<std::string>& previous);
};

}  // namespace gpuext::nodeagent
