// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Webhook certificates (DESIGN.md §7 "Webhook certificates and registration", §19.1): our own
// CA, a serving certificate signed by it for the webhook Service, and the rotation rules that
// keep kube-apiserver trusting us without a failed request.
//
//   CertificateConfig config{.ca_common_name = "gardener-extension-gpu",
//                            .service_name = "gardener-extension-gpu",
//                            .service_namespace = "extension-gpu-abc"};
//   CertificateRotation r = RotateCertificatesInDirectory(
//       "/tmp/webhook-certs", config, clock,
//       [&](const std::string& bundle) { Reconcile(client, BuildWebhookConfiguration(desc,
//       bundle)); });
//
// Order matters during a rotation: the caBundle that trusts the new CA must be registered
// before a serving certificate signed by it is written, otherwise kube-apiserver would reject
// the new certificate for a moment. RotateCertificatesInDirectory does it in that order; the
// WebhookServer (webhook_server.h) picks the new files up for new connections.
//
// Expiry decisions use the injected Clock; the certificates' notBefore/notAfter come from it
// too (notBefore one hour early, for clock skew between us and kube-apiserver).

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"

namespace gpuext::gardener {

enum class KeyAlgorithm { kEcdsaP256, kRsa2048 };

// A certificate and its private key, both PEM.
struct CertificatePair {
  std::string cert_pem = {};
  std::string key_pem = {};
};

// What a certificate says about itself (the first certificate of a PEM text).
struct CertificateInfo {
  std::string common_name = {};
  std::chrono::system_clock::time_point not_before = {};
  std::chrono::system_clock::time_point not_after = {};
  std::vector<std::string> dns_names = {};
  std::vector<std::string> ip_addresses = {};  // textual, e.g. "127.0.0.1", "::1"
  bool is_ca = false;
};

// Parses the first certificate of `cert_pem`. Throws Error(kInvalidArgument) when it is not a
// PEM certificate.
[[nodiscard]] CertificateInfo InspectCertificate(const std::string& cert_pem);

// Every certificate of a PEM text (a bundle), in order, as PEM blocks.
[[nodiscard]] std::vector<std::string> SplitPemCertificates(const std::string& pem);

// True when `cert_pem` names `ca_cert_pem` as its issuer and carries a signature by its key.
// False (never a throw) for unparsable input.
[[nodiscard]] bool IsIssuedBy(const std::string& cert_pem, const std::string& ca_cert_pem);
// True when the private key belongs to the certificate; false for unparsable input.
[[nodiscard]] bool KeyMatches(const CertificatePair& pair);

struct CaOptions {
  std::string common_name = {};
  std::chrono::seconds validity = std::chrono::hours(24 * 30);
  KeyAlgorithm algorithm = KeyAlgorithm::kEcdsaP256;
};

// A new self-signed CA (basicConstraints CA:TRUE critical, keyCertSign|cRLSign). Throws
// Error(kInternal) when OpenSSL fails.
[[nodiscard]] CertificatePair GenerateCa(const CaOptions& options, const Clock& clock);

struct ServingOptions {
  std::string common_name = {};
  std::vector<std::string> dns_names = {};
  std::vector<std::string> ip_addresses = {};
  std::chrono::seconds validity = std::chrono::hours(24 * 30);
  KeyAlgorithm algorithm = KeyAlgorithm::kEcdsaP256;
};

// A serving certificate (extendedKeyUsage serverAuth) signed by `ca`. Its notAfter never
// passes the CA's (a chain is only as valid as its CA). Throws Error(kInvalidArgument) for an
// unusable CA or a malformed IP address, Error(kInternal) when OpenSSL fails.
[[nodiscard]] CertificatePair IssueServingCertificate(const CertificatePair& ca,
                                                      const ServingOptions& options,
                                                      const Clock& clock);

// The canonical text of an IPv4/IPv6 address ("::0001" → "::1"), as certificates report it.
// Throws Error(kInvalidArgument) for anything else.
[[nodiscard]] std::string CanonicalIpAddress(const std::string& text);

// The DNS names kube-apiserver may use for a Service: name, name.ns, name.ns.svc,
// name.ns.svc.cluster.local.
[[nodiscard]] std::vector<std::string> ServiceDnsNames(const std::string& service,
                                                       const std::string& ns);

// What the extension wants. Validities and thresholds follow DESIGN.md §7: CA 30 days renewed
// at 80 % of its life, serving certificate renewed when less than 30 % of its life remains.
struct CertificateConfig {
  std::string ca_common_name = {};  // the extension name, e.g. "gardener-extension-gpu"
  std::string service_name = {};
  std::string service_namespace = {};
  std::vector<std::string> extra_dns_names = {};
  std::vector<std::string> ip_addresses = {};
  std::chrono::seconds ca_validity = std::chrono::hours(24 * 30);
  std::chrono::seconds serving_validity = std::chrono::hours(24 * 30);
  double ca_renew_remaining = 0.2;       // renew the CA when less than this fraction remains
  double serving_renew_remaining = 0.3;  // same for the serving certificate
  KeyAlgorithm algorithm = KeyAlgorithm::kEcdsaP256;

  // ServiceDnsNames(service_name, service_namespace) followed by extra_dns_names.
  [[nodiscard]] std::vector<std::string> DnsNames() const;
};

// The full set kept in the cert dir or the Secret.
struct WebhookCertificates {
  CertificatePair ca = {};     // the current CA (signs the serving certificate)
  std::string ca_bundle = {};  // what caBundle carries: current CA, then older CAs still valid
  CertificatePair serving = {};
};

// File names in the cert dir and keys in the Secret's data. tls.crt/tls.key are what
// WebhookServer serves.
inline constexpr const char* kCaCertFile = "ca.crt";
inline constexpr const char* kCaKeyFile = "ca.key";
inline constexpr const char* kCaBundleFile = "ca-bundle.crt";
inline constexpr const char* kServingCertFile = "tls.crt";
inline constexpr const char* kServingKeyFile = "tls.key";

// Reads the set from a directory; nullopt when any file is missing. Throws Error naming the
// file on read failures.
[[nodiscard]] std::optional<WebhookCertificates> LoadCertificatesFromDirectory(
    const std::filesystem::path& dir);

// Writes every file atomically (gpuext::WriteFileAtomically): CA files and bundle first, then
// tls.key, then tls.crt, so a reader that sees the new tls.crt also sees its key. Keys are
// 0600, certificates 0644. Creates the directory.
void WriteCertificatesToDirectory(const std::filesystem::path& dir,
                                  const WebhookCertificates& certs);

// From a Secret's `data` (base64 values); nullopt when a key is missing or not base64.
[[nodiscard]] std::optional<WebhookCertificates> CertificatesFromSecretData(
    const nlohmann::json& data);
// A Secret `data` object for the set (base64 values, the file names as keys).
[[nodiscard]] nlohmann::json CertificatesToSecretData(const WebhookCertificates& certs);

// The outcome of one rotation check.
struct CertificateRotation {
  WebhookCertificates certs;
  bool ca_renewed = false;
  bool serving_renewed = false;
  bool bundle_changed = false;
  std::string reason = {};  // why something changed, for the log; empty when nothing did

  [[nodiscard]] bool changed() const { return ca_renewed || serving_renewed || bundle_changed; }
};

// The rotation rule, a pure decision on `existing` (nullopt: generate everything):
//   - the CA is renewed when it is unusable (not a CA, key mismatch) or less than
//     ca_renew_remaining of its validity remains; the old CA stays in the bundle while it is
//     still valid, so connections verified with either keep working during the overlap;
//   - the serving certificate is renewed when the CA was renewed, it is not signed by the
//     current CA, its key does not match, its DNS/IP SANs differ from the config, or less than
//     serving_renew_remaining of its validity remains;
//   - expired CAs are dropped from the bundle.
[[nodiscard]] CertificateRotation PlanCertificateRotation(
    const CertificateConfig& config, const std::optional<WebhookCertificates>& existing,
    const Clock& clock);

// Loads the set from `dir`, applies PlanCertificateRotation and, when something changed,
// calls publish_bundle(new caBundle) (when given) before writing the files, so that the new
// CA is trusted before any certificate signed by it is served. Returns what happened.
CertificateRotation RotateCertificatesInDirectory(
    const std::filesystem::path& dir, const CertificateConfig& config, const Clock& clock,
    const std::function<void(const std::string& ca_bundle)>& publish_bundle = {});

}  // namespace gpuext::gardener
