// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/cache/upload_token.h"

#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::cache {

namespace {

constexpr std::string_view kUploadTokenPrefix = "v1.";

std::string UploadTokenMac(const std::string& secret, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &length) == nullptr) {
    throw Error(ErrorCode::kInternal, "HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::optional<std::string> UploadTokenHexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return std::nullopt;
  }
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace

UploadTokens::UploadTokens(std::string secret) : secret_(std::move(secret)) {
  if (secret_.size() < 16) {
    throw Error(ErrorCode::kConfigurationProblem,
                "the upload HMAC secret must have at least 16 bytes; use the generated "
                "gpu-cache-upload-hmac Secret (32 random bytes)");
  }
}

UploadTokens UploadTokens::FromFile(const std::filesystem::path& file) {
  std::optional<std::string> text;
  try {
    text = ReadFileIfExists(file);
  } catch (const Error&) {
    std::throw_with_nested(Error(ErrorCode::kConfigurationProblem,
                                 fmt::format("upload HMAC secret {}", file.string())));
  }
  if (!text) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("upload HMAC secret {} does not exist; mount the Secret "
                            "gpu-cache-upload-hmac (key \"key\") there",
                            file.string()));
  }
  std::string s = std::move(*text);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  try {
    return UploadTokens(std::move(s));
  } catch (const Error&) {
    std::throw_with_nested(Error(ErrorCode::kConfigurationProblem,
                                 fmt::format("upload HMAC secret {}", file.string())));
  }
}

UploadTokens::~UploadTokens() {
  if (!secret_.empty()) {
    OPENSSL_cleanse(secret_.data(), secret_.size());
  }
}

std::string UploadTokens::Issue(const UploadClaims& claims) const {
  const nlohmann::json payload = {
      {"l", claims.lease_id},
      {"k", claims.key},
      {"e", std::chrono::duration_cast<std::chrono::seconds>(claims.expires.time_since_epoch())
                .count()}};
  const std::string body = HexEncode(payload.dump());
  return std::string(kUploadTokenPrefix) + body + "." +
         HexEncode(UploadTokenMac(secret_, std::string(kUploadTokenPrefix) + body));
}

TokenCheck UploadTokens::Verify(std::string_view token,
                                std::chrono::system_clock::time_point now) const {
  TokenCheck check;
  if (!token.starts_with(kUploadTokenPrefix)) {
    return check;
  }
  const auto dot = token.find('.', kUploadTokenPrefix.size());
  if (dot == std::string_view::npos) {
    return check;
  }
  const std::string_view signed_part = token.substr(0, dot);
  const auto mac = UploadTokenHexDecode(token.substr(dot + 1));
  const auto body = UploadTokenHexDecode(signed_part.substr(kUploadTokenPrefix.size()));
  if (!mac || !body) {
    return check;
  }
  const std::string expected = UploadTokenMac(secret_, signed_part);
  if (mac->size() != expected.size() ||
      CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) != 0) {
    check.status = TokenStatus::kBadSignature;
    return check;
  }
  try {
    const nlohmann::json payload = nlohmann::json::parse(*body);
    check.claims.lease_id = payload.at("l").get<std::string>();
    check.claims.key = payload.at("k").get<std::string>();
    check.claims.expires = std::chrono::system_clock::time_point(
        std::chrono::seconds(payload.at("e").get<std::int64_t>()));
  } catch (const nlohmann::json::exception&) {
    return check;  // a MAC over garbage: only we could have made it, but it is still malformed
  }
  check.status = now < check.claims.expires ? TokenStatus::kOk : TokenStatus::kExpired;
  return check;
}

}  // namespace gpuext::nodeagent::cache
