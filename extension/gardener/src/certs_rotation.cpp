// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// When to renew which certificate, and where the set is kept (cert dir, Secret data).
#include <algorithm>
#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/gardener/certs.h"
#include "gpuext/time_format.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;
using std::chrono::system_clock;

// Less than `fraction` of [not_before, not_after] remains at `now`.
bool NearExpiry(const CertificateInfo& info, system_clock::time_point now, double fraction) {
  const auto total = std::chrono::duration<double>(info.not_after - info.not_before).count();
  const auto remaining = std::chrono::duration<double>(info.not_after - now).count();
  return total <= 0 || remaining < fraction * total;
}

std::string ExpiryReason(const std::string& what, const CertificateInfo& info, double fraction) {
  return fmt::format("{} expires at {}: less than {}% of its validity remains", what,
                     FormatRfc3339(info.not_after), static_cast<int>(fraction * 100 + 0.5));
}

// Why the CA must be replaced; nullopt when it is fine.
std::optional<std::string> CaRenewReason(const CertificatePair& ca, const CertificateConfig& config,
                                         system_clock::time_point now) {
  CertificateInfo info;
  try {
    info = InspectCertificate(ca.cert_pem);
  } catch (const Error&) {
    return "the CA certificate does not parse";
  }
  if (!info.is_ca) {
    return "the CA certificate is not a CA";
  }
  if (!KeyMatches(ca)) {
    return "the CA key does not match the CA certificate";
  }
  if (NearExpiry(info, now, config.ca_renew_remaining)) {
    return ExpiryReason("the CA", info, config.ca_renew_remaining);
  }
  return std::nullopt;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Why the serving certificate must be reissued; nullopt when it is fine.
std::optional<std::string> ServingRenewReason(const WebhookCertificates& certs,
                                              const CertificateConfig& config,
                                              system_clock::time_point now) {
  CertificateInfo info;
  try {
    info = InspectCertificate(certs.serving.cert_pem);
  } catch (const Error&) {
    return "the serving certificate does not parse";
  }
  if (!KeyMatches(certs.serving)) {
    return "the serving key does not match the serving certificate";
  }
  if (!IsIssuedBy(certs.serving.cert_pem, certs.ca.cert_pem)) {
    return "the serving certificate is not signed by the current CA";
  }
  std::vector<std::string> want_ips;
  for (const std::string& ip : config.ip_addresses) {
    want_ips.push_back(CanonicalIpAddress(ip));
  }
  if (Sorted(info.dns_names) != Sorted(config.DnsNames()) ||
      Sorted(info.ip_addresses) != Sorted(want_ips)) {
    return "the serving certificate's subject alternative names changed";
  }
  if (NearExpiry(info, now, config.serving_renew_remaining)) {
    return ExpiryReason("the serving certificate", info, config.serving_renew_remaining);
  }
  return std::nullopt;
}

// The current CA first, then every other CA of `candidates` that is still valid, once each.
std::string BuildBundle(const std::string& current_ca, const std::vector<std::string>& candidates,
                        system_clock::time_point now) {
  std::vector<std::string> kept = SplitPemCertificates(current_ca);
  for (const std::string& pem : candidates) {
    if (std::find(kept.begin(), kept.end(), pem) != kept.end()) {
      continue;
    }
    try {
      const CertificateInfo info = InspectCertificate(pem);
      if (info.is_ca && info.not_after > now) {
        kept.push_back(pem);
      }
    } catch (const Error&) {
      // An unparsable entry is dropped: it could never verify anything.
    }
  }
  std::string bundle;
  for (const std::string& pem : kept) {
    bundle += pem;
  }
  return bundle;
}

ServingOptions ServingFor(const CertificateConfig& config) {
  return {.common_name = config.service_name,
          .dns_names = config.DnsNames(),
          .ip_addresses = config.ip_addresses,
          .validity = config.serving_validity,
          .algorithm = config.algorithm};
}

CaOptions CaFor(const CertificateConfig& config) {
  return {.common_name = config.ca_common_name,
          .validity = config.ca_validity,
          .algorithm = config.algorithm};
}

std::optional<std::string> Decoded(const json& data, const char* key) {
  const auto it = data.find(key);
  if (it == data.end() || !it->is_string()) {
    return std::nullopt;
  }
  try {
    return Base64Decode(it->get<std::string>());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::vector<std::string> CertificateConfig::DnsNames() const {
  std::vector<std::string> names = ServiceDnsNames(service_name, service_namespace);
  for (const std::string& name : extra_dns_names) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  return names;
}

CertificateRotation PlanCertificateRotation(const CertificateConfig& config,
                                            const std::optional<WebhookCertificates>& existing,
                                            const Clock& clock) {
  const auto now = clock.Now();
  CertificateRotation r;
  if (!existing) {
    r.certs.ca = GenerateCa(CaFor(config), clock);
    r.certs.ca_bundle = r.certs.ca.cert_pem;
    r.certs.serving = IssueServingCertificate(r.certs.ca, ServingFor(config), clock);
    r.ca_renewed = r.serving_renewed = r.bundle_changed = true;
    r.reason = "no certificates yet";
    return r;
  }
  r.certs = *existing;
  std::vector<std::string> candidates = SplitPemCertificates(existing->ca_bundle);
  if (const auto why = CaRenewReason(existing->ca, config, now)) {
    // The old CA stays trusted (while valid) so that the serving certificate it signed keeps
    // verifying until kube-apiserver sees the new one.
    candidates.insert(candidates.begin(), existing->ca.cert_pem);
    r.certs.ca = GenerateCa(CaFor(config), clock);
    r.ca_renewed = true;
    r.reason = *why;
  }
  r.certs.ca_bundle = BuildBundle(r.certs.ca.cert_pem, candidates, now);
  r.bundle_changed = r.certs.ca_bundle != existing->ca_bundle;
  const std::optional<std::string> serving_why =
      r.ca_renewed ? std::optional<std::string>("the CA was renewed")
                   : ServingRenewReason(r.certs, config, now);
  if (serving_why) {
    r.certs.serving = IssueServingCertificate(r.certs.ca, ServingFor(config), clock);
    r.serving_renewed = true;
    if (r.reason.empty()) {
      r.reason = *serving_why;
    }
  }
  if (r.reason.empty() && r.bundle_changed) {
    r.reason = "the CA bundle changed (an old CA expired)";
  }
  return r;
}

std::optional<WebhookCertificates> LoadCertificatesFromDirectory(const std::filesystem::path& dir) {
  const auto ca_cert = ReadFileIfExists(dir / kCaCertFile);
  const auto ca_key = ReadFileIfExists(dir / kCaKeyFile);
  const auto bundle = ReadFileIfExists(dir / kCaBundleFile);
  const auto cert = ReadFileIfExists(dir / kServingCertFile);
  const auto key = ReadFileIfExists(dir / kServingKeyFile);
  if (!ca_cert || !ca_key || !bundle || !cert || !key) {
    return std::nullopt;
  }
  return WebhookCertificates{.ca = {.cert_pem = *ca_cert, .key_pem = *ca_key},
                             .ca_bundle = *bundle,
                             .serving = {.cert_pem = *cert, .key_pem = *key}};
}

void WriteCertificatesToDirectory(const std::filesystem::path& dir,
                                  const WebhookCertificates& certs) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw Error(ErrorCode::kInternal,
                "certificates: cannot create " + dir.string() + ": " + ec.message());
  }
  WriteFileAtomically(dir / kCaKeyFile, certs.ca.key_pem, 0600);
  WriteFileAtomically(dir / kCaCertFile, certs.ca.cert_pem, 0644);
  WriteFileAtomically(dir / kCaBundleFile, certs.ca_bundle, 0644);
  // Key before certificate: WebhookServer only takes a matching pair, so a reload between the
  // two writes keeps serving the previous pair.
  WriteFileAtomically(dir / kServingKeyFile, certs.serving.key_pem, 0600);
  WriteFileAtomically(dir / kServingCertFile, certs.serving.cert_pem, 0644);
}

std::optional<WebhookCertificates> CertificatesFromSecretData(const json& data) {
  if (!data.is_object()) {
    return std::nullopt;
  }
  const auto ca_cert = Decoded(data, kCaCertFile);
  const auto ca_key = Decoded(data, kCaKeyFile);
  const auto bundle = Decoded(data, kCaBundleFile);
  const auto cert = Decoded(data, kServingCertFile);
  const auto key = Decoded(data, kServingKeyFile);
  if (!ca_cert || !ca_key || !bundle || !cert || !key) {
    return std::nullopt;
  }
  return WebhookCertificates{.ca = {.cert_pem = *ca_cert, .key_pem = *ca_key},
                             .ca_bundle = *bundle,
                             .serving = {.cert_pem = *cert, .key_pem = *key}};
}

json CertificatesToSecretData(const WebhookCertificates& certs) {
  return {{kCaCertFile, Base64Encode(certs.ca.cert_pem)},
          {kCaKeyFile, Base64Encode(certs.ca.key_pem)},
          {kCaBundleFile, Base64Encode(certs.ca_bundle)},
          {kServingCertFile, Base64Encode(certs.serving.cert_pem)},
          {kServingKeyFile, Base64Encode(certs.serving.key_pem)}};
}

CertificateRotation RotateCertificatesInDirectory(
    const std::filesystem::path& dir, const CertificateConfig& config, const Clock& clock,
    const std::function<void(const std::string& ca_bundle)>& publish_bundle) {
  CertificateRotation r =
      PlanCertificateRotation(config, LoadCertificatesFromDirectory(dir), clock);
  if (!r.changed()) {
    return r;
  }
  if (publish_bundle) {
    publish_bundle(r.certs.ca_bundle);
  }
  WriteCertificatesToDirectory(dir, r.certs);
  return r;
}

}  // namespace gpuext::gardener
