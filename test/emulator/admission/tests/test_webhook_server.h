// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A tiny admission webhook server for tests: cpp-httplib's SSLServer on 127.0.0.1 (port 0)
// with a real serving certificate, answering AdmissionReviews through per-path handlers.
//
//   kube::CertificateAuthority ca = kube::CertificateAuthority::Generate("ca", 1h);
//   TestWebhookServer server(ca, {"hook.default.svc", "127.0.0.1"});
//   server.Handle("/mutate", [](const json& review) { return Allow(review); });
//   ... call https://hook.default.svc:443/mutate, connecting to server.address() ...
//   EXPECT_EQ(server.Calls("/mutate"), 1);

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/kube/tls.h"

namespace httplib {
class SSLServer;
}  // namespace httplib

namespace gpuext::emulator::admission::testing {

// Answers one AdmissionReview request with a whole AdmissionReview.
using ReviewHandler = std::function<nlohmann::json(const nlohmann::json& review)>;

// The answer builders: an allowed v1 response echoing the request uid; a denial with `status`;
// an allowed response carrying `patch` as a base64 JSONPatch.
[[nodiscard]] nlohmann::json Allow(const nlohmann::json& review);
[[nodiscard]] nlohmann::json Deny(const nlohmann::json& review, const nlohmann::json& status);
[[nodiscard]] nlohmann::json Patch(const nlohmann::json& review, const nlohmann::json& patch);

// Serves HTTPS on 127.0.0.1 from construction to destruction. Paths without a handler answer
// 404. Safe for concurrent use: handlers run on the server's threads, and Handle/Requests may
// be called from the test thread at any time.
class TestWebhookServer {
 public:
  // Issues a serving certificate for `hosts` from `ca`, writes it to a temporary directory and
  // starts listening. Throws std::runtime_error when the server cannot start.
  TestWebhookServer(const kube::CertificateAuthority& ca, const std::vector<std::string>& hosts);
  // Releases blocked handlers, stops the server, joins its thread, removes the directory.
  ~TestWebhookServer();
  TestWebhookServer(const TestWebhookServer&) = delete;
  TestWebhookServer& operator=(const TestWebhookServer&) = delete;

  // Sets the handler for `path`, replacing any earlier one.
  void Handle(const std::string& path, ReviewHandler handler);

  // "127.0.0.1:<port>".
  [[nodiscard]] std::string address() const;
  [[nodiscard]] int port() const { return port_; }

  // The AdmissionReviews received on `path`, oldest first.
  [[nodiscard]] std::vector<nlohmann::json> Requests(const std::string& path) const;
  [[nodiscard]] int Calls(const std::string& path) const;

  // For slow handlers: blocks until the server shuts down or `limit` passes.
  void BlockUntilShutdown(std::chrono::milliseconds limit);

 private:
  std::filesystem::path dir_;
  std::unique_ptr<httplib::SSLServer> server_;
  int port_ = 0;
  std::thread thread_;

  mutable std::mutex mu_;  // Guards handlers_, requests_ and shutting_down_.
  std::condition_variable shutdown_cv_;
  std::map<std::string, ReviewHandler> handlers_;
  std::map<std::string, std::vector<nlohmann::json>> requests_;
  bool shutting_down_ = false;
};

}  // namespace gpuext::emulator::admission::testing
