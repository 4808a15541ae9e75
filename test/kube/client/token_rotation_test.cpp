// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "client_fixture.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/object.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::kube::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;

class TokenRotationTest : public ClientTest {
 protected:
  emulator::ServerOptions ServerOptions() override {
    return {.listen = "127.0.0.1:0",
            .tokens = {{"admin", "token-one", {"system:masters"}},
                       {"rotated", "token-two", {"system:masters"}}}};
  }

  // Rewrites the token file with a new mtime (kubelet replaces projected tokens atomically).
  void WriteToken(const std::string& token) {
    const fs::path tmp = token_file_.string() + ".tmp";
    std::ofstream(tmp) << token << "\n";
    fs::last_write_time(tmp, fs::file_time_type::clock::now() + std::chrono::seconds(++writes_));
    fs::rename(tmp, token_file_);
  }

  fs::path token_file_ = dir_.path() / "token";
  int writes_ = 0;
};

TEST_F(TokenRotationTest, RereadsRotatedTokenFile) {
  gpuext::testing::FakeClock clock;
  RestConfig config = config_;
  config.bearer_token.clear();
  config.token_file = token_file_;
  WriteToken("token-one");
  HttpClient client(config, {.qps = 0}, clock);
  EXPECT_FALSE(client.Get(kConfigMaps, {kNs, "x"}).has_value());

  // Rotation to a token the server does not accept: seen once the recheck interval passed.
  WriteToken("revoked");
  EXPECT_FALSE(client.Get(kConfigMaps, {kNs, "x"}).has_value());  // still the cached token
  clock.Advance(Credentials::kTokenFileRecheck);
  try {
    (void)client.Get(kConfigMaps, {kNs, "x"});
    FAIL() << "the revoked token was not used";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 401);
  }

  // A 401 makes the client read the file again at once, without waiting for the interval.
  WriteToken("token-two");
  EXPECT_FALSE(client.Get(kConfigMaps, {kNs, "x"}).has_value());
  const json created = client.Create(kConfigMaps, ConfigMap("by-rotated"));
  EXPECT_EQ(Name(created), "by-rotated");
}

}  // namespace
}  // namespace gpuext::kube::testing
