// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The seed Secrets of one shoot namespace that the driver cache needs (DESIGN.md §10.1 step 3):
//   gpu-cache-signing-key   ed25519 key signing driver manifests (PKCS#8 PEM, key ed25519.pem),
//                           or the user's shared key from cache.signingKeySecretRef;
//   gpu-cache-tls           CA + serving certificate of gpu-driver-cache.gpu-driver-cache.svc;
//   gpu-cache-upload-hmac   key of the one-time upload tokens of builder Jobs.
// Created once and reused, so manifests signed yesterday still verify; the serving certificate
// is re-issued when less than 30 % of its life remains (DESIGN.md §7's rule), the CA when less
// than 20 % remains (the agents then get the new CA through their ConfigMaps).
//
//   const CacheSecrets secrets = EnsureCacheSecrets(seed, ns, plan.cache, clock);
//
// Key material never reaches a log: errors name the Secret, never its data.

#include <string>

#include "gpuext/clock.h"
#include "gpuext/gpu/shoot_plan.h"
#include "gpuext/kube/client.h"

namespace gpuext::gpu {

struct CacheSecrets {
  std::string signing_key_pem{};     // private: only for the cache server's Secret
  std::string signing_public_key{};  // base64 of the raw 32-byte public key
  std::string ca_pem{};              // what agents trust
  std::string tls_cert_pem{};
  std::string tls_key_pem{};
  std::string upload_hmac_key{};  // 32 random bytes, base64
};

// Data keys of the Secrets.
inline constexpr const char* kSigningKeyDataKey = "ed25519.pem";
inline constexpr const char* kCaDataKey = "ca.crt";
inline constexpr const char* kTlsCertDataKey = "tls.crt";
inline constexpr const char* kTlsKeyDataKey = "tls.key";
inline constexpr const char* kHmacDataKey = "key";

// Reads or creates the three Secrets in the shoot namespace `ns`. With a user signing key
// (plan.signing_key_seed_secret) that Secret's ed25519.pem is used and ours is not created.
// Throws Error(kConfigurationProblem) when the user's Secret is missing or holds no ed25519 key.
[[nodiscard]] CacheSecrets EnsureCacheSecrets(kube::Client& seed, const std::string& ns,
                                              const CachePlan& plan, const Clock& clock);

// Deletes the three Secrets (absent is fine). The user's signing-key Secret is not ours.
void DeleteCacheSecrets(kube::Client& seed, const std::string& ns);

}  // namespace gpuext::gpu
