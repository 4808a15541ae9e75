// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The command line of gpu-admission, the garden Shoot webhook (DESIGN.md §9), bound to one
// struct and validated with every problem reported at once (an operator fixing the Deployment
// sees all of them in one crash-loop).

#include <string>
#include <vector>

#include "gpuext/flag_set.h"

namespace gpuext::admission {

struct Options {
  std::string kubeconfig = "";  // empty: KUBECONFIG, in-cluster, ~/.kube/config (as kubectl)
  std::string listen = "0.0.0.0";
  int port = 10250;  // 0 picks a free port (printed in the "Serving" log line)
  std::string cert_dir = "/tmp/gpu-admission-webhook-certs";
  std::string cert_mode = "generate";  // generate | external
  bool register_webhooks = false;
  std::string webhook_config_mode = "service";  // service | url
  std::string webhook_config_url = "";          // url mode: host[:port] the apiserver dials
  std::string webhook_config_namespace = "";    // service mode: the Service's namespace
  std::string webhook_config_service_name = "gardener-extension-gpu-admission";
  int webhook_config_service_port = 443;
  std::vector<std::string> supported_images = {};  // empty after parsing: {"gardenlinux"}
  int cache_sync_timeout_seconds = 60;
  std::string log_format = "json";  // json | text
  std::string log_level = "info";   // debug | info | error
};

// Registers every flag of `options`; `options` must outlive `flags`.
void AddFlags(FlagSet& flags, Options& options);

// Every problem of the values as "--flag: invalid value "v": what is wrong and how to fix it".
// Fills defaults that depend on other flags (supported_images).
[[nodiscard]] std::vector<std::string> ValidateOptions(Options& options);

// The host part of --webhook-config-url ("10.0.0.1:8443" → "10.0.0.1", "[::1]:443" → "::1").
[[nodiscard]] std::string UrlHost(const std::string& host_port);

}  // namespace gpuext::admission
