// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The seed chart and the binary agree: every argument the chart's Deployment passes is parsed
// and validated by the binary's own command-line parser (a renamed flag would otherwise only
// show as a crash-looping pod in a landscape).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gardener-extension-gpu/options.h"
#include "gpuext/testing/process.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpu::e2e {
namespace {

using nlohmann::json;

// The container args of the Deployment in the real `helm template` output.
std::vector<std::string> DeploymentArgs(const std::vector<std::string>& set_values) {
  std::vector<std::string> helm = {
      gpuext::testing::Tools().helm.string(),
      "template",
      "gpu",
      std::string(GPUEXT_SOURCE_DIR) + "/charts/gardener-extension-gpu",
      "--namespace",
      "extension-gpu-abc",
      "--show-only",
      "templates/deployment.yaml"};
  for (const std::string& value : set_values) {
    helm.push_back("--set");
    helm.push_back(value);
  }
  const auto rendered = gpuext::testing::RunProcess(helm);
  EXPECT_EQ(rendered.exit_code, 0) << rendered.stderr_text;
  if (rendered.exit_code != 0) {
    return {};
  }
  const json deployment = ParseYaml(rendered.stdout_text);
  return deployment["spec"]["template"]["spec"]["containers"][0]["args"]
      .get<std::vector<std::string>>();
}

TEST(ChartArgsTest, DefaultValuesParse) {
  ASSERT_TRUE(gpuext::testing::Tools().Check().empty()) << gpuext::testing::Tools().Check();
  const std::vector<std::string> args = DeploymentArgs({});
  ASSERT_FALSE(args.empty());
  gardener::ExtensionOptions options;
  EXPECT_EQ(cmd::ParseCommandLine(args, options), std::vector<std::string>{});
  EXPECT_EQ(options.config_file, "/etc/gardener-extension-gpu/config.yaml");
  EXPECT_EQ(options.heartbeat_namespace, "extension-gpu-abc");
  EXPECT_EQ(options.webhook_config_namespace, "extension-gpu-abc");
  EXPECT_EQ(options.webhook_config_cert_dir, "/var/run/gardener-extension-gpu/certs");
  EXPECT_EQ(options.metrics_bind_address, ":8080");
  EXPECT_EQ(options.health_bind_address, ":8081");
}

TEST(ChartArgsTest, EveryOptionalValueParses) {
  ASSERT_TRUE(gpuext::testing::Tools().Check().empty()) << gpuext::testing::Tools().Check();
  const std::vector<std::string> args = DeploymentArgs(
      {"gardener.version=v1.120.2", "controller.disableControllers={healthcheck,heartbeat}",
       "controller.disableWebhooks={osc}", "controller.ignoreOperationAnnotation=true",
       "controller.leaderElection.enabled=false", "controller.logFormat=text"});
  ASSERT_FALSE(args.empty());
  gardener::ExtensionOptions options;
  EXPECT_EQ(cmd::ParseCommandLine(args, options), std::vector<std::string>{});
  EXPECT_EQ(options.gardener_version, "v1.120.2");
  EXPECT_TRUE(cmd::ControllerDisabled(options, "healthcheck"));
  EXPECT_TRUE(cmd::ControllerDisabled(options, "heartbeat"));
  EXPECT_FALSE(cmd::ControllerDisabled(options, "extension"));
  EXPECT_TRUE(cmd::WebhookDisabled(options, "osc"));
  EXPECT_TRUE(options.ignore_operation_annotation);
  EXPECT_FALSE(options.leader_election);
}

}  // namespace
}  // namespace gpuext::gpu::e2e
