// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/extension_options.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace gpuext::gardener {

namespace {

bool IsPort(int port) { return port >= 1 && port <= 65535; }

// host:port or :port, as Go's net.Listen takes it.
bool IsBindAddress(const std::string& address) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) {
    return false;
  }
  const std::string port = address.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) {
    return false;
  }
  return std::stoi(port) <= 65535;
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// DNS-1123 subdomain: what Kubernetes accepts as a Lease or namespace name.
bool IsDnsSubdomain(const std::string& name) {
  if (name.empty() || name.size() > 253) {
    return false;
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string label = name.substr(start, dot - start);
    if (label.empty() || !IsAlnum(label.front()) || !IsAlnum(label.back()) ||
        label.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      return false;
    }
    start = dot + 1;
  }
  return true;
}

// v?MAJOR.MINOR.PATCH with an optional -pre-release/+build suffix.
bool IsSemver(const std::string& version) {
  std::string rest = version.rfind('v', 0) == 0 ? version.substr(1) : version;
  rest = rest.substr(0, rest.find_first_of("-+"));
  int parts = 0;
  std::size_t start = 0;
  while (start <= rest.size()) {
    const std::size_t dot = std::min(rest.find('.', start), rest.size());
    const std::string number = rest.substr(start, dot - start);
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    ++parts;
    start = dot + 1;
  }
  return parts == 3;
}

}  // namespace

void AddExtensionFlags(FlagSet& flags, ExtensionOptions& o) {
  flags.String("kubeconfig", &o.kubeconfig, "path to a kubeconfig (default: in-cluster)");
  flags.String("config", &o.config_file,
               "path to the component configuration (ControllerConfiguration YAML); required");
  flags.Bool("leader-election", &o.leader_election, "run only while holding the leader Lease");
  flags.String("leader-election-id", &o.leader_election_id, "name of the leader-election Lease");
  flags.String("leader-election-namespace", &o.leader_election_namespace,
               "namespace of the leader-election Lease (default: the pod's)");
  flags.Int("max-concurrent-reconciles", &o.max_concurrent_reconciles,
            "reconciles of one controller running at once");
  flags.Int("kube-api-qps", &o.kube_api_qps,
            "requests per second to the seed's API server, averaged (0: no client-side limit)");
  flags.Int("kube-api-burst", &o.kube_api_burst,
            "requests to the seed's API server allowed at once above kube-api-qps");
  flags.Bool("ignore-operation-annotation", &o.ignore_operation_annotation,
             "reconcile on spec changes instead of on gardenlet's operation annotation");
  flags.String("heartbeat-namespace", &o.heartbeat_namespace,
               "namespace of the gardener-extension-heartbeat Lease (default: the pod's)");
  flags.Int("heartbeat-renew-interval-seconds", &o.heartbeat_renew_interval_seconds,
            "how often the heartbeat Lease is renewed");
  flags.String("webhook-config-mode", &o.webhook_config_mode,
               "how the seed reaches the webhook: service or url");
  flags.String("webhook-config-url", &o.webhook_config_url,
               "host[:port] the seed calls in url mode");
  flags.String("webhook-config-namespace", &o.webhook_config_namespace,
               "namespace of the webhook Service in service mode");
  flags.Int("webhook-config-service-port", &o.webhook_config_service_port,
            "port of the webhook Service");
  flags.Int("webhook-config-server-port", &o.webhook_config_server_port,
            "port the webhook server listens on");
  flags.String("webhook-config-cert-dir", &o.webhook_config_cert_dir,
               "directory for the webhook's generated CA and serving certificate");
  flags.String("gardener-version", &o.gardener_version, "version of the Gardener deploying us");
  flags.String("metrics-bind-address", &o.metrics_bind_address, "address of /metrics");
  flags.String("health-bind-address", &o.health_bind_address, "address of /healthz and /readyz");
  flags.String("log-level", &o.log_level, "debug, info or error");
  flags.String("log-format", &o.log_format, "json or text");
  flags.StringList("disable-controllers", &o.disable_controllers,
                   "comma list of controllers not to run (repeatable)");
  flags.StringList("disable-webhooks", &o.disable_webhooks,
                   "comma list of webhooks not to serve or register (repeatable)");
}

std::vector<std::string> DisabledNames(const std::vector<std::string>& values) {
  std::vector<std::string> names;
  for (const std::string& value : values) {
    std::size_t start = 0;
    while (start <= value.size()) {
      const std::size_t comma = std::min(value.find(',', start), value.size());
      std::string name = value.substr(start, comma - start);
      const std::size_t first = name.find_first_not_of(" \t");
      if (first != std::string::npos) {
        name = name.substr(first, name.find_last_not_of(" \t") - first + 1);
        names.push_back(std::move(name));
      }
      start = comma + 1;
    }
  }
  return names;
}

std::vector<std::string> ValidateDisabledNames(const ExtensionOptions& o,
                                               const std::vector<std::string>& controllers,
                                               const std::vector<std::string>& webhooks) {
  std::vector<std::string> errors;
  for (const auto& [flag, given, known] :
       {std::tuple{"disable-controllers", &o.disable_controllers, &controllers},
        std::tuple{"disable-webhooks", &o.disable_webhooks, &webhooks}}) {
    std::string choices;
    for (const std::string& name : *known) {
      choices += (choices.empty() ? "\"" : ", \"") + name + "\"";
    }
    for (const std::string& name : DisabledNames(*given)) {
      if (std::find(known->begin(), known->end(), name) == known->end()) {
        errors.push_back(InvalidFlagValue(flag, name, "supported values: " + choices));
      }
    }
  }
  return errors;
}

std::vector<std::string> ValidateExtensionOptions(const ExtensionOptions& o) {
  std::vector<std::string> errors;
  if (o.config_file.empty()) {
    errors.push_back(
        "--config: required: the path of the ControllerConfiguration file, e.g. "
        "--config=/etc/gardener-extension-gpu/config.yaml");
  }
  if (o.max_concurrent_reconciles < 1) {
    errors.push_back(InvalidFlagValue("max-concurrent-reconciles",
                                      std::to_string(o.max_concurrent_reconciles),
                                      "must be at least 1"));
  }
  if (o.kube_api_qps < 0) {
    errors.push_back(InvalidFlagValue("kube-api-qps", std::to_string(o.kube_api_qps),
                                      "must be 0 (no limit) or more"));
  }
  if (o.kube_api_burst < 1) {
    errors.push_back(
        InvalidFlagValue("kube-api-burst", std::to_string(o.kube_api_burst), "must be at least 1"));
  }
  if (o.heartbeat_renew_interval_seconds < 1) {
    errors.push_back(InvalidFlagValue(
        "heartbeat-renew-interval-seconds", std::to_string(o.heartbeat_renew_interval_seconds),
        "must be at least 1 (gardenlet expects a renewal every 30 s)"));
  }
  if (o.leader_election && !IsDnsSubdomain(o.leader_election_id)) {
    errors.push_back(InvalidFlagValue("leader-election-id", o.leader_election_id,
                                      "must be a lower-case DNS name (it names a Lease)"));
  }
  for (const auto& [flag, value] :
       {std::pair{"leader-election-namespace", &o.leader_election_namespace},
        std::pair{"heartbeat-namespace", &o.heartbeat_namespace},
        std::pair{"webhook-config-namespace", &o.webhook_config_namespace}}) {
    if (!value->empty() && !IsDnsSubdomain(*value)) {
      errors.push_back(
          InvalidFlagValue(flag, *value, "must be a namespace name (lower-case DNS label)"));
    }
  }
  if (o.webhook_config_mode != "service" && o.webhook_config_mode != "url") {
    errors.push_back(InvalidFlagValue("webhook-config-mode", o.webhook_config_mode,
                                      "supported values: \"service\", \"url\""));
  } else if (o.webhook_config_mode == "url" && o.webhook_config_url.empty()) {
    errors.push_back(
        "--webhook-config-url: required in url mode: the host[:port] the seed's "
        "API server reaches this webhook at");
  }
  if (o.webhook_config_url.find("://") != std::string::npos) {
    errors.push_back(InvalidFlagValue("webhook-config-url", o.webhook_config_url,
                                      "give host[:port] without a scheme (https is always used)"));
  }
  for (const auto& [flag, port] :
       {std::pair{"webhook-config-service-port", o.webhook_config_service_port},
        std::pair{"webhook-config-server-port", o.webhook_config_server_port}}) {
    if (!IsPort(port)) {
      errors.push_back(
          InvalidFlagValue(flag, std::to_string(port), "must be a port between 1 and 65535"));
    }
  }
  if (o.webhook_config_cert_dir.empty()) {
    errors.push_back("--webhook-config-cert-dir: must not be empty");
  }
  if (!o.gardener_version.empty() && !IsSemver(o.gardener_version)) {
    errors.push_back(InvalidFlagValue("gardener-version", o.gardener_version,
                                      "must be a semantic version such as v1.120.0"));
  }
  for (const auto& [flag, address] : {std::pair{"metrics-bind-address", &o.metrics_bind_address},
                                      std::pair{"health-bind-address", &o.health_bind_address}}) {
    if (!IsBindAddress(*address)) {
      errors.push_back(InvalidFlagValue(flag, *address, "want host:port or :port"));
    }
  }
  if (o.metrics_bind_address == o.health_bind_address) {
    errors.push_back(InvalidFlagValue("health-bind-address", o.health_bind_address,
                                      "must differ from --metrics-bind-address"));
  }
  if (o.log_level != "debug" && o.log_level != "info" && o.log_level != "error") {
    errors.push_back(InvalidFlagValue("log-level", o.log_level,
                                      "supported values: \"debug\", \"info\", \"error\""));
  }
  if (o.log_format != "json" && o.log_format != "text") {
    errors.push_back(
        InvalidFlagValue("log-format", o.log_format, "supported values: \"json\", \"text\""));
  }
  return errors;
}

}  // namespace gpuext::gardener
