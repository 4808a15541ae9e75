// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The command line every Gardener extension binary takes (the flags of Gardener's
// extensions/pkg/controller/cmd and webhook/cmd), bound to one struct and validated with all
// problems reported at once, so an operator fixing a ControllerDeployment sees everything in
// one crash-loop instead of one error per restart.
//
//   ExtensionOptions options;
//   FlagSet flags("gardener-extension-gpu");
//   AddExtensionFlags(flags, options);
//   auto errors = flags.Parse(argc, argv);
//   for (auto& e : ValidateExtensionOptions(options)) errors.push_back(e);

#include <cstdint>
#include <string>
#include <vector>

#include "gpuext/flag_set.h"

namespace gpuext::gardener {

struct ExtensionOptions {
  std::string kubeconfig = "";   // empty: KUBECONFIG or in-cluster
  std::string config_file = "";  // --config: the component configuration (required)

  bool leader_election = true;
  std::string leader_election_id = "gardener-extension-gpu-leader-election";
  std::string leader_election_namespace = "";  // empty: $LEADER_ELECTION_NAMESPACE, the pod's

  int max_concurrent_reconciles = 5;
  // Client-side throttling of the seed client (client-go's QPS/burst; 0 = none).
  int kube_api_qps = 20;
  int kube_api_burst = 30;
  bool ignore_operation_annotation = false;

  std::string heartbeat_namespace = "";  // empty: the pod's namespace
  int heartbeat_renew_interval_seconds = 30;

  // Webhook registration (Gardener's --webhook-config-*).
  std::string webhook_config_mode = "service";  // service | url
  std::string webhook_config_url = "";          // mode url: host[:port] the seed reaches us at
  std::string webhook_config_namespace = "";    // the extension's namespace (service mode)
  int webhook_config_service_port = 443;
  int webhook_config_server_port = 10250;
  std::string webhook_config_cert_dir = "/var/run/gardener-extension-gpu/certs";

  std::string gardener_version = "";  // set by gardenlet in the ControllerDeployment values

  std::string metrics_bind_address = ":8080";
  std::string health_bind_address = ":8081";
  std::string log_level = "info";   // debug | info | error
  std::string log_format = "json";  // json | text

  // --disable-controllers / --disable-webhooks as given: comma lists, each flag repeatable.
  // Which names exist is the binary's business (ValidateDisabledNames); DisabledNames splits.
  std::vector<std::string> disable_controllers = {};
  std::vector<std::string> disable_webhooks = {};
};

// Registers every flag of `options` (names as Gardener's and DESIGN.md §8.4's: --config,
// --disable-controllers, --disable-webhooks, --max-concurrent-reconciles,
// --ignore-operation-annotation, --heartbeat-namespace, --heartbeat-renew-interval-seconds,
// --leader-election-id, --webhook-config-mode, ..., --gardener-version, --metrics-bind-address,
// --health-bind-address). `options` must outlive `flags`.
void AddExtensionFlags(FlagSet& flags, ExtensionOptions& options);

// Every problem of the values as "--flag: invalid value "v": what is wrong and how to fix it".
// --config is required: a binary without its component configuration has nothing to run with.
[[nodiscard]] std::vector<std::string> ValidateExtensionOptions(const ExtensionOptions& options);

// The names of a comma-list flag given once or several times ("a,b" "c" → a, b, c), with
// blanks around names and empty entries dropped.
[[nodiscard]] std::vector<std::string> DisabledNames(const std::vector<std::string>& values);

// One error per name in --disable-controllers / --disable-webhooks the binary does not have,
// listing the names it does have.
[[nodiscard]] std::vector<std::string> ValidateDisabledNames(
    const ExtensionOptions& options, const std::vector<std::string>& controllers,
    const std::vector<std::string>& webhooks);

}  // namespace gpuext::gardener
