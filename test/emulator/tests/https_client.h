// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A raw HTTPS client for the emulator tests: cpp-httplib's SSLClient verifying the emulator's
// own CA, with the admin bearer token, returning status, headers and the parsed JSON body.

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "gpuext/emulator/server.h"

namespace gpuext::emulator::testing {

struct HttpResponse {
  int status = 0;     // 0: no HTTP response (connection or TLS failure)
  std::string error;  // httplib's error when status is 0
  std::string content_type;
  std::string raw;
  nlohmann::json body;  // discarded when `raw` is not JSON

  [[nodiscard]] bool IsStatusObject() const {
    return body.is_object() && body.value("kind", "") == "Status" &&
           body.value("apiVersion", "") == "v1" && body.value("code", 0) == status &&
           body.value("status", "") == "Failure" && body.contains("reason") &&
           body.contains("message");
  }
};

class HttpsClient {
 public:
  // `ca_file` receives the server's CA; the client trusts only that CA.
  HttpsClient(const Server& server, const std::filesystem::path& ca_file)
      : client_("127.0.0.1", server.port()) {
    if (!std::filesystem::exists(ca_file)) {
      std::ofstream(ca_file) << server.ca_pem();
    }
    client_.set_ca_cert_path(ca_file.string());
    client_.enable_server_certificate_verification(true);
    client_.set_url_encode(false);  // callers pass encoded paths (see Query)
    client_.set_connection_timeout(std::chrono::seconds(5));
    client_.set_read_timeout(std::chrono::seconds(30));
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);  // no Nagle + delayed-ACK stall between headers and body
    token_ = server.admin_token();
  }

  void set_token(std::string token) { token_ = std::move(token); }

  HttpResponse Do(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::string& content_type = "application/json",
                  const std::string& accept = "application/json") {
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    if (!token_.empty()) {
      req.set_header("Authorization", "Bearer " + token_);
    }
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.set_header("Content-Type", content_type);
    }
    req.set_header("Accept", accept);
    return ToResponse(client_.send(req));
  }

  HttpResponse Get(const std::string& path) { return Do("GET", path); }
  HttpResponse Post(const std::string& path, const nlohmann::json& body) {
    return Do("POST", path, body.dump());
  }
  HttpResponse Put(const std::string& path, const nlohmann::json& body) {
    return Do("PUT", path, body.dump());
  }
  HttpResponse MergePatch(const std::string& path, const nlohmann::json& body) {
    return Do("PATCH", path, body.dump(), "application/merge-patch+json");
  }
  HttpResponse Delete(const std::string& path, const nlohmann::json& options = {}) {
    return Do("DELETE", path, options.is_null() ? std::string() : options.dump());
  }

  // Streams a GET (a watch); `on_line` gets each line and returns false to stop reading.
  HttpResponse Stream(const std::string& path,
                      const std::function<bool(const std::string&)>& on_line) {
    httplib::Headers headers = {{"Authorization", "Bearer " + token_}};
    std::string pending;
    HttpResponse out;
    auto result = client_.Get(
        path, headers,
        [&](const httplib::Response& res) {
          out.status = res.status;
          out.content_type = res.get_header_value("Content-Type");
          return true;
        },
        [&](const char* data, size_t n) {
          pending.append(data, n);
          out.raw.append(data, n);
          for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
            const std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            if (!line.empty() && !on_line(line)) {
              return false;
            }
          }
          return true;
        });
    if (out.status == 0 && !result) {
      out.error = httplib::to_string(result.error());
    }
    return out;
  }

 private:
  static HttpResponse ToResponse(const httplib::Result& result) {
    HttpResponse out;
    if (!result) {
      out.error = httplib::to_string(result.error());
      return out;
    }
    out.status = result->status;
    out.content_type = result->get_header_value("Content-Type");
    out.raw = result->body;
    out.body = nlohmann::json::parse(out.raw, nullptr, false);
    return out;
  }

  httplib::SSLClient client_;
  std::string token_;
};

// Percent-encodes a query parameter value.
inline std::string Encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace gpuext::emulator::testing
