// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include <curl/curl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gpuext/emulator/admission/internal/webhook_client.h"
#include "gpuext/error.h"

namespace gpuext::emulator::admission::internal {
namespace {

// kube-apiserver reads webhook answers of any size; this bound only stops a runaway server.
constexpr size_t kMaxResponseBytes = 64 << 20;

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// Appends to an owned list; throws Error(kInternal) when libcurl cannot allocate.
void Append(CurlSlist& list, const std::string& entry) {
  curl_slist* grown = curl_slist_append(list.get(), entry.c_str());
  if (grown == nullptr) {
    throw Error(ErrorCode::kInternal, "curl_slist_append failed");
  }
  static_cast<void>(list.release());  // `grown` now owns the old nodes.
  list.reset(grown);
}

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * count > kMaxResponseBytes) {
    return 0;  // Makes libcurl fail with CURLE_WRITE_ERROR.
  }
  body->append(data, size * count);
  return size * count;
}

std::string HostOf(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  std::string host = host_port.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

bool LooksLikeIp(const std::string& host) {
  return host.find_first_not_of("0123456789.") == std::string::npos ||
         host.find(':') != std::string::npos;
}

// The names of the given kind ("DNS:" or "IP Address:") in the peer certificate's
// subjectAltName, as libcurl's CURLINFO_CERTINFO reports it.
std::vector<std::string> SanEntries(CURL* handle, std::string_view prefix) {
  curl_certinfo* info = nullptr;
  std::vector<std::string> names;
  if (curl_easy_getinfo(handle, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1) {
    return names;
  }
  constexpr std::string_view kKey = "X509v3 Subject Alternative Name:";
  for (curl_slist* line = info->certinfo[0]; line != nullptr; line = line->next) {
    std::string_view text = line->data;
    if (!text.starts_with(kKey)) {
      continue;
    }
    text.remove_prefix(kKey.size());
    while (!text.empty()) {
      const size_t comma = text.find(',');
      std::string_view entry = text.substr(0, comma);
      while (entry.starts_with(' ')) {
        entry.remove_prefix(1);
      }
      if (entry.starts_with(prefix)) {
        names.emplace_back(entry.substr(prefix.size()));
      }
      text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
  }
  return names;
}

// Go's x509.HostnameError text.
std::string HostnameMismatch(CURL* handle, const std::string& host) {
  const bool ip = LooksLikeIp(host);
  const std::vector<std::string> valid = SanEntries(handle, ip ? "IP Address:" : "DNS:");
  if (ip && valid.empty()) {
    return fmt::format(
        "x509: cannot validate certificate for {} because it doesn't contain any IP SANs", host);
  }
  if (valid.empty()) {
    return "x509: certificate is not valid for any names, but wanted to match " + host;
  }
  return fmt::format("x509: certificate is valid for {}, not {}", fmt::join(valid, ", "), host);
}

// Go's crypto/tls and crypto/x509 wording for a failed certificate check.
std::string VerificationFailure(CURL* handle, const HookTarget& t, const char* detail) {
  long verify = 0;  // NOLINT(google-runtime-int): CURLINFO_SSL_VERIFYRESULT's type
  curl_easy_getinfo(handle, CURLINFO_SSL_VERIFYRESULT, &verify);
  std::string x509;
  // libcurl checks the host name itself, after OpenSSL accepted the chain; only its message
  // tells that check apart.
  const std::string_view text = detail;
  if (text.find("subject name") != std::string_view::npos ||
      text.find("host name") != std::string_view::npos) {
    return "tls: failed to verify certificate: " + HostnameMismatch(handle, HostOf(t.host_port));
  }
  switch (verify) {
    case 2:   // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
    case 18:  // X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
    case 19:  // X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
    case 20:  // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    case 21:  // X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE
      x509 = "x509: certificate signed by unknown authority";
      break;
    case 9:   // X509_V_ERR_CERT_NOT_YET_VALID
    case 10:  // X509_V_ERR_CERT_HAS_EXPIRED
      x509 = "x509: certificate has expired or is not yet valid";
      break;
    default:
      x509 = fmt::format("x509: {}", detail);
  }
  return "tls: failed to verify certificate: " + x509;
}

std::string DescribeFailure(CURL* handle, CURLcode code, const HookTarget& t, const char* detail) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return "context deadline exceeded";
    case CURLE_COULDNT_CONNECT:
      return fmt::format("dial tcp {}: connect: connection refused", t.dial_address);
    case CURLE_COULDNT_RESOLVE_HOST:
      return fmt::format("dial tcp: lookup {}: no such host", HostOf(t.dial_address));
    case CURLE_PEER_FAILED_VERIFICATION:
      return VerificationFailure(handle, t, detail);
    default:
      return fmt::format("{}: {}", curl_easy_strerror(code), detail);
  }
}

template <typename T>
void Set(CURL* handle, CURLoption option, T value) {
  const CURLcode code = curl_easy_setopt(handle, option, value);
  if (code != CURLE_OK) {
    throw Error(ErrorCode::kInternal,
                fmt::format("curl_easy_setopt({}): {}", static_cast<int>(option),
                            curl_easy_strerror(code)));
  }
}

}  // namespace

HttpResponse Post(const HookTarget& t, const std::string& body) {
  CurlEasy handle(curl_easy_init());
  if (handle == nullptr) {
    throw Error(ErrorCode::kInternal, "curl_easy_init failed");
  }
  CURL* h = handle.get();
  CurlSlist headers;
  Append(headers, "Content-Type: application/json");
  Append(headers, "Accept: application/json, */*");
  CurlSlist connect_to;
  if (t.dial_address != t.host_port) {
    // Connect to the resolved endpoint while TLS (SNI, verification) uses the service name.
    Append(connect_to, fmt::format("{}:{}", t.host_port, t.dial_address));
    Set(h, CURLOPT_CONNECT_TO, connect_to.get());
  }
  HttpResponse response;
  char detail[CURL_ERROR_SIZE] = {};
  Set(h, CURLOPT_URL, t.url.c_str());
  Set(h, CURLOPT_PROTOCOLS_STR, "https,http");
  Set(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));  // NOLINT
  Set(h, CURLOPT_HTTPHEADER, headers.get());
  Set(h, CURLOPT_USERAGENT, "kube-apiserver-admission");
  Set(h, CURLOPT_POSTFIELDS, body.data());
  Set(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  Set(h, CURLOPT_WRITEFUNCTION, &WriteBody);
  Set(h, CURLOPT_WRITEDATA, &response.body);
  Set(h, CURLOPT_ERRORBUFFER, detail);
  Set(h, CURLOPT_NOSIGNAL, 1L);
  Set(h, CURLOPT_TIMEOUT_MS,
      static_cast<long>(  // NOLINT(google-runtime-int)
          std::chrono::milliseconds(t.timeout).count()));
  Set(h, CURLOPT_SSL_VERIFYPEER, 1L);
  Set(h, CURLOPT_SSL_VERIFYHOST, 2L);
  Set(h, CURLOPT_CERTINFO, 1L);
  if (!t.ca_pem.empty()) {
    // Trust the caBundle alone, as kube-apiserver does: no system CA file or directory.
    curl_blob ca{.data = const_cast<char*>(t.ca_pem.data()),
                 .len = t.ca_pem.size(),
                 .flags = CURL_BLOB_COPY};
    Set(h, CURLOPT_CAINFO_BLOB, &ca);
    Set(h, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
  }
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    throw Error(code == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout
                                                 : ErrorCode::kRetryableInfraDependencies,
                fmt::format("Post \"{}\": {}", t.url, DescribeFailure(h, code, t, detail)));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  const char* content_type = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK &&
      content_type != nullptr) {
    response.content_type = content_type;
  }
  return response;
}

}  // namespace gpuext::emulator::admission::internal
