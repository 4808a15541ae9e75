// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// gpu-node-agent's --connect-to flag on `run` and `build`: malformed entries are flag errors
// (exit 2) naming the flag and the expected shape; the routing itself is tested against the
// cache server in test/nodeagent/cache/http_cache_connect_to_test.cpp.
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

using ::testing::HasSubstr;

gpuext::testing::ProcessResult ConnectToFlagAgent(std::vector<std::string> args) {
  const std::string binary =
      (std::filesystem::path(GPUEXT_BINARY_DIR) / "bin/gpu-node-agent").string();
  EXPECT_TRUE(std::filesystem::exists(binary)) << binary << " missing: build gpu-node-agent";
  args.insert(args.begin(), binary);
  return gpuext::testing::RunProcess(args, {.env = {"NODE_NAME=n1"}});
}

TEST(ConnectToFlagTest, RunRejectsAMalformedEntry) {
  const auto r =
      ConnectToFlagAgent({"run", "--config=/nonexistent", "--connect-to=svc:443:127.0.0.1"});
  EXPECT_EQ(r.exit_code, 2) << r.stderr_text;
  EXPECT_THAT(r.stderr_text, HasSubstr("--connect-to: Invalid value: \"svc:443:127.0.0.1\""));
}

TEST(ConnectToFlagTest, BuildRejectsAMalformedEntryAndTakesRepeatedOnes) {
  const std::vector<std::string> common = {
      "build", "--key=kernel/580.95.05/6.1.0-56-amd64/open/amd64", "--source-url=file:///x",
      "--allow-unpinned-source", "--output-dir=/nonexistent-out"};
  auto args = common;
  args.push_back("--connect-to=a:443:127.0.0.1:1");
  args.push_back("--connect-to=b:443:[::1]:x");
  const auto r = ConnectToFlagAgent(args);
  EXPECT_EQ(r.exit_code, 2) << r.stderr_text;
  EXPECT_THAT(r.stderr_text, HasSubstr("--connect-to: Invalid value: \"b:443:[::1]:x\""));
  EXPECT_THAT(r.stderr_text, ::testing::Not(HasSubstr("a:443:127.0.0.1:1\"")));
}

}  // namespace
}  // namespace gpuext::nodeagent
