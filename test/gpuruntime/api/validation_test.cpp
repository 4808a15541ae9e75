// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/validation.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace gpuext::gpuruntime::api {
namespace {

using nlohmann::json;
using testing::Doc;
using testing::Messages;
using testing::TestContext;

constexpr std::string_view kPath = "spec.extensions[0].providerConfig";

struct Case {
  std::string name;
  json patch;
  std::vector<std::string> want;  // exact messages, in order
};

void RunGPUConfigCases(const std::vector<Case>& cases, const ValidationContext& context) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Checked<GPUConfig> got = CheckGPUConfig(Doc("GPUConfig", c.patch), context, kPath);
    EXPECT_THAT(Messages(got.errors), ::testing::ElementsAreArray(c.want));
  }
}

// A complete cache.s3 with one field changed, so that a row shows only the rule it is about
// (bucket, region and secretRef.name are required whenever S3 is used, §8.3).
json WithS3(json s3, const std::string& key, const json& value) {
  s3[key] = value;
  return s3;
}

// One row per rule of DESIGN.md §8.3, input -> the exact message a user sees.
TEST(ValidateGPUConfigTest, ReportsEachRuleWithFieldAndFix) {
  const std::string p(kPath);
  const json s3_ok = {
      {"bucket", "b"}, {"region", "eu-central-1"}, {"secretRef", {{"name", "my-s3"}}}};
  const std::vector<Case> cases = {
      {"valid minimal config", json::object(), {}},
      {"driver.version syntax",
       {{"driver", {{"version", "58"}}}},
       {p + ".driver.version: Invalid value: \"58\": must be a branch \"NNN\" (e.g. \"580\") or a "
            "full version \"NNN.NN[.NN]\" (e.g. \"580.95.05\")"}},
      {"driver.version unknown branch",
       {{"driver", {{"version", "999"}}}},
       {p + ".driver.version: Invalid value: \"999\": unknown driver branch \"999\"; supported: "
            "570, 580, 590"}},
      {"driver.version unknown pinned version",
       {{"driver", {{"version", "580.1.2"}}}},
       {p + ".driver.version: Invalid value: \"580.1.2\": unknown driver version \"580.1.2\"; "
            "supported: 570.195.03, 580.82.07, 580.95.05, 590.48.01"}},
      {"driver.version excluded for a pool's image version",
       {{"driver", {{"version", "570"}}}},
       {p + ".driver.version: Invalid value: \"570\": 570 does not build on gardenlinux >= "
            "2150.8; use 580 or newer"}},
      {"driver.version pinned and listed", {{"driver", {{"version", "580.82.07"}}}}, {}},
      {"driver.moduleType",
       {{"driver", {{"moduleType", "closed"}}}},
       {p + ".driver.moduleType: Unsupported value: \"closed\": supported values: \"auto\", "
            "\"open\", \"proprietary\""}},
      {"pools[] must exist",
       {{"pools", {"gpu-x"}}},
       {p + ".pools[0]: Invalid value: \"gpu-x\": pool \"gpu-x\" does not exist; name a pool of "
            "spec.provider.workers"}},
      {"pools[] unique",
       {{"pools", {"gpu-a100", "gpu-a100"}}},
       {p + ".pools[1]: Duplicate value: \"gpu-a100\""}},
      {"cache.mode values",
       {{"cache", {{"mode", "nfs"}}}},
       {p + ".cache.mode: Unsupported value: \"nfs\": supported values: \"server\", \"s3\", "
            "\"filesystem\""}},
      {"cache.mode s3 needs cache.s3",
       {{"cache", {{"mode", "s3"}}}},
       {p + ".cache.s3: Required value: S3 is used by cache.mode or cache.server.backend; give "
            "cache.s3 with bucket, region and secretRef"}},
      {"cache.mode filesystem needs nfs",
       {{"cache", {{"mode", "filesystem"}}}},
       {p + ".cache.filesystem.nfs: Required value: cache.mode filesystem needs an NFS export: "
            "cache.filesystem.nfs {server, path}"}},
      {"cache.server.replicas range",
       {{"cache", {{"server", {{"replicas", 6}, {"backend", "s3"}}}, {"s3", s3_ok}}}},
       {p + ".cache.server.replicas: Invalid value: \"6\": must be between 1 and 5"}},
      {"cache.server.replicas > 1 needs shared storage",
       {{"cache", {{"server", {{"replicas", 2}}}}}},
       {p + ".cache.server.replicas: Invalid value: \"2\": more than 1 replica needs "
            "cache.server.storage.accessMode ReadWriteMany or cache.server.backend s3"}},
      {"cache.server.replicas > 1 with ReadWriteMany",
       {{"cache", {{"server", {{"replicas", 2}, {"storage", {{"accessMode", "ReadWriteMany"}}}}}}}},
       {}},
      {"cache.server.storage.size quantity",
       {{"cache", {{"server", {{"storage", {{"size", "50GB"}}}}}}}},
       {p + ".cache.server.storage.size: Invalid value: \"50GB\": must be a whole number of bytes "
            "such as 50Gi, 40G or 500Mi"}},
      {"cache.server.quota <= size",
       {{"cache", {{"server", {{"quota", "60Gi"}}}}}},
       {p + ".cache.server.quota: Invalid value: \"60Gi\": must not exceed "
            "cache.server.storage.size (50Gi)"}},
      {"cache.server.builds.maxConcurrent range",
       {{"cache", {{"server", {{"builds", {{"maxConcurrent", 17}}}}}}}},
       {p + ".cache.server.builds.maxConcurrent: Invalid value: \"17\": must be between 1 and "
            "16"}},
      {"cache.server.builds.timeout range",
       {{"cache", {{"server", {{"builds", {{"timeout", "1m"}}}}}}}},
       {p + ".cache.server.builds.timeout: Invalid value: \"1m0s\": must be between 5m and 6h"}},
      {"cache.s3 bucket, region, secretRef required",
       {{"cache", {{"mode", "s3"}, {"s3", json::object()}}}},
       {p + ".cache.s3.bucket: Required value: the bucket holding driver artifacts",
        p + ".cache.s3.region: Required value: e.g. eu-central-1",
        p + ".cache.s3.secretRef.name: Required value: a Secret with accessKeyId and "
            "secretAccessKey, referenced in spec.resources"}},
      {"cache.s3.secretRef.name in spec.resources",
       {{"cache",
         {{"mode", "s3"},
          {"s3", {{"bucket", "b"}, {"region", "r"}, {"secretRef", {{"name", "gpu-cache-s3"}}}}}}}},
       {p + ".cache.s3.secretRef.name: Invalid value: \"gpu-cache-s3\": add {name: gpu-cache-s3, "
            "resourceRef: {kind: Secret, ...}} to spec.resources"}},
      {"cache.s3 used by the server backend",
       {{"cache", {{"server", {{"backend", "s3"}}}}}},
       {p + ".cache.s3: Required value: S3 is used by cache.mode or cache.server.backend; give "
            "cache.s3 with bucket, region and secretRef"}},
      {"cache.s3.endpoint http without allowInsecureEndpoints",
       {{"cache", {{"mode", "s3"}, {"s3", WithS3(s3_ok, "endpoint", "http://minio:9000")}}}},
       {p + ".cache.s3.endpoint: Invalid value: \"http://minio:9000\": use an https:// URL "
            "(http:// needs allowInsecureEndpoints in the extension's configuration)"}},
      {"cache.s3.endpoint not a URL",
       {{"cache", {{"mode", "s3"}, {"s3", WithS3(s3_ok, "endpoint", "s3.example.com")}}}},
       {p + ".cache.s3.endpoint: Invalid value: \"s3.example.com\": must be empty or an https:// "
            "URL"}},
      {"cache.s3.endpoint https",
       {{"cache", {{"mode", "s3"}, {"s3", WithS3(s3_ok, "endpoint", "https://s3.example.com")}}}},
       {}},
      {"cache.trustedKeys[] 32 bytes",
       {{"cache", {{"trustedKeys", {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "AAEC"}}}}},
       {p + ".cache.trustedKeys[1]: Invalid value: \"AAEC\": must be the base64 of a 32-byte "
            "ed25519 public key"}},
      {"cache.signingKeySecretRef in spec.resources",
       {{"cache", {{"signingKeySecretRef", {{"name", "other"}}}}}},
       {p + ".cache.signingKeySecretRef.name: Invalid value: \"other\": add {name: other, "
            "resourceRef: {kind: Secret, ...}} to spec.resources"}},
      {"sharing not both",
       {{"sharing", {{"timeSlicing", {{"replicas", 2}}}, {"mps", {{"replicas", 2}}}}}},
       {p + ".sharing.mps: Forbidden: set at most one of sharing.timeSlicing and sharing.mps"}},
      {"sharing.timeSlicing.replicas >= 1",
       {{"sharing", {{"timeSlicing", {{"replicas", 0}}}}}},
       {p + ".sharing.timeSlicing.replicas: Invalid value: \"0\": must be >= 1"}},
      {"sharing.timeSlicing.replicas required",
       {{"sharing", {{"timeSlicing", json::object()}}}},
       {p + ".sharing.timeSlicing.replicas: Required value: how many pods may share one GPU, "
            "e.g. 4"}},
      {"sharing.mps.replicas >= 2",
       {{"sharing", {{"mps", {{"replicas", 1}}}}}},
       {p + ".sharing.mps.replicas: Invalid value: \"1\": must be >= 2"}},
      {"mig.strategy values",
       {{"mig", {{"strategy", "all"}}}},
       {p + ".mig.strategy: Unsupported value: \"all\": supported values: \"none\", \"single\", "
            "\"mixed\""}},
      {"mig.profile label value",
       {{"mig", {{"profile", "All_1g"}}}},
       {p + ".mig.profile: Invalid value: \"All_1g\": must be a label value: at most 63 "
            "characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit, "
            "e.g. all-1g.10gb"}},
      {"fabricManager values",
       {{"fabricManager", "on"}},
       {p + ".fabricManager: Unsupported value: \"on\": supported values: \"auto\", \"enabled\", "
            "\"disabled\""}},
      {"prebuild.osVersions[] syntax",
       {{"prebuild", {{"osVersions", {"1877.8", "1877"}}}}},
       {p + ".prebuild.osVersions[1]: Invalid value: \"1877\": must be an OS version like 1877.8 "
            "or 1877.8.0"}},
      {"moduleSigning.hash values",
       {{"moduleSigning", {{"hash", "md5"}}}},
       {p + ".moduleSigning.hash: Unsupported value: \"md5\": supported values: \"sha256\", "
            "\"sha384\", \"sha512\""}},
      {"moduleSigning.secretRef in spec.resources",
       {{"moduleSigning", {{"secretRef", {{"name", "signing"}}}}}},
       {}},
      {"upgrade.maxParallel >= 1 and drainTimeout 1m-2h",
       {{"upgrade", {{"maxParallel", 0}, {"drainTimeout", "3h"}}}},
       {p + ".upgrade.maxParallel: Invalid value: \"0\": must be >= 1",
        p + ".upgrade.drainTimeout: Invalid value: \"3h0m0s\": must be between 1m and 2h"}},
      {"unknown field with nearest-name hint",
       {{"driverVersion", "580"}},
       {p + ".driverVersion: Unsupported value: \"580\": unknown field \"driverVersion\"; did you "
            "mean driver.version?"}},
      {"wrong apiVersion",
       {{"apiVersion", "v1"}},
       {p + ".apiVersion: Unsupported value: \"v1\": supported values: "
            "\"gpu.extensions.gardener.cloud/v1alpha1\""}},
      {"wrong kind",
       {{"kind", "GPUPoolConfig"}},
       {p + ".kind: Unsupported value: \"GPUPoolConfig\": supported values: \"GPUConfig\""}},
  };
  RunGPUConfigCases(cases, TestContext());
}

TEST(ValidateGPUConfigTest, ReportsEveryProblemAtOnce) {
  const json doc = Doc("GPUConfig", {{"driver", {{"version", "999"}, {"flavour", "x"}}},
                                     {"sharing", {{"timeSlicing", {{"replicas", 0}}}}},
                                     {"upgrade", {{"maxParallel", 0}}}});
  const Checked<GPUConfig> got = CheckGPUConfig(doc, TestContext(), kPath);
  EXPECT_EQ(got.errors.size(), 4u) << ToAggregateMessage(got.errors);
}

TEST(ValidateGPUConfigTest, AWronglyTypedFieldIsOneErrorNotAlsoAMissingOne) {
  const Checked<GPUConfig> got = CheckGPUConfig(
      Doc("GPUConfig",
          {{"sharing", {{"timeSlicing", {{"replicas", "4"}}}}},
           {"cache",
            {{"mode", "s3"},
             {"s3", {{"bucket", 7}, {"region", "r"}, {"secretRef", {{"name", "my-s3"}}}}}}}}),
      TestContext(), kPath);
  EXPECT_THAT(Messages(got.errors),
              ::testing::ElementsAre(
                  std::string(kPath) +
                      ".cache.s3.bucket: Invalid value: \"7\": must be a string, got number",
                  std::string(kPath) + ".sharing.timeSlicing.replicas: Invalid value: \"4\": must "
                                       "be an integer, got string"));
}

TEST(ValidateGPUConfigTest, AllowsHttpEndpointOnlyWhenTheOperatorSaysSo) {
  ControllerConfiguration component = testing::TestComponent();
  component.allow_insecure_endpoints = true;
  const json doc = Doc("GPUConfig", {{"cache",
                                      {{"mode", "s3"},
                                       {"s3",
                                        {{"bucket", "b"},
                                         {"region", "r"},
                                         {"endpoint", "http://127.0.0.1:4568"},
                                         {"secretRef", {{"name", "my-s3"}}}}}}}});
  EXPECT_TRUE(CheckGPUConfig(doc, TestContext(component), kPath).ok());
  EXPECT_FALSE(CheckGPUConfig(doc, TestContext(), kPath).ok());
}

TEST(ValidateGPUConfigTest, WarnsAboutListedPoolWithoutGpuCount) {
  const Checked<GPUConfig> got =
      CheckGPUConfig(Doc("GPUConfig", {{"pools", {"gpu-a100", "cpu"}}}), TestContext(), kPath);
  EXPECT_TRUE(got.ok()) << ToAggregateMessage(got.errors);
  EXPECT_THAT(got.warnings,
              ::testing::ElementsAre(std::string(kPath) +
                                     ".pools[1]: pool \"cpu\" has a machine type without a GPU "
                                     "count in the CloudProfile; it gets the nvidia runtime "
                                     "anyway"));
}

TEST(ValidateGPUConfigTest, WarnsAboutOperatorValuesTheExtensionOwns) {
  const json values = {{"driver", {{"enabled", true}}},
                       {"toolkit", "off"},  // a scalar over a map takes installDir with it
                       {"operator", {{"logging", {{"level", "debug"}}}}},
                       {"daemonsets", {{"labels", {{"team", "ml"}}}}}};
  const Checked<GPUConfig> got =
      CheckGPUConfig(Doc("GPUConfig", {{"operatorValues", values}}), TestContext(), kPath);
  EXPECT_TRUE(got.ok()) << ToAggregateMessage(got.errors);
  const std::string p = std::string(kPath) + ".operatorValues.";
  EXPECT_THAT(got.warnings,
              ::testing::ElementsAre(
                  p + "driver.enabled: ignored, the extension sets it: the node agent installs "
                      "the driver; the operator's driver container stays off",
                  p + "toolkit.enabled: ignored, the extension sets it: the nvidia runtime "
                      "configured by the OSC webhook needs the toolkit",
                  p + "toolkit.installDir: ignored, the extension sets it: the OSC webhook "
                      "points containerd's nvidia runtime at /opt/nvidia"));
}

TEST(ValidateGPUConfigTest, OperatorValuesWithoutOwnedKeysGiveNoWarning) {
  const json values = {{"operator", {{"runtimeClassX", "x"}}},
                       {"devicePlugin", {{"env", json::array()}, {"config", {{"create", false}}}}}};
  const Checked<GPUConfig> got =
      CheckGPUConfig(Doc("GPUConfig", {{"operatorValues", values}}), TestContext(), kPath);
  EXPECT_TRUE(got.ok()) << ToAggregateMessage(got.errors);
  EXPECT_THAT(got.warnings, ::testing::IsEmpty());
}

TEST(ValidateGPUConfigTest, ExclusionSkipsPoolsWithTheirOwnDriverVersion) {
  ValidationContext context = TestContext();
  context.pools[0].own_driver_version = true;  // gpu-a100 (2150.9) pins its own version
  const Checked<GPUConfig> got =
      CheckGPUConfig(Doc("GPUConfig", {{"driver", {{"version", "570"}}}}), context, kPath);
  EXPECT_TRUE(got.ok()) << ToAggregateMessage(got.errors);
}

TEST(ValidateGPUPoolConfigTest, ReportsEachRuleWithFieldAndFix) {
  const std::string p = "spec.provider.workers[0].cri.containerRuntimes[0].providerConfig";
  const std::vector<Case> cases = {
      {"valid overrides",
       {{"driver", {{"version", "590.48.01"}}}, {"fabricManager", "enabled"}},
       {}},
      {"mig.strategy forbidden per pool",
       {{"mig", {{"strategy", "single"}, {"profile", "all-1g.10gb"}}}},
       {p + ".mig.strategy: Forbidden: set it in the shoot's nvidia-gpu extension providerConfig"}},
      {"driver.version excluded on this pool's image",
       {{"driver", {{"version", "570.195.03"}}}},
       {p + ".driver.version: Invalid value: \"570.195.03\": 570 does not build on gardenlinux "
            ">= 2150.8; use 580 or newer"}},
      {"shoot-wide field in a pool",
       {{"cache", {{"mode", "s3"}}}},
       {p + ".cache: Unsupported value: \"{\"mode\":\"s3\"}\": unknown field \"cache\"; cache is "
            "shoot-wide: set it in the shoot's nvidia-gpu extension providerConfig"}},
      {"sharing.mps.replicas >= 2",
       {{"sharing", {{"mps", {{"replicas", 1}}}}}},
       {p + ".sharing.mps.replicas: Invalid value: \"1\": must be >= 2"}},
      {"upgrade.drainTimeout range",
       {{"upgrade", {{"drainTimeout", "30s"}}}},
       {p + ".upgrade.drainTimeout: Invalid value: \"30s\": must be between 1m and 2h"}},
      {"wrong kind",
       {{"kind", "GPUConfig"}},
       {p + ".kind: Unsupported value: \"GPUConfig\": supported values: \"GPUPoolConfig\""}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Checked<GPUPoolConfig> got =
        CheckGPUPoolConfig(Doc("GPUPoolConfig", c.patch), TestContext(), "gpu-a100", p);
    EXPECT_THAT(Messages(got.errors), ::testing::ElementsAreArray(c.want));
  }
}

TEST(ValidateGPUPoolConfigTest, OldImagePoolMayUseExcludedBranch) {
  const Checked<GPUPoolConfig> got = CheckGPUPoolConfig(
      Doc("GPUPoolConfig", {{"driver", {{"version", "570"}}}}), TestContext(), "gpu-old", "");
  EXPECT_TRUE(got.ok()) << ToAggregateMessage(got.errors);
}

}  // namespace
}  // namespace gpuext::gpuruntime::api
