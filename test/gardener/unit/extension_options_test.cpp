// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/extension_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gpuext::gardener {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The defaults plus the one flag without a default.
ExtensionOptions WithConfig() {
  ExtensionOptions o;
  o.config_file = "/etc/gardener-extension-gpu/config.yaml";
  return o;
}

TEST(ExtensionOptionsTest, DefaultsWithConfigAreValid) {
  EXPECT_THAT(ValidateExtensionOptions(WithConfig()), IsEmpty());
}

TEST(ExtensionOptionsTest, ConfigIsRequiredAndNamed) {
  EXPECT_THAT(ValidateExtensionOptions({}),
              ElementsAre("--config: required: the path of the ControllerConfiguration file, "
                          "e.g. --config=/etc/gardener-extension-gpu/config.yaml"));
}

TEST(ExtensionOptionsTest, DesignFlagNamesAreAccepted) {
  ExtensionOptions o;
  FlagSet flags("gardener-extension-gpu");
  AddExtensionFlags(flags, o);
  EXPECT_THAT(flags.Parse({"--config=/etc/gardener-extension-gpu/config.yaml",
                           "--disable-controllers=heartbeat, healthcheck", "--disable-controllers",
                           "containerruntime", "--disable-webhooks=osc"}),
              IsEmpty());
  EXPECT_EQ(o.config_file, "/etc/gardener-extension-gpu/config.yaml");
  EXPECT_THAT(DisabledNames(o.disable_controllers),
              ElementsAre("heartbeat", "healthcheck", "containerruntime"));
  EXPECT_THAT(DisabledNames(o.disable_webhooks), ElementsAre("osc"));
  EXPECT_EQ(o.webhook_config_cert_dir, "/var/run/gardener-extension-gpu/certs");
}

TEST(ExtensionOptionsTest, UnknownDisabledNamesListTheKnownOnes) {
  ExtensionOptions o;
  o.disable_controllers = {"extension,healthchecks", ""};
  o.disable_webhooks = {"shoot"};
  EXPECT_THAT(
      ValidateDisabledNames(o, {"extension", "healthcheck"}, {"osc"}),
      ElementsAre("--disable-controllers: invalid value \"healthchecks\": supported values: "
                  "\"extension\", \"healthcheck\"",
                  "--disable-webhooks: invalid value \"shoot\": supported values: \"osc\""));
}

TEST(ExtensionOptionsTest, FlagsUseGardenersNames) {
  ExtensionOptions o = WithConfig();
  FlagSet flags("gardener-extension-gpu");
  AddExtensionFlags(flags, o);
  EXPECT_THAT(
      flags.Parse({"--max-concurrent-reconciles=10", "--ignore-operation-annotation",
                   "--heartbeat-namespace=extension-gpu", "--heartbeat-renew-interval-seconds=15",
                   "--leader-election-id=gpu-leader", "--webhook-config-mode=url",
                   "--webhook-config-url=gpu.example.com:8443", "--gardener-version=v1.120.2",
                   "--metrics-bind-address=:9090", "--kube-api-qps=100", "--kube-api-burst=130"}),
      IsEmpty());
  EXPECT_EQ(o.max_concurrent_reconciles, 10);
  EXPECT_EQ(o.kube_api_qps, 100);
  EXPECT_EQ(o.kube_api_burst, 130);
  EXPECT_TRUE(o.ignore_operation_annotation);
  EXPECT_EQ(o.heartbeat_namespace, "extension-gpu");
  EXPECT_EQ(o.heartbeat_renew_interval_seconds, 15);
  EXPECT_EQ(o.leader_election_id, "gpu-leader");
  EXPECT_EQ(o.webhook_config_url, "gpu.example.com:8443");
  EXPECT_THAT(ValidateExtensionOptions(o), IsEmpty());
}

TEST(ExtensionOptionsTest, EveryProblemIsReportedWithFlagAndFix) {
  ExtensionOptions o = WithConfig();
  o.max_concurrent_reconciles = 0;
  o.kube_api_qps = -1;
  o.kube_api_burst = 0;
  o.heartbeat_renew_interval_seconds = -1;
  o.leader_election_id = "Gpu_Leader";
  o.heartbeat_namespace = "garden.";
  o.webhook_config_mode = "url";
  o.webhook_config_service_port = 70000;
  o.gardener_version = "1.120";
  o.metrics_bind_address = "8080";
  o.log_format = "xml";
  EXPECT_THAT(
      ValidateExtensionOptions(o),
      ElementsAre(
          "--max-concurrent-reconciles: invalid value \"0\": must be at least 1",
          "--kube-api-qps: invalid value \"-1\": must be 0 (no limit) or more",
          "--kube-api-burst: invalid value \"0\": must be at least 1",
          "--heartbeat-renew-interval-seconds: invalid value \"-1\": must be at least 1 "
          "(gardenlet expects a renewal every 30 s)",
          "--leader-election-id: invalid value \"Gpu_Leader\": must be a lower-case DNS name (it "
          "names a Lease)",
          "--heartbeat-namespace: invalid value \"garden.\": must be a namespace name "
          "(lower-case DNS label)",
          "--webhook-config-url: required in url mode: the host[:port] the seed's API server "
          "reaches this webhook at",
          "--webhook-config-service-port: invalid value \"70000\": must be a port between 1 and "
          "65535",
          "--gardener-version: invalid value \"1.120\": must be a semantic version such as "
          "v1.120.0",
          "--metrics-bind-address: invalid value \"8080\": want host:port or :port",
          "--log-format: invalid value \"xml\": supported values: \"json\", \"text\""));
}

TEST(ExtensionOptionsTest, UrlWithSchemeAndSameAddressesAreRefused) {
  ExtensionOptions o = WithConfig();
  o.webhook_config_mode = "url";
  o.webhook_config_url = "https://gpu.example.com";
  o.health_bind_address = o.metrics_bind_address;
  EXPECT_THAT(ValidateExtensionOptions(o),
              ElementsAre("--webhook-config-url: invalid value \"https://gpu.example.com\": give "
                          "host[:port] without a scheme (https is always used)",
                          "--health-bind-address: invalid value \":8080\": must differ from "
                          "--metrics-bind-address"));
}

}  // namespace
}  // namespace gpuext::gardener
