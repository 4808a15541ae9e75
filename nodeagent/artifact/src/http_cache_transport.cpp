// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "http_cache_transport.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "gpuext/error.h"

namespace gpuext::nodeagent::artifact::http_cache_internal {

namespace {

struct HttpCacheCurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct HttpCacheSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct HttpCacheFileDeleter {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// What the callbacks of one transfer share.
struct HttpCacheTransfer {
  const Request* request = nullptr;
  Response* response = nullptr;
  std::int64_t sink_bytes = 0;
  bool sink_failed = false;
};

bool HttpCacheIsSuccess(long status) { return status >= 200 && status < 300; }

std::size_t HttpCacheWrite(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<HttpCacheTransfer*>(user);
  const std::size_t n = size * count;
  // The status is known once headers arrived; error bodies stay in memory for the message.
  if (t->request->sink != nullptr && HttpCacheIsSuccess(t->response->status)) {
    if (t->sink_bytes == 0 && t->response->status == 200 && t->request->restart_on_full_body) {
      // The server ignored our Range and sends the whole object: start the file over.
      std::fflush(t->request->sink);
      if (::ftruncate(::fileno(t->request->sink), 0) != 0 ||
          std::fseek(t->request->sink, 0, SEEK_SET) != 0) {
        t->sink_failed = true;
        return 0;
      }
    }
    if (std::fwrite(data, 1, n, t->request->sink) != n) {
      t->sink_failed = true;
      return 0;
    }
    t->sink_bytes += static_cast<std::int64_t>(n);
    if (t->request->on_bytes) {
      t->request->on_bytes(t->sink_bytes, *t->response);
    }
    return n;
  }
  if (t->response->body.size() < (std::size_t{16} << 20)) {
    t->response->body.append(data, n);
  }
  return n;
}

std::size_t HttpCacheHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<HttpCacheTransfer*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or 100-continue): forget the previous one's headers.
    t->response->headers.clear();
    const auto space = line.find(' ');
    if (space != std::string_view::npos) {
      t->response->status =
          std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
    }
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return n;
  }
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  t->response->headers[name] = std::string(value);
  return n;
}

std::size_t HttpCacheRead(char* buffer, std::size_t size, std::size_t count, void* user) {
  return std::fread(buffer, 1, size * count, static_cast<std::FILE*>(user));
}

void HttpCacheGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

Response Perform(const TransportOptions& options, const Request& request) {
  HttpCacheGlobalInit();
  std::unique_ptr<CURL, HttpCacheCurlDeleter> handle(curl_easy_init());
  if (!handle) {
    throw Error(ErrorCode::kInternal, "curl_easy_init failed");
  }
  CURL* h = handle.get();
  Response response;
  HttpCacheTransfer transfer{.request = &request, .response = &response};
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_blob ca_blob{};
  if (!options.ca_pem.empty()) {
    ca_blob.data = const_cast<char*>(options.ca_pem.data());
    ca_blob.len = options.ca_pem.size();
    ca_blob.flags = CURL_BLOB_NOCOPY;
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca_blob);
  } else if (!options.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  if (options.request_timeout.count() > 0) {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
  }
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(
      h, CURLOPT_LOW_SPEED_TIME,
      static_cast<long>(std::max<std::int64_t>(
          1, std::chrono::duration_cast<std::chrono::seconds>(options.stall_timeout).count())));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &HttpCacheWrite);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &HttpCacheHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  // Only where the TCP connection goes changes: the URL's host name is still what TLS verifies
  // and what the Host header says.
  std::unique_ptr<curl_slist, HttpCacheSlistDeleter> connect_to;
  for (const std::string& entry : options.connect_to) {
    connect_to.reset(curl_slist_append(connect_to.release(), entry.c_str()));
  }
  if (connect_to) {
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.get());
  }

  std::unique_ptr<curl_slist, HttpCacheSlistDeleter> headers;
  for (const std::string& header : request.headers) {
    headers.reset(curl_slist_append(headers.release(), header.c_str()));
  }
  std::unique_ptr<std::FILE, HttpCacheFileDeleter> upload;
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method == "PUT") {
    upload.reset(std::fopen(request.upload_file.c_str(), "rb"));
    if (!upload) {
      throw Error(ErrorCode::kInternal,
                  fmt::format("open {} for upload failed", request.upload_file.string()));
    }
    std::error_code ec;
    const auto size = std::filesystem::file_size(request.upload_file, ec);
    if (ec) {
      throw Error(ErrorCode::kInternal,
                  fmt::format("stat {}: {}", request.upload_file.string(), ec.message()));
    }
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &HttpCacheRead);
    curl_easy_setopt(h, CURLOPT_READDATA, upload.get());
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
    // No "Expect: 100-continue" round trip; the server answers errors after the body anyway.
    headers.reset(curl_slist_append(headers.release(), "Expect:"));
  }
  if (headers) {
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  }
  const CURLcode rc = curl_easy_perform(h);
  if (transfer.sink_failed) {
    throw Error(ErrorCode::kInternal,
                fmt::format("{} {}: writing the download failed", request.method, request.url));
  }
  if (rc != CURLE_OK) {
    throw Error(ErrorCode::kRetryableInfraDependencies,
                fmt::format("{} {}: {}", request.method, request.url,
                            error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = status;
  return response;
}

void ThrowStatus(const Request& request, const Response& response) {
  std::string detail = response.body.substr(0, response.body.find('\n'));
  if (detail.size() > 512) {
    detail.resize(512);
  }
  ErrorCode code = ErrorCode::kRetryableInfraDependencies;
  if (response.status == 401 || response.status == 403) {
    code = ErrorCode::kInfraUnauthorized;
  } else if (response.status == 404) {
    code = ErrorCode::kNotFound;
  } else if (response.status == 409) {
    code = ErrorCode::kConflict;
  } else if (response.status >= 400 && response.status < 500 && response.status != 429) {
    code = ErrorCode::kInvalidArgument;
  }
  throw Error(code, fmt::format("{} {}: HTTP {}{}{}", request.method, request.url, response.status,
                                detail.empty() ? "" : ": ", detail));
}

std::string QueryEscape(std::string_view value) {
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

}  // namespace gpuext::nodeagent::artifact::http_cache_internal
