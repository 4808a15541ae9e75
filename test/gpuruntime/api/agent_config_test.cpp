// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/agent_config.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api_test_util.h"
#include "gpuext/error.h"

namespace gpuext::gpuruntime::api {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::Messages;

TEST(AgentConfigurationTest, ExampleLoadsAndRoundTrips) {
  const AgentConfiguration c =
      LoadAgentConfiguration(testing::ReadTestdata("agent-configuration.yaml"));
  EXPECT_EQ(c.pool, "gpu-a100");
  EXPECT_EQ(c.driver.version, "580.95.05");
  EXPECT_THAT(c.driver.modules, ::testing::ElementsAre("nvidia", "nvidia-uvm", "nvidia-modeset"));
  EXPECT_THAT(c.driver.parameters.at("nvidia-uvm"), ::testing::ElementsAre("uvm_disable_hmm=1"));
  ASSERT_EQ(c.cache.sources.size(), 2u);
  EXPECT_EQ(c.cache.sources[1].type, CacheSourceType::kS3);
  EXPECT_EQ(c.cache.sources[1].credentials_secret, "gpu-cache-s3-read");
  EXPECT_EQ(c.device_labels.at("nvidia.com/mig.config"), "all-disabled");
  EXPECT_EQ(c.upgrade.drain_timeout, 10min);

  const auto again = DecodeAgentConfiguration(ToJson(c));
  ASSERT_TRUE(again.ok()) << ToAggregateMessage(again.errors);
  EXPECT_EQ(again.value, c);
}

TEST(AgentConfigurationTest, ValidationNamesEveryProblem) {
  json doc = testing::TestdataJson("agent-configuration.yaml");
  doc["vendor"] = "amd";
  doc["driver"]["version"] = "580";
  doc["driver"]["parameters"]["nvidia-peermem"] = {"x=1"};
  doc["driver"]["parameters"]["nvidia"] = {"NVreg_X = 1"};
  doc["cache"]["sources"][0]["url"] = "http://cache";
  doc["cache"]["sources"][1].erase("bucket");
  doc["cache"]["trustedKeys"][0]["keyId"] = "abc";
  doc["paths"]["hostRoot"] = "host";
  const auto decoded = DecodeAgentConfiguration(doc);
  ASSERT_TRUE(decoded.ok()) << ToAggregateMessage(decoded.errors);
  EXPECT_THAT(
      Messages(Validate(decoded.value)),
      ::testing::ElementsAre(
          "vendor: Unsupported value: \"amd\": supported values: \"nvidia\"",
          "driver.version: Invalid value: \"580\": must be a full driver version, e.g. 580.95.05",
          "driver.parameters.nvidia[0]: Invalid value: \"NVreg_X = 1\": must be key=value without "
          "spaces",
          "driver.parameters.nvidia-peermem: Invalid value: \"nvidia-peermem\": parameters for a "
          "module not in modules",
          "cache.sources[0].url: Invalid value: \"http://cache\": must be an https:// URL",
          "cache.sources[1].bucket: Required value: a s3 source needs a bucket",
          "cache.trustedKeys[0].keyId: Invalid value: \"abc\": must be sha256:<64 lower-case hex "
          "digits>",
          "paths.hostRoot: Invalid value: \"host\": must be absolute"));
}

TEST(AgentConfigurationTest, UninstallNeedsNoDriverOrSources) {
  AgentConfiguration c;
  c.pool = "gpu-a100";
  c.mode = AgentMode::kUninstall;
  EXPECT_THAT(Messages(Validate(c)), ::testing::IsEmpty());
  c.mode = AgentMode::kInstall;
  EXPECT_EQ(Validate(c).size(), 3u);  // version, modules, sources
}

TEST(AgentConfigurationTest, DecodingIsStrict) {
  json doc = testing::TestdataJson("agent-configuration.yaml");
  doc["cache"]["sources"][0]["tokenAudiences"] = "x";
  doc["mode"] = "remove";
  EXPECT_THAT(
      [&] { (void)LoadAgentConfiguration(doc.dump()); },
      ::testing::ThrowsMessage<Error>(::testing::HasSubstr(
          "mode: Unsupported value: \"remove\": supported values: \"install\", \"uninstall\"")));
  EXPECT_THAT(Messages(DecodeAgentConfiguration(doc).errors),
              ::testing::Contains(
                  "cache.sources[0].tokenAudiences: Unsupported value: \"x\": unknown field "
                  "\"tokenAudiences\"; did you mean cache.sources[].tokenAudience?"));
}

}  // namespace
}  // namespace gpuext::gpuruntime::api
