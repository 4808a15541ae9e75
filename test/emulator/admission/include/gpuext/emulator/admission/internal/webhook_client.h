// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The HTTPS call to one webhook, as kube-apiserver's webhook ClientManager makes it: the URL
// built from clientConfig (`service` or `url`), the server certificate verified against
// caBundle only (for `<name>.<namespace>.svc` with a service), HTTP/1.1, and a `?timeout=Ns`
// query. Transport failures read like Go's, so messages match kube-apiserver's.
//
// Thread safety: functions only; each Post uses its own libcurl handle, so calls may run
// concurrently. Requires curl_global_init to have run (WebhookDispatcher's constructor does).

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace gpuext::emulator::admission::internal {

// A clientConfig.service reference, port defaulted to 443.
struct ServiceRef {
  std::string ns = {};
  std::string name = {};
  int port = 443;
};

// Where and how to reach one webhook.
struct HookTarget {
  // The URL as kube-apiserver's REST client prints it in errors:
  // "https://<name>.<namespace>.svc:<port><path>?timeout=<N>s" or "<url>?timeout=<N>s".
  std::string url = {};
  // "host:port" of the URL, what the address of a service replaces.
  std::string host_port = {};
  std::optional<ServiceRef> service = {};
  // Address actually dialled ("127.0.0.1:40123"); set by the caller for a service, else equal
  // to host_port.
  std::string dial_address = {};
  std::string ca_pem = {};  // the decoded caBundle; empty trusts the system roots
  std::chrono::seconds timeout{10};
};

// Builds the target from a webhook's clientConfig. Throws gpuext::Error(kConfigurationProblem)
// with upstream's text when the config cannot be used ("webhook configuration must have either
// service or URL", "unable to load root certificates: unable to parse bytes as PEM block").
[[nodiscard]] HookTarget BuildTarget(const nlohmann::json& client_config,
                                     std::chrono::seconds timeout);

// A webhook's HTTP answer.
struct HttpResponse {
  long status = 0;  // NOLINT(google-runtime-int): libcurl's CURLINFO_RESPONSE_CODE type
  std::string content_type = {};
  std::string body = {};
};

// POSTs `body` (JSON) to the target and returns any HTTP answer, 2xx or not. Throws
// gpuext::Error, message as Go's url.Error prints it: `Post "<url>": <cause>`, where cause is
// e.g. "context deadline exceeded", "dial tcp 127.0.0.1:1: connect: connection refused" or
// "tls: failed to verify certificate: x509: certificate signed by unknown authority".
[[nodiscard]] HttpResponse Post(const HookTarget& target, const std::string& body);

}  // namespace gpuext::emulator::admission::internal
