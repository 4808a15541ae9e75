// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// One-time upload tokens of builder Jobs (DESIGN.md §14.3): HMAC-SHA256 over (leaseId, key,
// expiry) with the gpu-cache-upload-hmac secret. A token names one lease; the server also
// checks that the lease is still current, so a token dies with its lease (commit, failure
// report or takeover) even before it expires.
//
//   UploadTokens tokens = UploadTokens::FromFile("/etc/gpu-driver-cache/upload-hmac/key");
//   std::string t = tokens.Issue({.lease_id = id, .key = key.Path(), .expires = now + 2h});
//   TokenCheck c = tokens.Verify(t, clock.Now());   // c.status == TokenStatus::kOk

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace gpuext::nodeagent::cache {

struct UploadClaims {
  std::string lease_id = {};
  std::string key = {};  // the key path
  std::chrono::system_clock::time_point expires = {};
};

enum class TokenStatus { kOk, kMalformed, kBadSignature, kExpired };

struct TokenCheck {
  TokenStatus status = TokenStatus::kMalformed;
  UploadClaims claims = {};  // filled when the MAC verified (also when expired)
  [[nodiscard]] bool ok() const { return status == TokenStatus::kOk; }
};

// Immutable; safe for concurrent use. The secret is wiped on destruction and never logged.
class UploadTokens {
 public:
  // Throws gpuext::Error(kConfigurationProblem) for a secret shorter than 16 bytes.
  explicit UploadTokens(std::string secret);
  // Reads the secret file (surrounding whitespace is ignored). Throws
  // gpuext::Error(kConfigurationProblem) naming the file when it is missing or too short.
  [[nodiscard]] static UploadTokens FromFile(const std::filesystem::path& file);

  UploadTokens(UploadTokens&&) noexcept = default;
  UploadTokens& operator=(UploadTokens&&) noexcept = default;
  UploadTokens(const UploadTokens&) = delete;
  UploadTokens& operator=(const UploadTokens&) = delete;
  ~UploadTokens();

  // "v1.<hex of the claims JSON>.<hex of the HMAC>".
  [[nodiscard]] std::string Issue(const UploadClaims& claims) const;
  [[nodiscard]] TokenCheck Verify(std::string_view token,
                                  std::chrono::system_clock::time_point now) const;

 private:
  std::string secret_;
};

}  // namespace gpuext::nodeagent::cache
