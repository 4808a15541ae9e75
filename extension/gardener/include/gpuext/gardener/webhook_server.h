// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// WebhookServer: the HTTPS endpoint kube-apiserver calls for admission (DESIGN.md §7).
// Serves registered mutators/validators at their paths plus /healthz. The serving certificate is
// read from <cert_dir>/tls.crt and tls.key and re-read when the files change, so a renewed
// certificate is used for new connections without dropping any (Kubernetes projects Secret
// updates into the pod by replacing the files).
//
//   WebhookServer server({.port = 10250, .cert_dir = "/tmp/certs"}, log);
//   server.AddMutator("/webhooks/shoot", shoot_mutator);
//   server.Start();     // returns once listening
//   ...
//   server.Stop();

#include <filesystem>
#include <memory>
#include <string>

#include "gpuext/gardener/admission.h"
#include "gpuext/logger.h"

namespace gpuext::gardener {

struct WebhookServerOptions {
  std::string host = "0.0.0.0";
  int port = 10250;  // 0 picks a free port (tests)
  std::filesystem::path cert_dir = {};
};

class WebhookServer {
 public:
  WebhookServer(WebhookServerOptions options, Logger log);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  // Handlers must outlive the server and be safe for concurrent calls. Register before Start.
  void AddMutator(const std::string& path, Mutator& mutator);
  void AddValidator(const std::string& path, Validator& validator);

  // Loads the certificate (throws gpuext::Error naming the file when it is missing or
  // invalid), binds and serves on a background thread.
  void Start();
  void Stop();

  // The bound port (after Start).
  [[nodiscard]] int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpuext::gardener
