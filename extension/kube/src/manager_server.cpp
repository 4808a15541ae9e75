// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "manager_server.h"

#include <charconv>
#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::kube {
namespace {

struct HostPort {
  std::string host;
  int port = 0;
};

HostPort ParseBindAddress(const std::string& address) {
  const auto colon = address.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    const char* begin = address.data() + colon + 1;
    const char* end = address.data() + address.size();
    const auto [ptr, ec] = std::from_chars(begin, end, port);
    if (ec != std::errc() || ptr != end || begin == end) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("bind address '{}' must be host:port or :port with a port in 0-65535",
                            address));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {.host = host.empty() ? std::string("0.0.0.0") : host, .port = port};
}

}  // namespace

Manager::Server::Server(const std::string& bind_address, Manager& manager) : manager_(manager) {
  const HostPort hp = ParseBindAddress(bind_address);
  http_.Get("/healthz", [this](const httplib::Request& req, httplib::Response& res) {
    Checks(req, res, "healthz", false);
  });
  http_.Get("/livez", [this](const httplib::Request& req, httplib::Response& res) {
    Checks(req, res, "livez", false);
  });
  http_.Get("/readyz", [this](const httplib::Request& req, httplib::Response& res) {
    Checks(req, res, "readyz", true);
  });
  http_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(manager_.registry_.Expose(), "text/plain; version=0.0.4; charset=utf-8");
  });
  // Boundary: a handler that throws answers 500 instead of ending the process.
  http_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        res.status = 500;
        res.set_content(what + "\n", "text/plain; charset=utf-8");
      });
  port_ = hp.port == 0 ? http_.bind_to_any_port(hp.host)
                       : (http_.bind_to_port(hp.host, hp.port) ? hp.port : -1);
  if (port_ <= 0) {
    throw Error(ErrorCode::kInternal, fmt::format("cannot listen on {}", bind_address));
  }
  thread_ = std::thread([this] { http_.listen_after_bind(); });
  // stop() is ignored until the listen loop runs, so make sure it does before anyone may stop.
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!http_.is_running() && std::chrono::steady_clock::now() < limit) {
    std::this_thread::yield();
  }
}

Manager::Server::~Server() {
  http_.stop();
  thread_.join();
}

void Manager::Server::Checks(const httplib::Request& req, httplib::Response& res,
                             const std::string& endpoint, bool ready_endpoint) const {
  // Kubernetes' healthz format: "[+]name ok" / "[-]name failed: reason" per check, then a
  // summary line; a passing, non-verbose answer is just "ok".
  std::vector<std::pair<std::string, std::string>> results;  // name, failure ("" = ok)
  results.emplace_back("ping", "");
  if (ready_endpoint) {
    results.emplace_back("informer-sync", manager_.synced_ ? "" : "caches not synced");
  }
  for (const auto& [name, check] : manager_.ChecksOf(ready_endpoint)) {
    try {
      check();
      results.emplace_back(name, "");
    } catch (const std::exception& e) {
      results.emplace_back(name, e.what());
    } catch (...) {
      results.emplace_back(name, "unknown exception");
    }
  }
  bool ok = true;
  std::string body;
  for (const auto& [name, failure] : results) {
    ok = ok && failure.empty();
    body += failure.empty() ? fmt::format("[+]{} ok\n", name)
                            : fmt::format("[-]{} failed: {}\n", name, failure);
  }
  if (ok && !req.has_param("verbose")) {
    body = "ok";
  } else {
    body += fmt::format("{} check {}\n", endpoint, ok ? "passed" : "failed");
  }
  res.status = ok ? 200 : 500;
  res.set_content(body, "text/plain; charset=utf-8");
}

}  // namespace gpuext::kube
