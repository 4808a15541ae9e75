// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/seed_secrets.h"

#include <array>
#include <optional>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/gardener/certs.h"
#include "gpuext/gardener/managed_resource.h"
#include "gpuext/gpu/names.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/nodeagent/artifact/signing.h"

namespace gpuext::gpu {
namespace {

using nlohmann::json;
using std::chrono::hours;

constexpr auto kCaValidity = std::chrono::duration_cast<std::chrono::seconds>(hours(24 * 365 * 5));
constexpr auto kServingValidity = std::chrono::duration_cast<std::chrono::seconds>(hours(24 * 365));

std::optional<std::string> DataOf(const json& secret, const char* key) {
  const auto data = secret.find("data");
  if (data == secret.end() || !data->is_object() || !data->contains(key) ||
      !(*data)[key].is_string()) {
    return std::nullopt;
  }
  return Base64Decode((*data)[key].get<std::string>());
}

json SecretObject(const std::string& ns, std::string_view name,
                  const std::map<std::string, std::string>& data) {
  json encoded = json::object();
  for (const auto& [key, value] : data) {
    encoded[key] = Base64Encode(value);
  }
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata",
           {{"name", std::string(name)},
            {"namespace", ns},
            {"labels", {{"app.kubernetes.io/managed-by", std::string(kOrigin)}}}}},
          {"type", "Opaque"},
          {"data", encoded}};
}

// Creates the Secret, or replaces its data when it exists (update with resourceVersion).
void WriteSecret(kube::Client& seed, const std::string& ns, std::string_view name,
                 const std::map<std::string, std::string>& data,
                 const std::optional<json>& existing) {
  json secret = SecretObject(ns, name, data);
  if (!existing.has_value()) {
    seed.Create(gardener::kSecretsResource, secret);
    return;
  }
  secret["metadata"]["resourceVersion"] = (*existing)["metadata"]["resourceVersion"];
  seed.Update(gardener::kSecretsResource, secret);
}

std::string RandomKey() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw Error(ErrorCode::kInternal, "failed to generate the upload HMAC key: no randomness");
  }
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// True when less than `fraction` of the certificate's life is left.
bool NearExpiry(const std::string& cert_pem, double fraction, const Clock& clock) {
  const gardener::CertificateInfo info = gardener::InspectCertificate(cert_pem);
  const auto life = info.not_after - info.not_before;
  const auto left = info.not_after - clock.Now();
  return left < std::chrono::duration_cast<std::chrono::system_clock::duration>(life * fraction);
}

std::string SigningKeyOf(kube::Client& seed, const std::string& ns, const CachePlan& plan,
                         const Clock& /*clock*/) {
  if (!plan.signing_key_seed_secret.empty()) {
    const std::optional<json> user =
        seed.Get(gardener::kSecretsResource, {ns, plan.signing_key_seed_secret});
    const std::optional<std::string> pem =
        user.has_value() ? DataOf(*user, kSigningKeyDataKey) : std::nullopt;
    if (!pem.has_value()) {
      throw Error(ErrorCode::kConfigurationProblem,
                  "cache.signingKeySecretRef: the referenced Secret (seed copy " +
                      plan.signing_key_seed_secret + ") has no key " + kSigningKeyDataKey +
                      "; add an ed25519 private key in PKCS#8 PEM under that key");
    }
    return *pem;
  }
  const std::optional<json> ours =
      seed.Get(gardener::kSecretsResource, {ns, std::string(kSigningKeySecret)});
  if (ours.has_value()) {
    if (std::optional<std::string> pem = DataOf(*ours, kSigningKeyDataKey)) {
      return *pem;
    }
  }
  // A lost key would only mean rebuilding every driver, but a changed one mid-rollout would
  // make nodes refuse manifests: create it once and never rotate it implicitly.
  const std::string pem = nodeagent::artifact::SigningKey::Generate().ToPem();
  WriteSecret(seed, ns, kSigningKeySecret, {{kSigningKeyDataKey, pem}}, ours);
  return pem;
}

CacheSecrets EnsureCacheSecretsOnce(kube::Client& seed, const std::string& ns,
                                    const CachePlan& plan, const Clock& clock);

}  // namespace

CacheSecrets EnsureCacheSecrets(kube::Client& seed, const std::string& ns, const CachePlan& plan,
                                const Clock& clock) {
  // The Extension and every ContainerRuntime of the shoot ensure the same Secrets concurrently:
  // the loser of a create race reads what the winner wrote. Each of the three Secrets can be
  // lost once (a retry reads the ones already settled), so three retries always suffice.
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    try {
      return EnsureCacheSecretsOnce(seed, ns, plan, clock);
    } catch (const std::exception& e) {
      if (attempt == kAttempts || (!kube::IsAlreadyExists(e) && !kube::IsConflict(e))) {
        throw;
      }
    }
  }
}

namespace {

CacheSecrets EnsureCacheSecretsOnce(kube::Client& seed, const std::string& ns,
                                    const CachePlan& plan, const Clock& clock) {
  CacheSecrets out;
  out.signing_key_pem = SigningKeyOf(seed, ns, plan, clock);
  try {
    out.signing_public_key =
        nodeagent::artifact::SigningKey::FromPem(out.signing_key_pem).PublicKeyBase64();
  } catch (const Error&) {
    throw Error(ErrorCode::kConfigurationProblem,
                "the manifest signing key is not an ed25519 private key in PKCS#8 PEM; replace "
                "it (cache.signingKeySecretRef) or delete the Secret gpu-cache-signing-key to "
                "generate a new one");
  }

  const std::optional<json> tls =
      seed.Get(gardener::kSecretsResource, {ns, std::string(kCacheTlsSecret)});
  std::optional<std::string> ca = tls ? DataOf(*tls, kCaDataKey) : std::nullopt;
  std::optional<std::string> ca_key = tls ? DataOf(*tls, "ca.key") : std::nullopt;
  std::optional<std::string> cert = tls ? DataOf(*tls, kTlsCertDataKey) : std::nullopt;
  std::optional<std::string> key = tls ? DataOf(*tls, kTlsKeyDataKey) : std::nullopt;
  bool write = false;
  if (!ca || !ca_key || NearExpiry(*ca, 0.2, clock)) {
    const gardener::CertificatePair pair = gardener::GenerateCa(
        {.common_name = "gpu-driver-cache-ca", .validity = kCaValidity}, clock);
    ca = pair.cert_pem;
    ca_key = pair.key_pem;
    cert.reset();
    write = true;
  }
  if (!cert || !key || NearExpiry(*cert, 0.3, clock) || !gardener::IsIssuedBy(*cert, *ca)) {
    const gardener::CertificatePair serving = gardener::IssueServingCertificate(
        {.cert_pem = *ca, .key_pem = *ca_key},
        {.common_name = std::string(kCacheServiceHost),
         .dns_names = gardener::ServiceDnsNames("gpu-driver-cache", std::string(kCacheNamespace)),
         .validity = kServingValidity},
        clock);
    cert = serving.cert_pem;
    key = serving.key_pem;
    write = true;
  }
  if (write) {
    WriteSecret(
        seed, ns, kCacheTlsSecret,
        {{kCaDataKey, *ca}, {"ca.key", *ca_key}, {kTlsCertDataKey, *cert}, {kTlsKeyDataKey, *key}},
        tls);
  }
  out.ca_pem = *ca;
  out.tls_cert_pem = *cert;
  out.tls_key_pem = *key;

  const std::optional<json> hmac =
      seed.Get(gardener::kSecretsResource, {ns, std::string(kUploadHmacSecret)});
  std::optional<std::string> hmac_key = hmac ? DataOf(*hmac, kHmacDataKey) : std::nullopt;
  if (!hmac_key) {
    hmac_key = RandomKey();
    WriteSecret(seed, ns, kUploadHmacSecret, {{kHmacDataKey, *hmac_key}}, hmac);
  }
  out.upload_hmac_key = *hmac_key;
  return out;
}

}  // namespace

void DeleteCacheSecrets(kube::Client& seed, const std::string& ns) {
  for (std::string_view name : {kSigningKeySecret, kCacheTlsSecret, kUploadHmacSecret}) {
    seed.Delete(gardener::kSecretsResource, {ns, std::string(name)});
  }
}

}  // namespace gpuext::gpu
