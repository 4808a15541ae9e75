// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Manager's plain-HTTP endpoints: /healthz, /readyz (Kubernetes' check list format) and
// /metrics (Prometheus text format 0.0.4). Private to the kube library.

#include <string>
#include <thread>

#include <httplib.h>

#include "gpuext/kube/manager.h"

namespace gpuext::kube {

// Serves from construction until destruction. Safe for concurrent use (httplib's threads).
class Manager::Server {
 public:
  // Binds `bind_address` ("host:port", ":port"; port 0 picks one) and starts serving. Throws
  // Error(kInvalidArgument) for a malformed address, Error(kInternal) when it cannot bind.
  Server(const std::string& bind_address, Manager& manager);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] int port() const { return port_; }

 private:
  void Checks(const httplib::Request& req, httplib::Response& res, const std::string& endpoint,
              bool ready_endpoint) const;

  Manager& manager_;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace gpuext::kube
