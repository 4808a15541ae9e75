// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// `gpu-node-agent run`: wires the seams (DESIGN.md §13.2) from flags, environment and the
// AgentConfiguration file, and runs the agent loop until SIGTERM. Precedence: flags, then
// environment (NODE_NAME, POD_NAMESPACE), then the configuration file (STYLE.md §14).
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <stop_token>
#include <thread>

#include "commands.h"
#include "flags.h"
#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/kube/signals.h"
#include "gpuext/logger.h"
#include "gpuext/nodeagent/agent.h"
#include "gpuext/nodeagent/artifact/elf_modinfo.h"
#include "gpuext/nodeagent/artifact/http_cache_client.h"
#include "gpuext/nodeagent/config_watch.h"
#include "gpuext/nodeagent/kernel_ops.h"
#include "gpuext/nodeagent/node_reporter.h"
#include "sources.h"

namespace gpuext::nodeagent::cmd {

namespace {

// Where the node-agent chart mounts the projected ServiceAccount token with audience
// gpu-driver-cache (volume cache-token). The chart passes no flag for it, so this default is
// what makes lease requests carry the token in a cluster.
constexpr const char* kRunCacheTokenFile = "/var/run/secrets/gpu-driver-cache/token";

std::string RunEnv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// --no-report: reports go to the log only (local SIMULATED runs without a cluster).
class LogNodeReporter final : public NodeReporter {
 public:
  explicit LogNodeReporter(Logger logger) : logger_(std::move(logger)) {}
  void Report(const DriverReport& r) override {
    logger_.Info("Node report (not sent)", {{"status", ToString(r.status)},
                                            {"reason", r.reason},
                                            {"message", r.message},
                                            {"readyVersion", r.ready_version.value_or("")}});
  }
  void Event(EventKind kind, std::string_view reason, std::string_view message) override {
    logger_.Info("Node event (not sent)",
                 {{"type", kind == EventKind::kWarning ? "Warning" : "Normal"},
                  {"reason", reason},
                  {"message", message}});
  }

 private:
  Logger logger_;
};

std::map<std::string, std::string> RunReadModinfo(const std::filesystem::path& file) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : artifact::ReadModInfo(file).entries) {
    out.emplace(k, v);
  }
  return out;
}

// Runs the agent until SIGTERM (nullopt) or until its configuration file holds a new valid
// configuration (returned; the caller rebuilds the agent with it).
std::optional<ConfigChange> RunUntilConfigChanges(Agent& agent, const std::string& config_path,
                                                  const std::string& config_text,
                                                  std::stop_token shutdown, const Logger& logger) {
  std::stop_source restart;
  std::stop_callback forward(shutdown, [&restart] { restart.request_stop(); });
  std::optional<ConfigChange> change;
  std::jthread watcher([&](std::stop_token stop) {
    change = WatchConfigFile(config_path, config_text, RealClock::Instance(), stop, logger);
    restart.request_stop();
  });
  agent.Run(restart.get_token());
  watcher.request_stop();
  watcher.join();
  if (shutdown.stop_requested()) {
    return std::nullopt;
  }
  return change;
}

}  // namespace

int RunAgentCommand(const std::vector<std::string>& args) {
  const ParsedFlags flags =
      ParseFlags(args,
                 {"config", "kernel-backend", "host-root", "node-name", "kubeconfig", "namespace",
                  "scratch-dir", "heartbeat-file", "cache-token-file", "simulated-kernel-release",
                  "log-format", "once", "no-report", "connect-to"},
                 {"once", "no-report"});
  std::vector<std::string> errors = flags.errors;
  const std::string config_path = flags.Get("config", "/etc/gpu-node-agent/config.yaml");
  const std::string backend = flags.Get("kernel-backend", "real");
  if (backend != "real" && backend != "simulated") {
    errors.push_back("--kernel-backend must be real or simulated, not \"" + backend + "\"");
  }
  const std::string log_format = flags.Get("log-format", "json");
  if (log_format != "json" && log_format != "text") {
    errors.push_back("--log-format must be json or text");
  }
  for (const std::string& entry : flags.GetAll("connect-to")) {
    if (const std::string problem = artifact::ConnectToProblem(entry); !problem.empty()) {
      errors.push_back(problem);
    }
  }
  const bool report = flags.Get("no-report") != "true";
  const std::string node_name = flags.Get("node-name", RunEnv("NODE_NAME"));
  if (report && node_name.empty()) {
    errors.push_back("--node-name is empty and NODE_NAME is not set (fieldRef spec.nodeName)");
  }
  if (!errors.empty()) {
    for (const auto& e : errors) {
      std::cerr << "gpu-node-agent run: " << e << "\n";
    }
    return 2;
  }
  Logger::Configure(log_format == "json" ? LogFormat::kJson : LogFormat::kText, LogLevel::kInfo);
  const Logger logger = Logger::Root().WithName("gpu-node-agent");
  try {
    // Before any thread starts, so every thread inherits the blocked signal mask.
    kube::ShutdownSignals signals;
    const auto text = ReadFileIfExists(config_path);
    if (!text) {
      throw Error(ErrorCode::kConfigurationProblem,
                  config_path + " does not exist; mount the ConfigMap gpu-node-agent-<pool>");
    }
    std::string config_text = *text;
    gpuruntime::api::AgentConfiguration config =
        gpuruntime::api::LoadAgentConfiguration(config_text);
    // The host root and the kernel backend stay for the process's life; everything else of
    // the configuration is applied again when the file changes.
    const HostPaths host{flags.Get("host-root", config.paths.host_root)};
    Clock& clock = RealClock::Instance();
    RealCommandRunner runner;
    std::unique_ptr<KernelOps> kernel;
    if (backend == "simulated") {
      logger.Info("SIMULATED kernel backend: no module reaches the real kernel");
      SimulatedKernelOps::Options options{.read_modinfo = RunReadModinfo};
      if (const std::string release = flags.Get("simulated-kernel-release"); !release.empty()) {
        options.release = release;
      }
      kernel = std::make_unique<SimulatedKernelOps>(host, std::move(options));
    } else {
      kernel = std::make_unique<RealKernelOps>(host, runner);
    }

    std::unique_ptr<kube::HttpClient> client;
    std::unique_ptr<NodeReporter> reporter;
    const SourceSettings settings{.ns = flags.Get("namespace", RunEnv("POD_NAMESPACE")),
                                  .token_file = flags.Get("cache-token-file", kRunCacheTokenFile),
                                  .connect_to = flags.GetAll("connect-to")};
    if (report) {
      client = std::make_unique<kube::HttpClient>(
          kube::LoadConfig(flags.Get("kubeconfig")),
          kube::HttpClientOptions{.component = "gpu-node-agent"});
      reporter = std::make_unique<KubeNodeReporter>(
          *client, KubeNodeReporterOptions{.node_name = node_name}, clock);
    } else {
      reporter = std::make_unique<LogNodeReporter>(logger.WithName("report"));
    }

    while (true) {
      const BuiltSources sources = BuildSources(config, client.get(), settings, clock, logger);
      Agent agent(config,
                  {.host = host,
                   .kernel = kernel.get(),
                   .runner = &runner,
                   .clock = &clock,
                   .reporter = reporter.get(),
                   .sources = sources.sources},
                  {.scratch_dir = flags.Get("scratch-dir"),
                   .simulated = backend == "simulated",
                   .run_host_tools = backend == "real",
                   .node_name = node_name,
                   .heartbeat_file = flags.Get(
                       "heartbeat-file", (host.StatusFile().parent_path() / "heartbeat").string()),
                   .logger = logger.WithName("agent")});
      if (flags.Get("once") == "true") {
        const AgentOutcome o = agent.RunOnce(signals.token());
        std::cout << ToString(o.phase) << " " << o.reason << ": " << o.message << "\n";
        return o.phase == Phase::kReady || o.phase == Phase::kNoGpu ? 0 : 1;
      }
      // kubelet rewrites a ConfigMap volume in place: a new driver version or mode: uninstall
      // reaches the running agent without a restart (the chart has no config checksum).
      std::optional<ConfigChange> change =
          RunUntilConfigChanges(agent, config_path, config_text, signals.token(), logger);
      if (!change) {
        return 0;
      }
      logger.Info("Configuration changed; applying it", {{"config", config_path}});
      config_text = std::move(change->text);
      config = std::move(change->config);
    }
  } catch (const std::exception& e) {
    // Boundary: main (STYLE.md §6).
    logger.Error(e, "gpu-node-agent run failed");
    return 1;
  }
}

}  // namespace gpuext::nodeagent::cmd
