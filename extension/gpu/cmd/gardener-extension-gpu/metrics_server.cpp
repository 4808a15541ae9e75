// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "metrics_server.h"

#include <charconv>
#include <thread>

#include <httplib.h>

#include "gpuext/error.h"

namespace gpuext::gpu::cmd {

struct MetricsServer::Impl {
  httplib::Server http;
  int port = 0;
  std::thread thread;
};

MetricsServer::MetricsServer(const std::string& bind_address,
                             const kube::metrics::Registry& registry)
    : impl_(std::make_unique<Impl>()) {
  const std::size_t colon = bind_address.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    const char* begin = bind_address.data() + colon + 1;
    const char* end = bind_address.data() + bind_address.size();
    const auto [ptr, ec] = std::from_chars(begin, end, port);
    if (ec != std::errc() || ptr != end || begin == end) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535) {
    throw Error(ErrorCode::kInvalidArgument, "--metrics-bind-address: invalid value \"" +
                                                 bind_address + "\": want host:port or :port");
  }
  std::string host = bind_address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) {
    host = "0.0.0.0";
  }
  impl_->http.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry.Expose(), "text/plain; version=0.0.4; charset=utf-8");
  });
  impl_->port = port == 0 ? impl_->http.bind_to_any_port(host)
                          : (impl_->http.bind_to_port(host, port) ? port : -1);
  if (impl_->port <= 0) {
    throw Error(ErrorCode::kInternal, "--metrics-bind-address: cannot listen on " + bind_address +
                                          " (port taken? pick another one)");
  }
  impl_->thread = std::thread([this] { impl_->http.listen_after_bind(); });
}

MetricsServer::~MetricsServer() {
  impl_->http.stop();
  if (impl_->thread.joinable()) {
    impl_->thread.join();
  }
}

int MetricsServer::port() const { return impl_->port; }

}  // namespace gpuext::gpu::cmd
