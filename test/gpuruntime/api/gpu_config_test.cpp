// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/gpu_config.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace gpuext::gpuruntime::api {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::Doc;
using testing::Messages;

TEST(DecodeGPUConfigTest, ReportsTypeAndNameErrorsWithFullPaths) {
  struct Case {
    std::string name;
    json document;
    std::vector<std::string> want;
  };
  const std::string p = "spec.extensions[2].providerConfig";
  const std::vector<Case> cases = {
      {"string instead of integer",
       Doc("GPUConfig", {{"cache", {{"server", {{"replicas", "two"}}}}}}),
       {p + ".cache.server.replicas: Invalid value: \"two\": must be an integer, got string"}},
      {"float instead of integer",
       Doc("GPUConfig", {{"upgrade", {{"maxParallel", 1.5}}}}),
       {p + ".upgrade.maxParallel: Invalid value: \"1.5\": must be an integer, got number"}},
      {"scalar instead of object",
       Doc("GPUConfig", {{"driver", "580"}}),
       {p + ".driver: Invalid value: \"580\": must be an object, got string"}},
      {"string instead of boolean",
       Doc("GPUConfig", {{"driver", {{"peermem", "yes"}}}}),
       {p + ".driver.peermem: Invalid value: \"yes\": must be true or false, got string"}},
      {"string instead of list",
       Doc("GPUConfig", {{"pools", "gpu-a100"}}),
       {p + ".pools: Invalid value: \"gpu-a100\": must be a list, got string"}},
      {"number in a string list",
       Doc("GPUConfig", {{"pools", {"a", 7}}}),
       {p + ".pools[1]: Invalid value: \"7\": must be a string, got number"}},
      {"unparsable duration",
       Doc("GPUConfig", {{"upgrade", {{"drainTimeout", "10 minutes"}}}}),
       {p + ".upgrade.drainTimeout: Invalid value: \"10 minutes\": must be a duration such as 30s, "
            "10m or 1h30m"}},
      {"typo of a sibling",
       Doc("GPUConfig", {{"cache", {{"server", {{"replica", 2}}}}}}),
       {p + ".cache.server.replica: Unsupported value: \"2\": unknown field \"replica\"; did you "
            "mean cache.server.replicas?"}},
      {"field at the wrong level",
       Doc("GPUConfig", {{"peermem", true}}),
       {p + ".peermem: Unsupported value: \"true\": unknown field \"peermem\"; did you mean "
            "driver.peermem?"}},
      {"case-only typo",
       Doc("GPUConfig", {{"dcgmexporter", {{"enabled", true}}}}),
       {p + ".dcgmexporter: Unsupported value: \"{\"enabled\":true}\": unknown field "
            "\"dcgmexporter\"; did you mean dcgmExporter?"}},
      {"nothing close enough for a hint",
       Doc("GPUConfig", {{"telemetry", json::object()}}),
       {p + ".telemetry: Unsupported value: \"{}\": unknown field \"telemetry\""}},
      {"operatorValues not an object",
       Doc("GPUConfig", {{"operatorValues", json::array({1})}}),
       {p + ".operatorValues: Invalid value: \"[1]\": must be an object, got list"}},
      {"missing apiVersion and kind",
       json{{"driver", {{"version", "580"}}}},
       {p + ".apiVersion: Required value: set it to gpu.extensions.gardener.cloud/v1alpha1",
        p + ".kind: Required value: set it to GPUConfig"}},
      {"document not an object",
       json::array(),
       {p + ": Invalid value: \"[]\": must be an object, got list"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(Messages(DecodeGPUConfig(c.document, p).errors),
                ::testing::ElementsAreArray(c.want));
  }
}

TEST(DecodeGPUConfigTest, WithoutPathErrorsStartAtTheDocument) {
  const auto got = DecodeGPUConfig(Doc("GPUConfig", {{"fabricManager", 1}}), "");
  EXPECT_THAT(
      Messages(got.errors),
      ::testing::ElementsAre("fabricManager: Invalid value: \"1\": must be a string, got number"));
}

TEST(DecodeGPUConfigTest, LongValuesAreCutAtACharacterBoundary) {
  std::string long_value;
  for (int i = 0; i < 40; ++i) {
    long_value += "\xc3\xa4";  // "ä", two bytes: a cut after 57 bytes would split one
  }
  const auto got = DecodeGPUConfig(Doc("GPUConfig", {{"telemetry", long_value}}), "");
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.errors[0].value, long_value.substr(0, 56) + "...");
  // The message goes into an AdmissionReview: it must stay valid UTF-8.
  EXPECT_NO_THROW((void)json(got.errors[0].ToString()).dump());
}

TEST(DecodeGPUConfigTest, NoProviderConfigIsAnEmptyConfig) {
  const auto got = DecodeGPUConfig(json(), "x");
  EXPECT_TRUE(got.ok());
  EXPECT_EQ(got.value, GPUConfig{});
}

TEST(DecodeGPUConfigTest, KeepsAbsentAndNullApart) {
  const auto got = DecodeGPUConfig(
      Doc("GPUConfig", {{"sharing", nullptr}, {"driver", {{"version", nullptr}}}}), "");
  ASSERT_TRUE(got.ok()) << ToAggregateMessage(got.errors);
  EXPECT_TRUE(got.value.sharing.is_null());
  EXPECT_TRUE(got.value.mig.absent());
  EXPECT_TRUE(got.value.driver->version.is_null());
  EXPECT_TRUE(got.value.driver->module_type.absent());
  const json encoded = ToJson(got.value);
  EXPECT_TRUE(encoded.at("sharing").is_null());
  EXPECT_TRUE(encoded.at("driver").at("version").is_null());
  EXPECT_FALSE(encoded.contains("mig"));
}

TEST(DecodeGPUConfigTest, FullExampleRoundTrips) {
  const auto first = DecodeGPUConfig(testing::TestdataJson("gpu-config-full.yaml"), "");
  ASSERT_TRUE(first.ok()) << ToAggregateMessage(first.errors);
  const GPUConfig& c = first.value;
  EXPECT_EQ(*c.driver->version, "580");
  EXPECT_EQ(*c.cache->server->storage->size, *Quantity::Parse("50Gi"));
  EXPECT_EQ(*c.cache->server->builds->timeout, 60min);
  EXPECT_EQ(*c.cache->s3->secret_ref->name, "gpu-cache-s3");
  EXPECT_EQ(*c.cache->filesystem->nfs->path, "/exports/gpu-cache");
  EXPECT_EQ(*c.sharing->time_slicing->replicas, 4);
  EXPECT_EQ(*c.module_signing->hash, SigningHash::kSha512);
  EXPECT_EQ(
      json::parse(c.operator_values->json),
      json::parse(
          R"({"operator":{"logging":{"level":"debug"}},"daemonsets":{"labels":{"team":"ml"}}})"));

  const json encoded = ToJson(c);
  EXPECT_EQ(encoded.at("operatorValues").at("daemonsets").at("labels").at("team"), "ml");
  EXPECT_EQ(encoded.at("cache").at("server").at("builds").at("timeout"), "1h0m0s");
  EXPECT_EQ(encoded.at("cache").at("server").at("quota"), "40Gi");
  const auto second = DecodeGPUConfig(encoded, "");
  ASSERT_TRUE(second.ok()) << ToAggregateMessage(second.errors);
  EXPECT_EQ(second.value, c);
}

TEST(DecodeGPUPoolConfigTest, ExampleDecodesAndRoundTrips) {
  const auto got = DecodeGPUPoolConfig(testing::TestdataJson("gpu-pool-config.yaml"), "");
  ASSERT_TRUE(got.ok()) << ToAggregateMessage(got.errors);
  EXPECT_EQ(*got.value.driver->version, "590.48.01");
  EXPECT_EQ(*got.value.driver->module_type, ModuleTypePref::kOpen);
  EXPECT_EQ(*got.value.mig->profile, "all-1g.10gb");
  EXPECT_TRUE(got.value.mig->strategy.absent());
  EXPECT_EQ(*got.value.fabric_manager, FabricManagerMode::kEnabled);
  EXPECT_EQ(*got.value.upgrade->max_parallel, 2);
  EXPECT_TRUE(got.value.upgrade->drain_timeout.absent());
  EXPECT_EQ(DecodeGPUPoolConfig(ToJson(got.value), "").value, got.value);
}

TEST(SetDefaultsTest, FillsEveryDefaultOfTheDesign) {
  GPUConfig config;
  SetDefaults(config, "580");
  const json want = json::parse(R"({
    "apiVersion": "gpu.extensions.gardener.cloud/v1alpha1", "kind": "GPUConfig",
    "driver": {"version": "580", "moduleType": "auto", "peermem": false},
    "cache": {
      "mode": "server",
      "server": {"backend": "filesystem", "replicas": 1,
                 "storage": {"size": "50Gi", "storageClassName": "", "accessMode": "ReadWriteOnce"},
                 "quota": "40Gi",
                 "builds": {"enabled": true, "maxConcurrent": 2, "timeout": "1h0m0s",
                            "nodeSelector": {}}},
      "trustedKeys": [], "signingKeySecretRef": {"name": ""}},
    "mig": {"strategy": "none", "profile": "all-disabled"},
    "dcgmExporter": {"enabled": true, "serviceMonitor": false},
    "fabricManager": "auto",
    "prebuild": {"nextKernel": true, "osVersions": []},
    "moduleSigning": {"secretRef": {"name": ""}, "hash": "sha512"},
    "upgrade": {"maxParallel": 1, "drainTimeout": "10m0s", "force": false}
  })");
  EXPECT_EQ(ToJson(config), want) << ToJson(config).dump(2);
}

TEST(SetDefaultsTest, KeepsUserValuesAndReplacesNulls) {
  auto decoded =
      DecodeGPUConfig(Doc("GPUConfig", {{"driver", {{"version", "590"}, {"moduleType", nullptr}}},
                                        {"fabricManager", nullptr},
                                        {"upgrade", {{"maxParallel", 3}}}}),
                      "");
  ASSERT_TRUE(decoded.ok());
  SetDefaults(decoded.value, "580");
  EXPECT_EQ(*decoded.value.driver->version, "590");
  EXPECT_EQ(*decoded.value.driver->module_type, ModuleTypePref::kAuto);
  EXPECT_EQ(*decoded.value.fabric_manager, FabricManagerMode::kAuto);
  EXPECT_EQ(*decoded.value.upgrade->max_parallel, 3);
  EXPECT_EQ(*decoded.value.upgrade->drain_timeout, 10min);
}

TEST(SetDefaultsTest, QuotaFollowsBackendAndSize) {
  struct Case {
    json cache;
    std::optional<std::string> want_quota;
  };
  const std::vector<Case> cases = {
      {{{"server", {{"storage", {{"size", "10Gi"}}}}}}, "8Gi"},
      {{{"server", {{"storage", {{"size", "1Gi"}}}}}}, "819Mi"},
      {{{"server", {{"quota", "5Gi"}}}}, "5Gi"},
      {{{"server", {{"backend", "s3"}}}}, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.cache.dump());
    auto decoded = DecodeGPUConfig(Doc("GPUConfig", {{"cache", c.cache}}), "");
    ASSERT_TRUE(decoded.ok()) << ToAggregateMessage(decoded.errors);
    SetDefaults(decoded.value, "580");
    const Field<Quantity>& quota = decoded.value.cache->server->quota;
    if (c.want_quota) {
      ASSERT_TRUE(quota.has_value());
      EXPECT_EQ(quota->String(), *c.want_quota);
    } else {
      EXPECT_TRUE(quota.absent());
    }
  }
}

}  // namespace
}  // namespace gpuext::gpuruntime::api
