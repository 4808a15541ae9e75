// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The in-cluster config of client-go's rest.InClusterConfig: the ServiceAccount mount plus
// KUBERNETES_SERVICE_HOST/PORT.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/kube/kubeconfig.h"

namespace gpuext::kube {

namespace fs = std::filesystem;

namespace {

std::string EnvOr(const std::optional<std::string>& given, const char* name) {
  if (given) {
    return *given;
  }
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string Trim(std::string s) {
  const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

}  // namespace

bool InCluster(const InClusterOptions& options) {
  std::error_code ec;
  return !EnvOr(options.host, "KUBERNETES_SERVICE_HOST").empty() &&
         fs::exists(options.root / "token", ec);
}

RestConfig InClusterConfig(const InClusterOptions& options) {
  const std::string host = EnvOr(options.host, "KUBERNETES_SERVICE_HOST");
  const std::string port = EnvOr(options.port, "KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
                "set (not running in a pod?)");
  }
  RestConfig config;
  // An IPv6 address needs brackets in a URL (net.JoinHostPort in client-go).
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  config.server = fmt::format("https://{}:{}", ipv6 ? "[" + host + "]" : host, port);
  config.token_file = options.root / "token";
  std::error_code ec;
  if (!fs::exists(config.token_file, ec)) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("in-cluster config: {} does not exist", config.token_file.string()));
  }
  const fs::path ca = options.root / "ca.crt";
  std::ifstream ca_in(ca, std::ios::binary);
  if (!ca_in) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("in-cluster config: cannot read {}", ca.string()));
  }
  std::ostringstream ca_text;
  ca_text << ca_in.rdbuf();
  config.ca_pem = ca_text.str();
  if (std::ifstream ns_in(options.root / "namespace"); ns_in) {
    std::ostringstream ns_text;
    ns_text << ns_in.rdbuf();
    config.ns = Trim(ns_text.str());
  }
  if (config.ns.empty()) {
    config.ns = "default";
  }
  config.source = fmt::format("in-cluster config ({})", options.root.string());
  return config;
}

}  // namespace gpuext::kube
