// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// ed25519 manifest signatures (DESIGN.md §14.2, §19.4) through OpenSSL 3 EVP. The cache server
// holds a SigningKey; node agents hold the trusted PublicKeys from their configuration.
//
//   SigningKey key = SigningKey::Generate();
//   SignManifest(manifest, key);                        // sets manifest.signature
//   std::vector<PublicKey> trusted = {PublicKey::FromBase64(key.PublicKeyBase64())};
//   SignatureCheck check = VerifyManifestSignature(manifest, trusted);
//   if (!check.ok()) { ... check.status, check.message ... }

#include <span>
#include <string>
#include <string_view>

#include "gpuext/nodeagent/artifact/manifest.h"

namespace gpuext::nodeagent::artifact {

// A public key: 32 raw bytes. Value type.
class PublicKey {
 public:
  // Parses base64 of the raw 32-byte key. Throws gpuext::Error(kInvalidArgument).
  [[nodiscard]] static PublicKey FromBase64(std::string_view text);
  [[nodiscard]] static PublicKey FromRaw(std::string_view raw);

  [[nodiscard]] const std::string& raw() const { return raw_; }
  [[nodiscard]] std::string ToBase64() const;
  // "sha256:<hex of the raw public key>".
  [[nodiscard]] std::string KeyId() const;
  // True when `signature` (64 raw bytes) is a valid ed25519 signature of `data`.
  [[nodiscard]] bool Verify(std::string_view data, std::string_view signature) const;

 private:
  explicit PublicKey(std::string raw) : raw_(std::move(raw)) {}
  std::string raw_;
};

// A private key. The raw seed is wiped on destruction. Movable, not copyable.
class SigningKey {
 public:
  [[nodiscard]] static SigningKey Generate();
  // PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") as `openssl genpkey -algorithm ed25519` writes
  // it. Throws gpuext::Error(kInvalidArgument) on anything else.
  [[nodiscard]] static SigningKey FromPem(std::string_view pem);

  SigningKey(SigningKey&&) noexcept = default;
  SigningKey& operator=(SigningKey&&) noexcept = default;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  [[nodiscard]] std::string ToPem() const;
  [[nodiscard]] const PublicKey& public_key() const { return public_key_; }
  [[nodiscard]] std::string PublicKeyBase64() const { return public_key_.ToBase64(); }
  [[nodiscard]] std::string KeyId() const { return public_key_.KeyId(); }
  // The 64-byte raw signature of `data`.
  [[nodiscard]] std::string Sign(std::string_view data) const;

 private:
  SigningKey(std::string seed, PublicKey public_key)
      : seed_(std::move(seed)), public_key_(std::move(public_key)) {}
  std::string seed_;  // the 32-byte raw private key
  PublicKey public_key_;
};

// Signs CanonicalManifestJson(manifest) and stores the signature in manifest.signature.
void SignManifest(ArtifactManifest& manifest, const SigningKey& key);

enum class SignatureStatus {
  kOk,
  kUnsigned,              // no "signature" object
  kUnsupportedAlgorithm,  // algorithm other than ed25519
  kUnknownKey,            // keyId names no trusted key
  kBadSignature,          // the value does not verify (tampered manifest or forged signature)
};

std::string_view ToString(SignatureStatus status);

struct SignatureCheck {
  SignatureStatus status = SignatureStatus::kBadSignature;
  std::string message = {};  // says what is wrong and how to fix it; empty when ok
  [[nodiscard]] bool ok() const { return status == SignatureStatus::kOk; }
};

// Checks manifest.signature against the trusted keys. An answer, never throws for bad input.
[[nodiscard]] SignatureCheck VerifyManifestSignature(const ArtifactManifest& manifest,
                                                     std::span<const PublicKey> trusted_keys);

}  // namespace gpuext::nodeagent::artifact
