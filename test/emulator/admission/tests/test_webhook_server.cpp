// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "test_webhook_server.h"

#include <chrono>
#include <fstream>
#include <stdexcept>

#include <httplib.h>
#include <stdlib.h>

#include "gpuext/base64.h"

namespace gpuext::emulator::admission::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

json Response(const json& review, bool allowed) {
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"response", {{"uid", review["request"]["uid"]}, {"allowed", allowed}}}};
}

}  // namespace

json Allow(const json& review) { return Response(review, true); }

json Deny(const json& review, const json& status) {
  json answer = Response(review, false);
  answer["response"]["status"] = status;
  return answer;
}

json Patch(const json& review, const json& patch) {
  json answer = Response(review, true);
  answer["response"]["patchType"] = "JSONPatch";
  answer["response"]["patch"] = gpuext::Base64Encode(patch.dump());
  return answer;
}

TestWebhookServer::TestWebhookServer(const kube::CertificateAuthority& ca,
                                     const std::vector<std::string>& hosts) {
  std::string dir_template =
      (std::filesystem::temp_directory_path() / "admission-test-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = dir_template;
  const kube::KeyPair serving = ca.IssueServing(hosts, 1h);
  WriteFile(dir_ / "tls.crt", serving.cert_pem);
  WriteFile(dir_ / "tls.key", serving.key_pem);
  server_ =
      std::make_unique<httplib::SSLServer>((dir_ / "tls.crt").c_str(), (dir_ / "tls.key").c_str());
  if (!server_->is_valid()) {
    throw std::runtime_error("SSLServer cannot load its certificate");
  }
  // One request per connection, so that shutdown never waits on an idle keep-alive.
  server_->set_keep_alive_max_count(1);
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    ReviewHandler handler;
    const json review = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    {
      std::lock_guard lock(mu_);
      requests_[req.path].push_back(review);
      const auto it = handlers_.find(req.path);
      if (it != handlers_.end()) {
        handler = it->second;
      }
    }
    if (!handler) {
      res.status = 404;
      return;
    }
    res.set_content(handler(review).dump(), "application/json");
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    throw std::runtime_error("cannot bind 127.0.0.1");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() only works on a running server, so wait for the accept loop before going on.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
}

TestWebhookServer::~TestWebhookServer() {
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
  }
  shutdown_cv_.notify_all();
  server_->stop();
  thread_.join();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void TestWebhookServer::Handle(const std::string& path, ReviewHandler handler) {
  std::lock_guard lock(mu_);
  handlers_[path] = std::move(handler);
}

std::string TestWebhookServer::address() const { return "127.0.0.1:" + std::to_string(port_); }

std::vector<json> TestWebhookServer::Requests(const std::string& path) const {
  std::lock_guard lock(mu_);
  const auto it = requests_.find(path);
  return it == requests_.end() ? std::vector<json>() : it->second;
}

int TestWebhookServer::Calls(const std::string& path) const {
  return static_cast<int>(Requests(path).size());
}

void TestWebhookServer::BlockUntilShutdown(std::chrono::milliseconds limit) {
  std::unique_lock lock(mu_);
  shutdown_cv_.wait_for(lock, limit, [this] { return shutting_down_; });
}

}  // namespace gpuext::emulator::admission::testing
