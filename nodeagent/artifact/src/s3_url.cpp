// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/s3_url.h"

#include <algorithm>

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::nodeagent::artifact {

namespace {

[[noreturn]] void S3ThrowBadEndpoint(std::string_view url, std::string_view why) {
  throw Error(
      ErrorCode::kConfigurationProblem,
      fmt::format("cache.s3.endpoint \"{}\": {}; write it as http(s)://host[:port]", url, why));
}

bool S3IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

bool S3IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool S3Endpoint::HostIsIpLiteral() const {
  if (host.starts_with('[')) {
    return true;  // IPv6
  }
  int dots = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      if (!S3IsDigits(std::string_view(host).substr(start, i - start))) {
        return false;
      }
      ++dots;
      start = i + 1;
    }
  }
  return dots == 4;
}

S3Endpoint ParseS3Endpoint(std::string_view url) {
  S3Endpoint out;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    S3ThrowBadEndpoint(url, "no http:// or https:// scheme");
  }
  out.scheme = std::string(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") {
    S3ThrowBadEndpoint(url, fmt::format("scheme \"{}\" is not http or https", out.scheme));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find_first_of("?#@") != std::string_view::npos) {
    S3ThrowBadEndpoint(url, "user info, query and fragment are not allowed");
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (path.ends_with('/')) {
      path.remove_suffix(1);
    }
    out.base_path = std::string(path);
  }
  std::size_t port_colon = authority.rfind(':');
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      S3ThrowBadEndpoint(url, "unterminated IPv6 address");
    }
    port_colon = close + 1 < authority.size() ? close + 1 : std::string_view::npos;
  }
  if (port_colon != std::string_view::npos) {
    out.port = std::string(authority.substr(port_colon + 1));
    authority = authority.substr(0, port_colon);
    if (!S3IsDigits(out.port)) {
      S3ThrowBadEndpoint(url, fmt::format("port \"{}\" is not a number", out.port));
    }
  }
  if (authority.empty()) {
    S3ThrowBadEndpoint(url, "no host");
  }
  out.host = std::string(authority);
  return out;
}

std::string S3UriEncode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (S3IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string S3CanonicalQuery(const S3Query& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(S3UriEncode(name, false), S3UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += name + "=" + value;
  }
  return out;
}

bool IsDnsCompatibleBucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) {
    return false;
  }
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(bucket.front()) || !alnum(bucket.back())) {
    return false;
  }
  return std::all_of(bucket.begin(), bucket.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '.'; });
}

std::string S3ObjectUrl(const S3Endpoint& endpoint, std::string_view bucket, bool path_style,
                        std::string_view key, const S3Query& query) {
  const std::string port = endpoint.port.empty() ? "" : ":" + endpoint.port;
  std::string url;
  if (path_style) {
    url = fmt::format("{}://{}{}{}/{}", endpoint.scheme, endpoint.host, port, endpoint.base_path,
                      S3UriEncode(bucket, false));
    if (!key.empty()) {
      url += "/" + S3UriEncode(key, true);
    }
  } else {
    if (endpoint.HostIsIpLiteral()) {
      throw Error(ErrorCode::kConfigurationProblem,
                  fmt::format("cache.s3.endpoint host {} is an IP address, which cannot carry a "
                              "virtual-hosted bucket; set cache.s3.forcePathStyle: true",
                              endpoint.host));
    }
    if (!IsDnsCompatibleBucket(bucket)) {
      throw Error(ErrorCode::kConfigurationProblem,
                  fmt::format("cache.s3.bucket \"{}\" is not a DNS name, so virtual-hosted "
                              "addressing cannot work; set cache.s3.forcePathStyle: true",
                              bucket));
    }
    url = fmt::format("{}://{}.{}{}{}/{}", endpoint.scheme, bucket, endpoint.host, port,
                      endpoint.base_path, S3UriEncode(key, true));
  }
  if (!query.empty()) {
    url += "?" + S3CanonicalQuery(query);
  }
  return url;
}

}  // namespace gpuext::nodeagent::artifact
