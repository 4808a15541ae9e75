// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// /metrics on --metrics-bind-address. The Manager serves /healthz and /readyz (and a copy of
// /metrics) on --health-bind-address; DESIGN.md §8.4 and the seed chart keep the two on
// separate ports so the seed's Prometheus scrapes a port the kubelet's probes do not share.

#include <memory>
#include <string>

#include "gpuext/kube/metrics.h"

namespace gpuext::gpu::cmd {

class MetricsServer {
 public:
  // Binds `bind_address` (host:port or :port; port 0 picks one) and serves until destroyed.
  // Throws Error(kInvalidArgument) for a malformed address, Error(kInternal) when it cannot
  // bind. `registry` must outlive the server.
  MetricsServer(const std::string& bind_address, const kube::metrics::Registry& registry);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  [[nodiscard]] int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpuext::gpu::cmd
