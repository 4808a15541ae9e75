// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The node agent's state machine (DESIGN.md §13.3–§13.6): one reconcile pass takes a node from
// whatever state it is in (bare, half-installed after a crash, another driver version, the
// desired driver already loaded) to the desired driver, through idempotent steps:
//
//   detect → module type → keys → fast path? → fetch (node-local cache first, then the
//   sources in order) → verify → stage → firmware path → activate → load → device nodes →
//   prune → ready
//
// Every host effect goes through the seams (HostPaths, KernelOps, CommandRunner, Clock,
// BlobStore, NodeReporter), so the whole pass runs in a temporary directory under test. A
// refusal (§13.6: bad signature, digest or vermagic mismatch, unsafe archive, unsigned modules
// under Secure Boot, firmware path conflict, nouveau, mixed GPU generations) ends the pass in
// phase Failed with the refusal's reason; it is decided before anything is staged, so the
// previous driver stays active.
//
//   Agent agent(config, {.host = host, .kernel = &kernel, .runner = &runner, .clock = &clock,
//                        .reporter = &reporter, .sources = {{"server", &store}}});
//   AgentOutcome o = agent.RunOnce(stop);     // one pass
//   agent.Run(stop);                          // the DaemonSet's loop: re-checks every 60 s
//
// Not done here yet (documented in docs/node-agent.md): supervision of the daemons of step 10
// (they are started, daemonizing themselves, and restarted by the next pass when their pid file
// names no live process), the drain of §13.5 around a version change, the build lease/poll of
// step 5 (a cache-server source answers "missing" until its build is done),
// and the split of the privileged steps into the installer container's RPC (§13.1): for now the
// agent runs the install steps in-process.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/gpuruntime/api/agent_config.h"
#include "gpuext/logger.h"
#include "gpuext/nodeagent/artifact/blob_store.h"
#include "gpuext/nodeagent/artifact/http_cache_api.h"
#include "gpuext/nodeagent/artifact/key.h"
#include "gpuext/nodeagent/command_runner.h"
#include "gpuext/nodeagent/host.h"
#include "gpuext/nodeagent/kernel_ops.h"
#include "gpuext/nodeagent/node_reporter.h"
#include "gpuext/nodeagent/status.h"

namespace gpuext::nodeagent {

// The steps of one pass, in order. AgentOptions::after_step is called after each one that ran.
enum class AgentStep {
  kDetect,
  kModuleType,
  kFastPath,
  kFetch,
  kVerify,
  kStage,
  kFirmwarePath,
  kActivate,
  kLoadModules,
  kDeviceNodes,
  kDaemons,
  kPrune,
  kReady,
};
// "Detect", "ModuleType", "FastPath", "Fetch", ...
[[nodiscard]] std::string_view ToString(AgentStep step);
inline constexpr AgentStep kAllAgentSteps[] = {
    AgentStep::kDetect,       AgentStep::kModuleType, AgentStep::kFastPath,
    AgentStep::kFetch,        AgentStep::kVerify,     AgentStep::kStage,
    AgentStep::kFirmwarePath, AgentStep::kActivate,   AgentStep::kLoadModules,
    AgentStep::kDeviceNodes,  AgentStep::kPrune,      AgentStep::kReady,
};

// Condition reasons besides the phase names and artifact::RefusalReason's names.
inline constexpr std::string_view kReasonDriverLoaded = "DriverLoaded";
inline constexpr std::string_view kReasonNoGpu = "NoGPU";
inline constexpr std::string_view kReasonArtifactMissing = "ArtifactMissing";
inline constexpr std::string_view kReasonFirmwarePathConflict = "FirmwarePathConflict";
inline constexpr std::string_view kReasonNouveauLoaded = "NouveauLoaded";
inline constexpr std::string_view kReasonDriverInUse = "DriverInUse";
inline constexpr std::string_view kReasonDriverRootConflict = "DriverRootConflict";
inline constexpr std::string_view kReasonInvalidManifest = "InvalidManifest";
inline constexpr std::string_view kReasonArtifactTooLarge = "ArtifactTooLarge";
inline constexpr std::string_view kReasonUninstalled = "Uninstalled";
// Appended to every reason under --kernel-backend=simulated (§13.2).
inline constexpr std::string_view kSimulatedReasonSuffix = "Simulated";

// Where one pass ended.
struct AgentOutcome {
  Phase phase = Phase::kDetecting;
  std::string reason = {};   // the condition reason (without the Simulated suffix)
  std::string message = {};  // for humans
  bool fast_path = false;    // the desired driver was loaded already
  // Where the artifacts came from: "local" (the node-local cache) or a source's name; empty
  // when nothing was fetched.
  std::string source = {};
  // When the next pass is due (Run's loop): 60 s when ready or idle, 5 min for a missing
  // artifact, 30 min after a refusal (§13.6), 60 s after an error, 2 s growing to 30 s (with
  // jitter) while the cache server builds a part, the server's retryAfter after a failed build.
  std::chrono::seconds retry_after = std::chrono::seconds(60);
};

// POST /v1/leases on the cache server (§13.3 step 5, §14.3): asks it to build a missing part.
// Throws gpuext::Error when the server cannot be asked.
using BuildLeaseFunc = std::function<artifact::CacheLeaseAnswer(
    const artifact::ArtifactKey& key, const artifact::LeaseRequester& requester)>;

// One artifact source (§8.5 cache.sources), tried in order after the node-local cache.
struct AgentSource {
  std::string name = {};                 // for messages: "server https://...", "filesystem /x"
  artifact::BlobStore* store = nullptr;  // borrowed; must outlive the agent
  // Set for the in-cluster cache server only: a part that no source holds is requested from
  // the first source that has it (phase WaitingForBuild while it builds). Read-only sources
  // (S3, filesystem) leave it empty: their miss is ArtifactMissing.
  BuildLeaseFunc request_build = {};
};

// The seams. Every pointer is borrowed, required, and must outlive the agent.
struct AgentEnv {
  HostPaths host = {};
  KernelOps* kernel = nullptr;
  CommandRunner* runner = nullptr;
  Clock* clock = nullptr;
  NodeReporter* reporter = nullptr;
  std::vector<AgentSource> sources = {};
};

struct AgentOptions {
  // Downloads and verification happen here (the pod's emptyDir /scratch); empty means
  // StateDir()/scratch. Cleared at the start of every pass.
  std::filesystem::path scratch_dir = {};
  // --kernel-backend=simulated: reasons get the suffix "Simulated", messages say SIMULATED.
  bool simulated = false;
  // Runs depmod and ldconfig on a staged tree through the CommandRunner (§13.3 step 7), and
  // unless `simulated` also the daemons (step 10) and `nvidia-smi -L` as the final probe (step
  // 11). Off for the SIMULATED backend in the binary.
  bool run_host_tools = true;
  // Crash-safety test hook: called after each step that ran. An exception it throws leaves
  // RunOnce unchanged, as a kill -9 would: no status, no report, whatever the step wrote stays.
  std::function<void(AgentStep)> after_step = {};
  // Run's loop: how often it wakes up (heartbeat) and re-checks a ready node.
  std::chrono::seconds recheck_interval = std::chrono::seconds(60);
  std::chrono::seconds artifact_missing_retry = std::chrono::minutes(5);
  std::chrono::seconds refusal_retry = std::chrono::minutes(30);
  // While the cache server builds: the first re-check, doubled per pass up to the cap, each
  // spread by up to ±20% so many nodes do not poll in step.
  std::chrono::seconds build_wait_first = std::chrono::seconds(2);
  std::chrono::seconds build_wait_max = std::chrono::seconds(30);
  // Who asks for builds (the lease requester): this node's name; the pool, kernel release and
  // OS version come from the configuration and detection.
  std::string node_name = {};
  // A part whose manifest declares more blob bytes than this is refused before any download
  // (ArtifactTooLarge): a hostile or broken source cannot fill the node's scratch volume. The
  // real userspace part is about 150–350 MB (DESIGN.md §14.1).
  std::int64_t max_artifact_bytes = std::int64_t{4} << 30;
  // Written with the clock's time on every wake-up of Run (`gpu-node-agent probe live`); empty
  // means none.
  std::filesystem::path heartbeat_file = {};
  Logger logger = Logger::Root().WithName("agent");
};

// Confined to one thread: RunOnce and Run must not run concurrently.
class Agent {
 public:
  // Throws gpuext::Error(kInvalidArgument) when a required seam is missing, and
  // Error(kConfigurationProblem) when a trusted key cannot be decoded.
  Agent(gpuruntime::api::AgentConfiguration config, AgentEnv env, AgentOptions options = {});
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // One reconcile pass. Every failure becomes an outcome (phase Failed, a reason, the status
  // file and the node report say so); only an exception from after_step, or `stop`, escapes
  // (a stopped pass throws gpuext::Error(kTimeout)).
  AgentOutcome RunOnce(std::stop_token stop);

  // Passes until `stop`: wakes up every recheck_interval, writes the heartbeat, and runs a pass
  // when the previous outcome's retry_after has passed.
  void Run(std::stop_token stop);

  // The outcome of the last pass, nullopt before the first.
  [[nodiscard]] std::optional<AgentOutcome> last_outcome() const { return last_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::optional<AgentOutcome> last_;
};

}  // namespace gpuext::nodeagent
