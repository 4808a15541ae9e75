// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/cache/upload_token.h"

#include <fstream>

#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::cache {
namespace {

using namespace std::chrono_literals;

const std::chrono::system_clock::time_point kUploadTokenTestNow{std::chrono::hours(500000)};

TEST(UploadTokensTest, IssuedTokenVerifiesUntilItExpires) {
  const UploadTokens tokens("0123456789abcdef0123456789abcdef");
  const std::string token = tokens.Issue(
      {.lease_id = "abc", .key = "userspace/580.95.05/amd64", .expires = kUploadTokenTestNow + 1h});
  TokenCheck c = tokens.Verify(token, kUploadTokenTestNow);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.claims.lease_id, "abc");
  EXPECT_EQ(c.claims.key, "userspace/580.95.05/amd64");
  EXPECT_EQ(c.claims.expires, kUploadTokenTestNow + 1h);
  EXPECT_EQ(tokens.Verify(token, kUploadTokenTestNow + 1h).status, TokenStatus::kExpired);
}

TEST(UploadTokensTest, AnyChangedByteOrAnotherSecretFails) {
  const UploadTokens tokens("0123456789abcdef0123456789abcdef");
  const UploadTokens other("fedcba9876543210fedcba9876543210");
  const std::string token =
      tokens.Issue({.lease_id = "abc", .key = "k", .expires = kUploadTokenTestNow + 1h});
  EXPECT_EQ(other.Verify(token, kUploadTokenTestNow).status, TokenStatus::kBadSignature);
  for (std::size_t i = 3; i < token.size(); i += 7) {
    std::string t = token;
    t[i] = t[i] == '0' ? '1' : '0';
    EXPECT_FALSE(tokens.Verify(t, kUploadTokenTestNow).ok()) << i;
  }
  EXPECT_EQ(tokens.Verify("", kUploadTokenTestNow).status, TokenStatus::kMalformed);
  EXPECT_EQ(tokens.Verify("v1.zz.zz", kUploadTokenTestNow).status, TokenStatus::kMalformed);
}

TEST(UploadTokensTest, SecretFileMustExistAndBeLongEnough) {
  gpuext::testing::TempDir dir;
  try {
    (void)UploadTokens::FromFile(dir.path() / "missing");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
    EXPECT_NE(std::string(e.what()).find("gpu-cache-upload-hmac"), std::string::npos);
  }
  std::ofstream(dir.path() / "short") << "short\n";
  EXPECT_THROW((void)UploadTokens::FromFile(dir.path() / "short"), Error);
  std::ofstream(dir.path() / "key") << "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMy\n";
  const UploadTokens tokens = UploadTokens::FromFile(dir.path() / "key");
  EXPECT_TRUE(
      tokens
          .Verify(tokens.Issue({.lease_id = "a", .key = "k", .expires = kUploadTokenTestNow + 1s}),
                  kUploadTokenTestNow)
          .ok());
}

}  // namespace
}  // namespace gpuext::nodeagent::cache
