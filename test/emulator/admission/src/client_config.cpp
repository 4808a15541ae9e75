// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/emulator/admission/internal/webhook_client.h"
#include "gpuext/error.h"

namespace gpuext::emulator::admission::internal {
namespace {

using nlohmann::json;

[[noreturn]] void Unusable(const std::string& message) {
  throw Error(ErrorCode::kConfigurationProblem, message);
}

// The caBundle, base64-decoded. kube-apiserver refuses a bundle without a PEM certificate when
// it builds the client, before any connection.
std::string DecodeCaBundle(const json& client_config) {
  const auto it = client_config.find("caBundle");
  if (it == client_config.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return "";
  }
  std::string pem = Base64Decode(it->get<std::string>());
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    Unusable("unable to load root certificates: unable to parse bytes as PEM block");
  }
  return pem;
}

std::string TimeoutQuery(std::chrono::seconds timeout) {
  return fmt::format("?timeout={}s", timeout.count());
}

void FromService(const json& service, HookTarget& t) {
  ServiceRef ref{.ns = service.value("namespace", ""), .name = service.value("name", "")};
  ref.port = service.value("port", 443);
  if (ref.port == 0) {
    ref.port = 443;
  }
  const std::string host = fmt::format("{}.{}.svc", ref.name, ref.ns);
  const std::string path = service.value("path", "");
  t.host_port = fmt::format("{}:{}", host, ref.port);
  // Without a path the REST client posts to "/".
  t.url = fmt::format("https://{}{}{}", t.host_port, path.empty() ? std::string_view("/") : path,
                      TimeoutQuery(t.timeout));
  t.service = ref;
}

void FromUrl(const std::string& url, HookTarget& t) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) {
    Unusable(fmt::format("Unparsable URL: parse \"{}\": missing protocol scheme", url));
  }
  const size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  const std::string host = url.substr(scheme_end + 3, path_start - (scheme_end + 3));
  const std::string path = path_start == std::string::npos ? "" : url.substr(path_start);
  // A port is present when the last ':' follows any IPv6 literal's closing bracket.
  const size_t colon = host.rfind(':');
  const size_t bracket = host.rfind(']');
  const bool has_port =
      colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
  t.host_port = has_port ? host : fmt::format("{}:443", host);
  t.url =
      fmt::format("{}://{}{}{}", url.substr(0, scheme_end), host, path, TimeoutQuery(t.timeout));
}

}  // namespace

HookTarget BuildTarget(const json& client_config, std::chrono::seconds timeout) {
  HookTarget t;
  t.timeout = timeout;
  const auto service = client_config.find("service");
  const auto url = client_config.find("url");
  if (service != client_config.end() && service->is_object()) {
    FromService(*service, t);
  } else if (url != client_config.end() && url->is_string() &&
             !url->get_ref<const std::string&>().empty()) {
    FromUrl(url->get<std::string>(), t);
  } else {
    Unusable("webhook configuration must have either service or URL");
  }
  t.dial_address = t.host_port;
  t.ca_pem = DecodeCaBundle(client_config);
  return t;
}

}  // namespace gpuext::emulator::admission::internal
