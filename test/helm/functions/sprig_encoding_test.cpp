// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <set>

#include <gtest/gtest.h>

#include "sprig_case.h"

namespace gpuext::helm::testing {
namespace {

using nlohmann::json;

class SprigEncodingTest : public ::testing::TestWithParam<SprigCase> {};
TEST_P(SprigEncodingTest, PrintsWhatHelmPrints) { ExpectCase(GetParam()); }

// helm: every expectation below was printed by Helm v4.1.4 for the same call. Decoding
// errors are results, not template errors.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, SprigEncodingTest, ::testing::Values(
        SprigCase{"b64enc", {"hello"}, "aGVsbG8="},
        SprigCase{"b64dec", {"aGVsbG8="}, "hello"},
        SprigCase{"b64dec", {"aGVsbG8"}, "illegal base64 data at input byte 4"},
        SprigCase{"b64dec", {"a!"}, "illegal base64 data at input byte 1"},
        SprigCase{"b64dec", {"aGk=x"}, "illegal base64 data at input byte 4"},
        SprigCase{"b64dec", {"aGk"}, "illegal base64 data at input byte 0"},
        SprigCase{"b64dec", {"aG=="}, "h"},
        SprigCase{"b64dec", {"aGVs\nbG8="}, "hello"},
        SprigCase{"b32enc", {"hello"}, "NBSWY3DP"},
        SprigCase{"b32dec", {"NBSWY3DP"}, "hello"},
        SprigCase{"b32dec", {"NBSWY3D"}, "illegal base32 data at input byte 0"},
        SprigCase{"b32dec", {"NBSWY3D!"}, "illegal base32 data at input byte 7"},
        SprigCase{"sha1sum", {"abc"}, "a9993e364706816aba3e25717850c26c9cd0d89d"},
        SprigCase{"sha256sum", {"abc"}, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        SprigCase{"sha512sum", {"abc"}, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a8" "36ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
        SprigCase{"adler32sum", {"Wikipedia"}, "300286872"}));
// clang-format on

TEST(SprigEncodingTest, Base32RoundTripsEveryLength) {
  std::string raw;
  for (int n = 0; n < 12; ++n) {
    json enc = CallSprig("b32enc", {raw});
    EXPECT_EQ(enc.get<std::string>().size() % 8, 0u);
    EXPECT_EQ(CallSprig("b32dec", {enc}), raw);
    raw += static_cast<char>('a' + n * 17 % 26);
  }
}

TEST(SprigEncodingTest, RandomStringsUseTheirAlphabet) {
  std::string s = CallSprig("randAlphaNum", {64}).get<std::string>();
  EXPECT_EQ(s.size(), 64u);
  EXPECT_EQ(s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            std::string::npos);
  EXPECT_EQ(CallSprig("randNumeric", {20}).get<std::string>().find_first_not_of("0123456789"),
            std::string::npos);
  std::string uuid = CallSprig("uuidv4", {}).get<std::string>();
  ASSERT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
  EXPECT_NE(CallSprig("uuidv4", {}), uuid);
}

}  // namespace
}  // namespace gpuext::helm::testing
