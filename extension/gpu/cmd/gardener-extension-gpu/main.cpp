// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// gardener-extension-gpu: the seed controllers and the OSC webhook (DESIGN.md §8.4, §10, §12;
// docs/install.md "Running gardener-extension-gpu").
//
//   gardener-extension-gpu --config=/etc/gardener-extension-gpu/config.yaml
//                          [--kubeconfig=seed.kubeconfig] [--disable-controllers=healthcheck]...
//
// Exit 2 for bad flags or a bad --config file (every problem listed), 1 for a failed start or a
// manager that failed or lost its leadership, 0 after SIGTERM/SIGINT.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include "controllers.h"
#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/gpu/shoot_charts.h"
#include "gpuext/kube/client_metrics.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/kube/manager.h"
#include "gpuext/kube/signals.h"
#include "gpuext/logger.h"
#include "health_controllers.h"
#include "metrics_server.h"
#include "options.h"
#include "osc_webhook.h"

namespace {

namespace cmd = gpuext::gpu::cmd;
using gpuext::gardener::ExtensionOptions;
using gpuext::gpuruntime::api::ControllerConfiguration;

// Thrown for a --config file we refuse: main exits 2 as for bad flags.
struct ConfigRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

ControllerConfiguration LoadComponentConfiguration(const std::string& path) {
  const std::optional<std::string> text = gpuext::ReadFileIfExists(path);
  if (!text) {
    throw ConfigRefused("--config: " + path +
                        " does not exist; mount the ControllerConfiguration there (the seed "
                        "chart's ConfigMap) or pass its path");
  }
  try {
    return gpuext::gpuruntime::api::LoadControllerConfiguration(*text);
  } catch (const std::exception& e) {
    // The message lists every problem with its field.
    throw ConfigRefused("--config " + path + ": " + e.what());
  }
}

int Run(const ExtensionOptions& options, std::stop_token stop) {
  const gpuext::Logger log = gpuext::Logger::Root().WithName(cmd::kProgram);
  const ControllerConfiguration component = LoadComponentConfiguration(options.config_file);
  log.Info("Component configuration loaded", {{"config", options.config_file}});

  const gpuext::kube::RestConfig seed_config = gpuext::kube::LoadConfig(options.kubeconfig);
  const std::string own_ns = seed_config.ns.empty() ? "default" : seed_config.ns;
  const std::string lease_ns = cmd::NamespaceOrDefault(
      options.leader_election_namespace, std::getenv("LEADER_ELECTION_NAMESPACE"), own_ns);
  const std::string heartbeat_ns =
      cmd::NamespaceOrDefault(options.heartbeat_namespace, nullptr, own_ns);
  const std::string webhook_ns =
      cmd::NamespaceOrDefault(options.webhook_config_namespace, nullptr, own_ns);

  gpuext::kube::metrics::Registry& registry = gpuext::kube::metrics::Registry::Default();
  gpuext::kube::HttpClient seed(seed_config, {.qps = static_cast<double>(options.kube_api_qps),
                                              .burst = options.kube_api_burst,
                                              .component = "controller",
                                              .observer = gpuext::kube::RestClientMetricsObserver(
                                                  registry, seed_config.server)});

  // Everything the manager's controllers and runnables point at is declared before it, so it
  // outlives the manager's shutdown.
  // Events about Extensions and ContainerRuntimes (kubectl describe in the seed).
  gpuext::kube::EventRecorder events(seed, {.component = cmd::kProgram});
  cmd::SeedControllers controllers(component, gpuext::gpu::ShootCharts::Embedded(), seed, events);
  cmd::HealthControllers health(component, seed);
  gpuext::kube::Manager manager(seed, {.bind_address = options.health_bind_address,
                                       .leader_election = options.leader_election,
                                       .leader_election_namespace = lease_ns,
                                       .leader_election_id = options.leader_election_id,
                                       .registry = &registry,
                                       .log = log.WithName("manager")});
  const cmd::MetricsServer metrics(options.metrics_bind_address, registry);
  log.Info("Serving health and metrics",
           {{"health", options.health_bind_address}, {"metrics", options.metrics_bind_address}});

  controllers.AddTo(manager, options, log);
  controllers.AddHeartbeat(manager, options, heartbeat_ns, log);
  if (!cmd::ControllerDisabled(options, cmd::kHealthCheckController)) {
    health.AddTo(manager, log.WithName("healthcheck"));
  } else {
    log.Info("Controller disabled", {{"controller", cmd::kHealthCheckController}});
  }
  if (!cmd::WebhookDisabled(options, cmd::kOscWebhook)) {
    auto webhook = std::make_unique<cmd::OscWebhook>(seed, manager.cache(), component, options,
                                                     webhook_ns, log.WithName("webhook"));
    const cmd::OscWebhook& serving = *webhook;
    manager.AddReadyzCheck("osc-webhook", [&serving] {
      if (!serving.Serving()) {
        throw std::runtime_error("the OSC webhook server is not serving yet");
      }
    });
    manager.Add(std::move(webhook));
  } else {
    log.Info("Webhook disabled", {{"webhook", cmd::kOscWebhook}});
  }

  const gpuext::kube::ManagerResult result = manager.Run(stop);
  log.Info("Manager stopped", {{"result", gpuext::kube::ToString(result)}});
  return gpuext::kube::ExitCode(result);
}

}  // namespace

int main(int argc, char** argv) {
  // First: every thread started later inherits the blocked SIGTERM/SIGINT mask.
  gpuext::kube::ShutdownSignals signals;
  std::signal(SIGPIPE, SIG_IGN);
  ExtensionOptions options;
  std::string usage;
  const std::vector<std::string> errors =
      cmd::ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc), options, &usage);
  if (!errors.empty()) {
    for (const std::string& e : errors) {
      std::cerr << cmd::kProgram << ": " << e << "\n";
    }
    std::cerr << usage;
    return 2;
  }
  gpuext::Logger::Configure(
      options.log_format == "text" ? gpuext::LogFormat::kText : gpuext::LogFormat::kJson,
      options.log_level == "debug"   ? gpuext::LogLevel::kDebug
      : options.log_level == "error" ? gpuext::LogLevel::kError
                                     : gpuext::LogLevel::kInfo);
  try {
    return Run(options, signals.token());
  } catch (const ConfigRefused& e) {
    std::cerr << cmd::kProgram << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    // Boundary of main: the whole chain once.
    std::cerr << cmd::kProgram << ": " << gpuext::DescribeException(e) << "\n";
    return 1;
  }
}
