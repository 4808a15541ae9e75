// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// libcurl plumbing shared by HttpCacheClient and UploadClient (private to the artifact
// library): one easy handle per request, TLS verification always on, answers as values.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gpuext::nodeagent::artifact::http_cache_internal {

struct TransportOptions {
  std::string ca_pem = {};
  std::filesystem::path ca_file = {};
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  std::chrono::milliseconds stall_timeout = std::chrono::seconds(60);
  std::chrono::milliseconds request_timeout = std::chrono::seconds(0);  // 0: none
  // CURLOPT_CONNECT_TO entries "HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT" (see HttpCacheOptions).
  std::vector<std::string> connect_to = {};
};

struct Response;

struct Request {
  std::string method = "GET";  // GET, HEAD, POST, PUT
  std::string url = {};
  std::vector<std::string> headers = {};   // "Name: value"
  std::string body = {};                   // POST body
  std::filesystem::path upload_file = {};  // PUT body streamed from this file
  // When set, a 2xx body is appended to this open file instead of Response::body.
  std::FILE* sink = nullptr;
  // With `sink`: a 200 answer (the server ignored a Range) truncates the sink first.
  bool restart_on_full_body = false;
  // Bytes written to sink so far (this call), with the answer's status and headers.
  std::function<void(std::int64_t, const Response&)> on_bytes = {};
};

struct Response {
  long status = 0;
  std::string body = {};                       // error bodies always land here
  std::map<std::string, std::string> headers;  // lower-case names
};

// Performs the request. Throws gpuext::Error(kRetryableInfraDependencies) naming the URL for
// transport failures (no connection, TLS, timeout); HTTP statuses are answers.
Response Perform(const TransportOptions& options, const Request& request);

// "GET https://...: 503: <first line of the body>" as a gpuext::Error with the code that fits
// the status (401/403 kInfraUnauthorized, 404 kNotFound, 409 kConflict, 4xx kInvalidArgument,
// else kRetryableInfraDependencies).
[[noreturn]] void ThrowStatus(const Request& request, const Response& response);

// Percent-encodes a query parameter value.
std::string QueryEscape(std::string_view value);

}  // namespace gpuext::nodeagent::artifact::http_cache_internal
