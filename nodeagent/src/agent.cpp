// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The reconcile pass of the node agent (DESIGN.md §13.3): the order of the steps, the phases
// they report, and the boundary that turns every failure into an outcome.
#include "gpuext/nodeagent/agent.h"

#include <algorithm>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "agent_impl.h"
#include "gpuext/files.h"
#include "gpuext/gpuruntime/nvidia.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/nodeagent/driver_root.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent {

namespace fs = std::filesystem;

std::string_view ToString(AgentStep step) {
  switch (step) {
    case AgentStep::kDetect:
      return "Detect";
    case AgentStep::kModuleType:
      return "ModuleType";
    case AgentStep::kFastPath:
      return "FastPath";
    case AgentStep::kFetch:
      return "Fetch";
    case AgentStep::kVerify:
      return "Verify";
    case AgentStep::kStage:
      return "Stage";
    case AgentStep::kFirmwarePath:
      return "FirmwarePath";
    case AgentStep::kActivate:
      return "Activate";
    case AgentStep::kLoadModules:
      return "LoadModules";
    case AgentStep::kDeviceNodes:
      return "DeviceNodes";
    case AgentStep::kDaemons:
      return "Daemons";
    case AgentStep::kPrune:
      return "Prune";
    case AgentStep::kReady:
      return "Ready";
  }
  return "Unknown";
}

namespace {

std::vector<artifact::PublicKey> AgentTrustedKeys(const gpuruntime::api::AgentConfiguration& c) {
  std::vector<artifact::PublicKey> keys;
  for (std::size_t i = 0; i < c.cache.trusted_keys.size(); ++i) {
    try {
      keys.push_back(artifact::PublicKey::FromBase64(c.cache.trusted_keys[i].public_key));
    } catch (const std::exception& e) {
      throw Error(ErrorCode::kConfigurationProblem,
                  fmt::format("cache.trustedKeys[{}].publicKey: {}; set the base64 of the "
                              "32-byte ed25519 key the cache signs with",
                              i, e.what()));
    }
  }
  return keys;
}

const AgentEnv& AgentCheckedEnv(const AgentEnv& env) {
  if (env.kernel == nullptr || env.runner == nullptr || env.clock == nullptr ||
      env.reporter == nullptr) {
    throw Error(ErrorCode::kInvalidArgument,
                "Agent needs kernel, runner, clock and reporter seams (AgentEnv)");
  }
  for (const AgentSource& s : env.sources) {
    if (s.store == nullptr) {
      throw Error(ErrorCode::kInvalidArgument, "Agent source \"" + s.name + "\" has no store");
    }
  }
  return env;
}

ConditionStatus AgentConditionStatus(Phase phase) {
  switch (phase) {
    case Phase::kReady:
      return ConditionStatus::kTrue;
    case Phase::kFailed:
    case Phase::kNoGpu:
    case Phase::kUninstalled:
      return ConditionStatus::kFalse;
    default:
      return ConditionStatus::kUnknown;
  }
}

}  // namespace

Agent::Impl::Impl(gpuruntime::api::AgentConfiguration c, AgentEnv e, AgentOptions o)
    : config(std::move(c)),
      env(AgentCheckedEnv(e)),
      options(std::move(o)),
      trusted_keys(AgentTrustedKeys(config)),
      scratch(options.scratch_dir.empty() ? env.host.StateDir() / "scratch" : options.scratch_dir),
      local_cache(env.host, *env.clock),
      status(env.host.StatusFile(), *env.clock),
      rate(*env.clock),
      // Per node, so the nodes waiting for one build do not poll in step.
      jitter(static_cast<std::minstd_rand::result_type>(
          std::hash<std::string>{}(options.node_name + "/" + env.host.root.string()))) {}

Agent::Agent(gpuruntime::api::AgentConfiguration config, AgentEnv env, AgentOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(env), std::move(options))) {}

Agent::~Agent() = default;

std::string Agent::Impl::Reason(std::string_view reason) const {
  return std::string(reason) + (options.simulated ? std::string(kSimulatedReasonSuffix) : "");
}

void Agent::Impl::AfterStep(AgentStep step) {
  if (options.after_step) {
    try {
      options.after_step(step);
    } catch (...) {
      throw AgentHookAbort{std::current_exception()};
    }
  }
  // A failure from here on belongs to the next step (its name makes the reason).
  const auto* it = std::find(std::begin(kAllAgentSteps), std::end(kAllAgentSteps), step);
  if (it != std::end(kAllAgentSteps) && it + 1 != std::end(kAllAgentSteps)) {
    current_step = *(it + 1);
  }
}

// Writes the status file and the in-progress condition (status Unknown, reason = phase).
void Agent::Impl::Progress(Phase phase, const std::string& message, uint64_t done,
                           std::optional<uint64_t> total) {
  nodeagent::Progress p{
      .phase = phase, .bytes_done = done, .bytes_total = total, .message = message};
  if (total) {
    rate.Record(done);
    p.eta_seconds = rate.EtaSeconds(done, *total);
  }
  status.Write(p);
  if (quiet) {
    return;  // a re-check of a ready node: the condition and label stay as they are
  }
  try {
    env.reporter->Report({.phase = phase,
                          .status = ConditionStatus::kUnknown,
                          .reason = Reason(ToString(phase)),
                          .message = message,
                          .ready_version = label_version,
                          .device_labels = label_version ? config.device_labels
                                                         : std::map<std::string, std::string>{}});
    reported_phase = phase;
  } catch (const std::exception& e) {
    options.logger.Error(e, "Cannot report progress to the node");
  }
}

// Writes the final status and report of a pass, and the events of §13.3 step 11 and §13.6.
AgentOutcome Agent::Impl::Finish(AgentOutcome outcome) {
  try {
    status.Write({.phase = outcome.phase, .message = outcome.message});
  } catch (const std::exception& e) {
    options.logger.Error(e, "Cannot write the status file");
  }
  const bool ready = outcome.phase == Phase::kReady;
  label_version = ready ? std::optional(config.driver.version) : std::nullopt;
  DriverReport report{.phase = outcome.phase,
                      .status = AgentConditionStatus(outcome.phase),
                      .reason = Reason(outcome.reason),
                      .message = outcome.message};
  if (ready) {
    report.ready_version = config.driver.version;
    report.device_labels = config.device_labels;
  }
  const bool phase_changed = reported_phase != outcome.phase;
  try {
    env.reporter->Report(report);
    if (ready && phase_changed) {
      env.reporter->Event(EventKind::kNormal, "DriverReady", outcome.message);
    }
    if (outcome.phase == Phase::kFailed && reported_refusal != outcome.reason) {
      env.reporter->Event(EventKind::kWarning, "DriverRefused",
                          Reason(outcome.reason) + ": " + outcome.message);
    }
  } catch (const std::exception& e) {
    options.logger.Error(e, "Cannot report to the node");
  }
  reported_phase = outcome.phase;
  reported_refusal = outcome.phase == Phase::kFailed ? std::optional(outcome.reason) : std::nullopt;
  const LogFields fields = {{"phase", ToString(outcome.phase)},
                            {"reason", outcome.reason},
                            {"fastPath", outcome.fast_path},
                            {"source", outcome.source},
                            {"message", outcome.message}};
  if (outcome.phase == Phase::kFailed) {
    options.logger.Error("Reconcile pass failed", fields);
  } else {
    options.logger.Info("Reconcile pass done", fields);
  }
  return outcome;
}

// On the first pass of a process: the version of a driver that is loaded from the active tree,
// so a restarted agent keeps the readiness label while it prepares another version (§13.5).
std::optional<std::string> Agent::Impl::ServingDriverVersion() const {
  const auto active = ActiveDriverTree(env.host);
  const auto loaded = ReadFileIfExists(env.host.ModuleVersion("nvidia"));
  if (!active || !loaded) {
    return std::nullopt;
  }
  const std::string version = loaded->substr(0, loaded->find_last_not_of(" \n") + 1);
  const auto tree = ParseTreeName(*active);
  if (!tree || tree->driver_version != version) {
    return std::nullopt;
  }
  return version;
}

gpuruntime::ModuleType Agent::Impl::ChooseModuleType(const NodeFacts& facts) const {
  const auto version = gpuruntime::DriverVersion::Parse(config.driver.version);
  if (!version || version->IsBranchOnly()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "driver.version \"" + config.driver.version + "\" is not a full driver version");
  }
  std::vector<gpuruntime::Device> devices;
  for (const auto& gpu : facts.gpus) {
    devices.push_back({.pci = gpu, .kind = gpuruntime::Device::Kind::kGpu});
  }
  const gpuruntime::ModuleTypeDecision decision =
      gpuruntime::NvidiaVendor().ChooseModuleType(devices, *version, config.driver.module_type);
  if (!decision.ok()) {
    throw AgentRefusal(decision.reason, decision.message);
  }
  return *decision.type;
}

AgentOutcome Agent::Impl::Pass(std::stop_token stop) {
  const HostPaths& host = env.host;
  // §13.4: leftovers of an interrupted pass go first; every step below starts from scratch.
  current_step = AgentStep::kDetect;
  // A ready node's periodic re-check shows nothing on the Node until it finds work to do.
  quiet = reported_phase == Phase::kReady;
  if (!reported_phase) {
    label_version = ServingDriverVersion();
  }
  RecoverDriverTrees(host);
  fs::remove_all(scratch);
  fs::create_directories(scratch);

  Progress(Phase::kDetecting, "detecting GPUs and the kernel");
  const NodeFacts facts = Detect(host, *env.kernel);
  require_signed_modules = facts.RequiresSignedModules();
  AfterStep(AgentStep::kDetect);
  if (!facts.HasGpu()) {
    return {.phase = Phase::kNoGpu,
            .reason = std::string(kReasonNoGpu),
            .message = "no NVIDIA GPU on the PCI bus; the agent idles"};
  }
  if (config.mode == gpuruntime::api::AgentMode::kUninstall) {
    return Uninstall(facts, stop);
  }

  const gpuruntime::ModuleType type = ChooseModuleType(facts);
  const KernelPartKey kernel_key = MakeKernelPartKey(config.driver.version, facts, type);
  const UserspacePartKey user_key = MakeUserspacePartKey(config.driver.version, facts);
  const artifact::ArtifactKey kernel_artifact = artifact::KernelKey(
      kernel_key.driver_version, kernel_key.kernel_release, type, kernel_key.arch);
  const artifact::ArtifactKey user_artifact =
      artifact::UserspaceKey(user_key.driver_version, user_key.arch);
  const std::string tree_name = kernel_key.TreeName();
  lease_requester = {.node = options.node_name,
                     .pool = config.pool,
                     .kernel_release = facts.kernel_release,
                     .os_version = facts.os.gardenlinux_version.empty()
                                       ? facts.os.version_id
                                       : facts.os.gardenlinux_version};
  AfterStep(AgentStep::kModuleType);

  const FastPath fast = DecideFastPath(host, facts, kernel_key, [&](const fs::path& tree) {
    return TreeIsVerified(tree, kernel_artifact, user_artifact);
  });
  AfterStep(AgentStep::kFastPath);
  std::string source;
  if (!fast.take) {
    quiet = false;
    options.logger.Info("Installing the driver", {{"tree", tree_name}, {"why", fast.reason}});
    const AgentFetchedPart kernel_part = FetchPart(kernel_artifact, stop);
    const AgentFetchedPart user_part = FetchPart(user_artifact, stop);
    source = kernel_part.source == user_part.source ? kernel_part.source
                                                    : kernel_part.source + ", " + user_part.source;
    AfterStep(AgentStep::kVerify);

    Progress(Phase::kInstalling, "staging driver tree " + tree_name);
    const fs::path merged = scratch / "merged";
    const auto files = MergeParts(kernel_part, user_part, merged);
    const fs::path tree = StageDriverTree(host, merged, files, tree_name);
    if (options.run_host_tools) {
      RunHostTools(tree, kernel_key.kernel_release, stop);
    }
    AfterStep(AgentStep::kStage);

    if (SetFirmwareSearchPath(host) == FirmwarePathOutcome::kConflict) {
      throw AgentRefusal(
          std::string(kReasonFirmwarePathConflict),
          host.FirmwareClassPath().string() + " is set by someone else (\"" +
              ReadFileIfExists(host.FirmwareClassPath()).value_or("") +
              "\"); the GSP firmware must come from /run/nvidia/driver/lib/firmware: remove the "
              "other setting (kernel command line firmware_class.path or a boot script)");
    }
    AfterStep(AgentStep::kFirmwarePath);

    // From here the driver the readiness label names may go away (§13.5): the label goes first.
    label_version.reset();
    Progress(Phase::kInstalling, "activating driver tree " + tree_name);
    RemoveNouveau(facts, stop);
    UnloadOtherDriver(facts, stop);
    std::optional<std::string> previous;
    try {
      previous = ActivateDriverTree(host, tree_name);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kConflict) {
        throw;
      }
      throw AgentRefusal(std::string(kReasonDriverRootConflict), e.what());
    }
    if (previous && *previous != tree_name) {
      WriteFileAtomically(host.StateDir() / "previous-tree", *previous + "\n", 0644);
    }
    AfterStep(AgentStep::kActivate);
  } else {
    options.logger.Info("Fast path", {{"tree", tree_name}, {"why", fast.reason}});
    Progress(Phase::kInstalling, "driver " + config.driver.version + " is loaded; checking");
  }

  // Idempotent: after a crash between two modules the fast path still loads the rest.
  LoadModules(kernel_key.kernel_release, stop);
  AfterStep(AgentStep::kLoadModules);
  MakeDeviceNodes();
  AfterStep(AgentStep::kDeviceNodes);
  if (options.run_host_tools && !options.simulated) {
    StartDaemons(facts, stop);
  }
  AfterStep(AgentStep::kDaemons);
  const std::optional<std::string> previous = ReadFileIfExists(host.StateDir() / "previous-tree");
  Prune(tree_name,
        previous
            ? std::optional(std::string(previous->substr(0, previous->find_last_not_of('\n') + 1)))
            : std::nullopt);
  AfterStep(AgentStep::kPrune);
  if (options.run_host_tools && !options.simulated) {
    ProbeDriver(stop);
  }
  AfterStep(AgentStep::kReady);
  return {.phase = Phase::kReady,
          .reason = std::string(kReasonDriverLoaded),
          .message = fmt::format("{}driver {} ({} modules) loaded{}",
                                 options.simulated ? "SIMULATED " : "", config.driver.version,
                                 gpuruntime::ToString(type),
                                 source.empty() ? " (already loaded)" : " from " + source),
          .fast_path = fast.take,
          .source = source};
}

AgentOutcome Agent::RunOnce(std::stop_token stop) {
  Impl& impl = *impl_;
  AgentOutcome outcome;
  try {
    outcome = impl.Pass(stop);
  } catch (const AgentHookAbort& abort) {
    std::rethrow_exception(abort.inner);  // a simulated crash: nothing more is written
  } catch (const AgentRefusal& refusal) {
    outcome = {.phase = Phase::kFailed,
               .reason = refusal.reason(),
               .message = refusal.what(),
               .retry_after = impl.options.refusal_retry};
  } catch (const AgentWaitingForBuild& waiting) {
    outcome = {.phase = Phase::kWaitingForBuild,
               .reason = std::string(ToString(Phase::kWaitingForBuild)),
               .message = waiting.what(),
               .retry_after = impl.BuildWaitRetry()};
  } catch (const AgentBuildFailed& failed) {
    outcome = {.phase = Phase::kFailed,
               .reason = failed.reason(),
               .message = failed.what(),
               .retry_after = failed.retry_after()};
  } catch (const AgentArtifactMissing& missing) {
    outcome = {.phase = Phase::kFailed,
               .reason = std::string(kReasonArtifactMissing),
               .message = missing.what(),
               .retry_after = impl.options.artifact_missing_retry};
  } catch (const std::exception& e) {
    // Boundary: the agent's step loop (STYLE.md §6).
    if (stop.stop_requested()) {
      throw;
    }
    outcome = {.phase = Phase::kFailed,
               .reason = std::string(ToString(impl.current_step)) + "Failed",
               .message = DescribeException(e),
               .retry_after = impl.options.recheck_interval};
  }
  if (outcome.phase != Phase::kWaitingForBuild) {
    impl.build_waits = 0;  // the next wait starts with the short delay again
  }
  if (outcome.phase == Phase::kReady || outcome.phase == Phase::kNoGpu) {
    outcome.retry_after = impl.options.recheck_interval;
  }
  last_ = impl.Finish(std::move(outcome));
  return *last_;
}

void Agent::Run(std::stop_token stop) {
  Impl& impl = *impl_;
  Clock& clock = *impl.env.clock;
  std::chrono::steady_clock::time_point due = clock.SteadyNow();
  while (!stop.stop_requested()) {
    if (!impl.options.heartbeat_file.empty()) {
      try {
        fs::create_directories(impl.options.heartbeat_file.parent_path());
        WriteFileAtomically(impl.options.heartbeat_file, FormatRfc3339(clock.Now()) + "\n", 0644);
      } catch (const std::exception& e) {
        impl.options.logger.Error(e, "Cannot write the heartbeat file");
      }
    }
    if (clock.SteadyNow() >= due) {
      try {
        const AgentOutcome outcome = RunOnce(stop);
        due = clock.SteadyNow() + outcome.retry_after;
      } catch (const std::exception& e) {
        // Boundary: only a stop or the test hook get here.
        if (stop.stop_requested()) {
          return;
        }
        impl.options.logger.Error(e, "Reconcile pass aborted");
        due = clock.SteadyNow() + impl.options.recheck_interval;
      }
    }
    clock.SleepUntil(std::min(due, clock.SteadyNow() + impl.options.recheck_interval), stop);
  }
}

}  // namespace gpuext::nodeagent
