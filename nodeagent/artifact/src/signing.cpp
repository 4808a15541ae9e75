// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/signing.h"

#include <memory>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::artifact {

namespace {

constexpr std::size_t kKeySize = 32;
constexpr std::size_t kSignatureSize = 64;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey PrivateFromSeed(const std::string& seed) {
  Pkey key(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  if (!key) {
    throw Error(ErrorCode::kInternal, "ed25519: cannot load the private key");
  }
  return key;
}

std::string RawPublic(EVP_PKEY* key) {
  std::string raw(kKeySize, '\0');
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != kKeySize) {
    throw Error(ErrorCode::kInternal, "ed25519: cannot read the public key");
  }
  return raw;
}

std::string RawPrivate(EVP_PKEY* key) {
  std::string raw(kKeySize, '\0');
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_private_key(key, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != kKeySize) {
    throw Error(ErrorCode::kInvalidArgument, "ed25519: cannot read the private key");
  }
  return raw;
}

}  // namespace

PublicKey PublicKey::FromRaw(std::string_view raw) {
  if (raw.size() != kKeySize) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("ed25519 public key: {} bytes, want {}", raw.size(), kKeySize));
  }
  return PublicKey(std::string(raw));
}

PublicKey PublicKey::FromBase64(std::string_view text) {
  try {
    return FromRaw(Base64Decode(text));
  } catch (const Error&) {
    std::throw_with_nested(Error(ErrorCode::kInvalidArgument,
                                 "ed25519 public key: want base64 of the raw 32-byte key"));
  }
}

std::string PublicKey::ToBase64() const { return Base64Encode(raw_); }

std::string PublicKey::KeyId() const { return "sha256:" + Sha256Hex(raw_); }

bool PublicKey::Verify(std::string_view data, std::string_view signature) const {
  if (signature.size() != kSignatureSize) {
    return false;
  }
  const Pkey key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw_.data()), raw_.size()));
  const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

SigningKey SigningKey::Generate() {
  const std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    throw Error(ErrorCode::kInternal, "ed25519: key generation failed");
  }
  const Pkey key(raw);
  return SigningKey(RawPrivate(key.get()), PublicKey::FromRaw(RawPublic(key.get())));
}

SigningKey SigningKey::FromPem(std::string_view pem) {
  const std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  const Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    throw Error(ErrorCode::kInvalidArgument,
                "ed25519 private key: want a PKCS#8 PEM ed25519 key (openssl genpkey -algorithm "
                "ed25519)");
  }
  return SigningKey(RawPrivate(key.get()), PublicKey::FromRaw(RawPublic(key.get())));
}

SigningKey::~SigningKey() {
  if (!seed_.empty()) {
    OPENSSL_cleanse(seed_.data(), seed_.size());
  }
}

std::string SigningKey::ToPem() const {
  const Pkey key = PrivateFromSeed(seed_);
  const std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw Error(ErrorCode::kInternal, "ed25519: cannot write the private key as PEM");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string SigningKey::Sign(std::string_view data) const {
  const Pkey key = PrivateFromSeed(seed_);
  const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::string signature(kSignatureSize, '\0');
  std::size_t len = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      len != kSignatureSize) {
    throw Error(ErrorCode::kInternal, "ed25519: signing failed");
  }
  return signature;
}

void SignManifest(ArtifactManifest& manifest, const SigningKey& key) {
  manifest.signature =
      ManifestSignature{.algorithm = "ed25519",
                        .key_id = key.KeyId(),
                        .value = Base64Encode(key.Sign(CanonicalManifestJson(manifest)))};
}

std::string_view ToString(SignatureStatus status) {
  switch (status) {
    case SignatureStatus::kOk:
      return "Ok";
    case SignatureStatus::kUnsigned:
      return "Unsigned";
    case SignatureStatus::kUnsupportedAlgorithm:
      return "UnsupportedAlgorithm";
    case SignatureStatus::kUnknownKey:
      return "UnknownKey";
    case SignatureStatus::kBadSignature:
      return "BadSignature";
  }
  return "Unknown";
}

SignatureCheck VerifyManifestSignature(const ArtifactManifest& manifest,
                                       std::span<const PublicKey> trusted_keys) {
  if (!manifest.signature) {
    return {SignatureStatus::kUnsigned,
            "the manifest carries no signature; only manifests published by the driver cache "
            "(which signs them) can be installed"};
  }
  const ManifestSignature& sig = *manifest.signature;
  if (sig.algorithm != "ed25519") {
    return {SignatureStatus::kUnsupportedAlgorithm,
            fmt::format("signature algorithm \"{}\" is not supported; the cache must sign with "
                        "ed25519",
                        sig.algorithm)};
  }
  const PublicKey* key = nullptr;
  for (const PublicKey& candidate : trusted_keys) {
    if (candidate.KeyId() == sig.key_id) {
      key = &candidate;
      break;
    }
  }
  if (key == nullptr) {
    return {SignatureStatus::kUnknownKey,
            fmt::format("the manifest is signed by key {}, which is not among the {} trusted "
                        "key(s); add the cache's public key to the agent's trustedKeys or re-sign "
                        "the artifact with a trusted key",
                        sig.key_id, trusted_keys.size())};
  }
  std::string raw_signature;
  try {
    raw_signature = Base64Decode(sig.value);
  } catch (const Error&) {
    return {SignatureStatus::kBadSignature, "the signature value is not valid base64"};
  }
  if (!key->Verify(CanonicalManifestJson(manifest), raw_signature)) {
    return {SignatureStatus::kBadSignature,
            fmt::format("the signature by key {} does not match the manifest contents (tampered "
                        "or corrupted); delete the cache entry so it is rebuilt and re-signed",
                        sig.key_id)};
  }
  return {SignatureStatus::kOk, {}};
}

}  // namespace gpuext::nodeagent::artifact
