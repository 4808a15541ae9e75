// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/client_metrics.h"

#include <chrono>
#include <string>

namespace gpuext::kube {
namespace {

// "https://host:6443/prefix" → "host:6443".
std::string HostOf(const std::string& server) {
  std::string host = server;
  if (const auto scheme = host.find("://"); scheme != std::string::npos) {
    host = host.substr(scheme + 3);
  }
  if (const auto slash = host.find('/'); slash != std::string::npos) {
    host = host.substr(0, slash);
  }
  return host;
}

}  // namespace

std::function<void(const RequestRecord&)> RestClientMetricsObserver(metrics::Registry& registry,
                                                                    const std::string& server) {
  auto& requests = registry.Counters("rest_client_requests_total",
                                     "Number of HTTP requests, partitioned by status code, "
                                     "method, and host.",
                                     {"code", "host", "method"});
  auto& latency = registry.Histograms(
      "rest_client_request_duration_seconds",
      "Request latency in seconds. Broken down by verb, and host.", {"host", "verb"},
      {0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0});
  return [&requests, &latency, host = HostOf(server)](const RequestRecord& record) {
    // LIST and WATCH are our names for kinds of GET; the metric wants the HTTP method.
    const std::string method =
        record.verb == "LIST" || record.verb == "WATCH" ? std::string("GET") : record.verb;
    const std::string code =
        record.code == 0 ? std::string("<error>") : std::to_string(record.code);
    requests.WithLabelValues({code, host, method}).Inc();
    latency.WithLabelValues({host, method})
        .Observe(std::chrono::duration<double>(record.duration).count());
  };
}

}  // namespace gpuext::kube
