// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/shoot_validator.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/gpuruntime/api/component_config.h"

namespace gpuext::webhook {
namespace {

using nlohmann::json;
namespace api = gpuruntime::api;

// A CloudProfile in which gardenlinux 1592.3.0, 1877.5.0 and 2150.9.0 offer the nvidia runtime
// and 1443.3.0 and 1700.1.0 do not (only gvisor).
const json kCloudProfile = json::parse(R"({
  "apiVersion": "core.gardener.cloud/v1beta1", "kind": "CloudProfile", "metadata": {"name": "aws"},
  "spec": {
    "machineTypes": [{"name": "p4d.24xlarge", "gpu": "8"}, {"name": "g4dn.xlarge", "gpu": "1"},
                     {"name": "m5.large", "cpu": "2"}],
    "machineImages": [{"name": "gardenlinux", "versions": [
      {"version": "1443.3.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "gvisor"}]}]},
      {"version": "1700.1.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "gvisor"}]}]},
      {"version": "1877.5.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "gvisor"}, {"type": "nvidia"}]}]},
      {"version": "2150.9.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}]},
      {"version": "1592.3.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}]}]},
    {"name": "ubuntu", "versions": [{"version": "22.4.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}]}]}]}
})");

// The operator's catalog: 570 is pinned for amd64 only (no arm64 build), 580 and 590 for both;
// 570 does not build on gardenlinux >= 2150.8.
const api::ControllerConfiguration& Component() {
  static const api::ControllerConfiguration kComponent = [] {
    const std::string a(64, 'a');
    const std::string run =
        "https://us.download.nvidia.com/tesla/{version}/NVIDIA-Linux-{narch}-{version}.run";
    auto branch = [&](const char* name, const char* version, bool arm64) {
      json sha = {{"amd64", a}};
      if (arm64)
        sha["arm64"] = a;
      return json{{"branch", name},
                  {"version", version},
                  {"sources", {{"run", {{"url", run}, {"sha256", sha}}}}}};
    };
    const json config = {
        {"apiVersion", "config.gpu.extensions.gardener.cloud/v1alpha1"},
        {"kind", "ControllerConfiguration"},
        {"images",
         {{"nodeAgent", "example.invalid/agent@sha256:" + a},
          {"driverCache", "example.invalid/cache@sha256:" + a}}},
        {"driver",
         {{"defaultBranch", "580"},
          {"branches",
           {branch("570", "570.195.03", false), branch("580", "580.95.05", true),
            branch("590", "590.48.01", true)}},
          {"exclusions",
           {{{"branch", "570"}, {"machineImage", "gardenlinux"}, {"versions", ">= 2150.8"}}}}}},
        {"machineImages",
         {{{"name", "gardenlinux"},
           {"versions", ">= 1592"},
           {"containerd",
            {{{"versions", "< 1877"}, {"configVersion", 2}, {"cdi", "enableInConfig"}},
             {{"versions", ">= 1877"}, {"configVersion", 3}, {"cdi", "builtin"}}}},
           {"builder", {{"image", "ghcr.io/gardenlinux/gardenlinux/kmodbuild"}}}}}}};
    return api::LoadControllerConfiguration(config.dump());  // JSON is YAML
  }();
  return kComponent;
}

const ShootValidationContext kContext{.cloud_profile = &kCloudProfile, .component = &Component()};

json GpuPool(const std::string& name, const std::string& image, const std::string& version,
             const std::string& cri = "containerd") {
  return {
      {"name", name},
      {"machine", {{"type", "p4d.24xlarge"}, {"image", {{"name", image}, {"version", version}}}}},
      {"systemComponents", {{"allow", false}}},
      {"cri", {{"name", cri}, {"containerRuntimes", {{{"type", "nvidia"}}}}}}};
}

json A100(const std::string& name = "a100") { return GpuPool(name, "gardenlinux", "1877.5.0"); }

// A pool whose nvidia runtime carries `provider_config` (a GPUPoolConfig without type meta).
json WithPoolConfig(json pool, const json& provider_config) {
  json config = {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"},
                 {"kind", "GPUPoolConfig"}};
  config.update(provider_config);
  pool["cri"]["containerRuntimes"][0]["providerConfig"] = config;
  return pool;
}

json Shoot(json workers, json extensions = json::array({{{"type", "nvidia-gpu"}}})) {
  return {{"metadata", {{"name", "gpu"}}},
          {"spec", {{"provider", {{"workers", std::move(workers)}}}, {"extensions", extensions}}}};
}

// The extensions list with the nvidia-gpu entry at index 1 (after another extension), carrying
// `provider_config` (a GPUConfig without type meta).
json GpuExtension(const json& provider_config) {
  json config = {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"}, {"kind", "GPUConfig"}};
  config.update(provider_config);
  return json::array(
      {{{"type", "shoot-dns-service"}}, {{"type", "nvidia-gpu"}, {"providerConfig", config}}});
}

std::vector<std::string> Messages(const ShootValidation& v) {
  std::vector<std::string> out;
  for (const auto& e : v.errors)
    out.push_back(e.ToString());
  return out;
}

TEST(ShootValidatorTest, AcceptsAGoodShoot) {
  auto v = ValidateShoot(nullptr, Shoot({A100()}), kContext);
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(Messages(v));
  EXPECT_TRUE(v.warnings.empty());
}

TEST(ShootValidatorTest, AcceptsAFullyConfiguredShoot) {
  json shoot = Shoot({WithPoolConfig(A100(), {{"driver", {{"version", "590.48.01"}}},
                                              {"mig", {{"profile", "all-1g.10gb"}}},
                                              {"sharing", {{"timeSlicing", {{"replicas", 2}}}}}}),
                      GpuPool("arm", "gardenlinux", "2150.9.0")},
                     GpuExtension({{"driver", {{"version", "580"}, {"moduleType", "open"}}},
                                   {"cache",
                                    {{"mode", "s3"},
                                     {"s3",
                                      {{"bucket", "gpu-drivers"},
                                       {"region", "eu-central-1"},
                                       {"endpoint", "https://s3.example.com"},
                                       {"secretRef", {{"name", "gpu-cache-s3"}}}}}}},
                                   {"mig", {{"strategy", "mixed"}}}}));
  shoot["spec"]["provider"]["workers"][1]["machine"]["architecture"] = "arm64";
  shoot["spec"]["resources"] = {
      {{"name", "gpu-cache-s3"}, {"resourceRef", {{"kind", "Secret"}, {"name", "s3"}}}}};
  auto v = ValidateShoot(nullptr, shoot, kContext);
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(Messages(v));
  EXPECT_TRUE(v.warnings.empty()) << ::testing::PrintToString(v.warnings);
}

struct Row {
  const char* name;
  json shoot;
  std::string message;
};

// One row per rule: the input and the exact message a user sees.
TEST(ShootValidatorTest, EveryRuleHasItsMessage) {
  const std::string ext = "spec.extensions[1].providerConfig";
  const std::string pool_config =
      "spec.provider.workers[0].cri.containerRuntimes[0].providerConfig";
  json listed_without_runtime =
      Shoot({A100(), {{"name", "cpu"}}},
            json::array({{{"type", "nvidia-gpu"},
                          {"providerConfig",
                           {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"},
                            {"kind", "GPUConfig"},
                            {"pools", {"a100", "cpu"}}}}}}));
  json arm64_on_570 = Shoot({A100()}, GpuExtension({{"driver", {{"version", "570"}}}}));
  arm64_on_570["spec"]["provider"]["workers"][0]["machine"]["architecture"] = "arm64";
  json arm64_pool_570 = Shoot({WithPoolConfig(A100(), {{"driver", {{"version", "570.195.03"}}}})});
  arm64_pool_570["spec"]["provider"]["workers"][0]["machine"]["architecture"] = "arm64";
  json s390x = Shoot({A100()});
  s390x["spec"]["provider"]["workers"][0]["machine"]["architecture"] = "s390x";
  json t4 = WithPoolConfig(A100("t4"), {{"mig", {{"profile", "all-1g.10gb"}}}});
  t4["machine"]["type"] = "g4dn.xlarge";
  json t4_inherits = A100("t4");
  t4_inherits["machine"]["type"] = "g4dn.xlarge";
  const json s3 = {{"bucket", "gpu-drivers"},
                   {"region", "eu-central-1"},
                   {"secretRef", {{"name", "gpu-cache-s3"}}}};
  json s3_with_http = s3;
  s3_with_http["endpoint"] = "http://minio:9000";
  json s3_http = Shoot({A100()}, GpuExtension({{"cache", {{"mode", "s3"}, {"s3", s3_with_http}}}}));
  s3_http["spec"]["resources"] = {{{"name", "gpu-cache-s3"}}};
  json s3_secret_missing = Shoot({A100()}, GpuExtension({{"cache", {{"mode", "s3"}, {"s3", s3}}}}));

  const std::vector<Row> rows = {
      // The pool itself.
      {"cri", Shoot({GpuPool("a100", "gardenlinux", "1877.5.0", "docker")}),
       "spec.provider.workers[0].cri.name: Unsupported value: \"docker\": GPU pools need "
       "containerd; set cri.name to containerd"},
      {"image version without the runtime in the CloudProfile",
       Shoot({GpuPool("a100", "gardenlinux", "1700.1.0")}),
       "spec.provider.workers[0].machine.image: Invalid value: \"gardenlinux 1700.1.0\": "
       "gardenlinux 1700.1.0 does not list the nvidia runtime; pick a version whose "
       "cri.containerRuntimes include nvidia (>= 1592.3.0) or ask the operator to patch the "
       "CloudProfile"},
      {"image version the vendor does not support",
       Shoot({GpuPool("a100", "gardenlinux", "1443.3.0")}),
       "spec.provider.workers[0].machine.image.version: Invalid value: \"1443.3.0\": gardenlinux "
       "1443.3.0 is not supported by nvidia-gpu; use gardenlinux >= 1592"},
      {"image name", Shoot({GpuPool("a100", "ubuntu", "22.4.0")}),
       "spec.provider.workers[0].machine.image.name: Unsupported value: \"ubuntu\": ubuntu is not "
       "supported by nvidia-gpu; supported: gardenlinux"},
      {"architecture without a build of the shoot's driver", arm64_on_570,
       "spec.provider.workers[0].machine.architecture: Unsupported value: \"arm64\": driver "
       "570.195.03 has no arm64 build in the extension's driver catalog; set driver.version to a "
       "branch with arm64 builds (580, 590) or use a machine type with another architecture"},
      {"architecture without a build of the pool's driver", arm64_pool_570,
       "spec.provider.workers[0].machine.architecture: Unsupported value: \"arm64\": driver "
       "570.195.03 has no arm64 build in the extension's driver catalog; set driver.version to a "
       "branch with arm64 builds (580, 590) or use a machine type with another architecture"},
      {"architecture the vendor does not support", s390x,
       "spec.provider.workers[0].machine.architecture: Unsupported value: \"s390x\": nvidia-gpu "
       "supports amd64 and arm64 machines; pick a machine type of one of them"},
      {"driver branch excluded on the pool's image",
       Shoot({GpuPool("a100", "gardenlinux", "2150.9.0")},
             GpuExtension({{"driver", {{"version", "570"}}}})),
       ext + ".driver.version: Invalid value: \"570\": 570 does not build on gardenlinux >= "
             "2150.8; use 580 or newer"},
      // GPUConfig, decoded strictly.
      {"unknown field", Shoot({A100()}, GpuExtension({{"driverVersion", "580"}})),
       ext + ".driverVersion: Unsupported value: \"580\": unknown field \"driverVersion\"; did you "
             "mean driver.version?"},
      {"wrong type",
       Shoot({A100()}, GpuExtension({{"sharing", {{"timeSlicing", {{"replicas", "4"}}}}}})),
       ext + ".sharing.timeSlicing.replicas: Invalid value: \"4\": must be an integer, got string"},
      {"wrong apiVersion",
       Shoot({A100()}, GpuExtension({{"apiVersion", "gpu.extensions.gardener.cloud/v1"}})),
       ext + ".apiVersion: Unsupported value: \"gpu.extensions.gardener.cloud/v1\": supported "
             "values: \"gpu.extensions.gardener.cloud/v1alpha1\""},
      {"missing type meta",
       Shoot({A100()},
             json::array({{{"type", "shoot-dns-service"}},
                          {{"type", "nvidia-gpu"}, {"providerConfig", {{"kind", "GPUConfig"}}}}})),
       ext + ".apiVersion: Required value: set it to gpu.extensions.gardener.cloud/v1alpha1"},
      {"driver branch not in the supported list",
       Shoot({A100()}, GpuExtension({{"driver", {{"version", "999"}}}})),
       ext + ".driver.version: Invalid value: \"999\": unknown driver branch \"999\"; supported: "
             "570, 580, 590"},
      {"time-slicing replicas < 1",
       Shoot({A100()}, GpuExtension({{"sharing", {{"timeSlicing", {{"replicas", 0}}}}}})),
       ext + ".sharing.timeSlicing.replicas: Invalid value: \"0\": must be >= 1"},
      {"both time slicing and mps",
       Shoot({A100()},
             GpuExtension(
                 {{"sharing", {{"timeSlicing", {{"replicas", 2}}}, {"mps", {{"replicas", 2}}}}}})),
       ext + ".sharing.mps: Forbidden: set at most one of sharing.timeSlicing and sharing.mps"},
      {"unknown MIG strategy", Shoot({A100()}, GpuExtension({{"mig", {{"strategy", "all"}}}})),
       ext + ".mig.strategy: Unsupported value: \"all\": supported values: \"none\", \"single\", "
             "\"mixed\""},
      {"shoot-wide MIG profile and no pool can do MIG",
       Shoot({t4_inherits}, GpuExtension({{"mig", {{"profile", "all-1g.10gb"}}}})),
       ext + ".mig.profile: Invalid value: \"all-1g.10gb\": no GPU pool can do MIG (pool \"t4\" "
             "runs g4dn.xlarge machines with NVIDIA T4 GPUs); set mig.profile to all-disabled or "
             "pick a machine type with MIG-capable GPUs (A30, A100, H100, H200, B200)"},
      {"cache endpoint not https", s3_http,
       ext + ".cache.s3.endpoint: Invalid value: \"http://minio:9000\": use an https:// URL "
             "(http:// needs allowInsecureEndpoints in the extension's configuration)"},
      {"secretRef not in spec.resources", s3_secret_missing,
       ext + ".cache.s3.secretRef.name: Invalid value: \"gpu-cache-s3\": add {name: gpu-cache-s3, "
             "resourceRef: {kind: Secret, ...}} to spec.resources"},
      {"listed pool without runtime", listed_without_runtime,
       "spec.extensions[0].providerConfig.pools[1]: Invalid value: \"cpu\": pool \"cpu\" is listed "
       "but has no nvidia runtime; add it or remove the pool from pools"},
      {"listed pool missing", Shoot({A100()}, GpuExtension({{"pools", {"gpu-x"}}})),
       ext + ".pools[0]: Invalid value: \"gpu-x\": pool \"gpu-x\" does not exist; name a pool of "
             "spec.provider.workers"},
      // GPUPoolConfig, decoded strictly.
      {"pool: unknown field", Shoot({WithPoolConfig(A100(), {{"cache", {{"mode", "s3"}}}})}),
       pool_config + ".cache: Unsupported value: \"{\"mode\":\"s3\"}\": unknown field \"cache\"; "
                     "cache is shoot-wide: set it in the shoot's nvidia-gpu extension "
                     "providerConfig"},
      {"pool: wrong kind", Shoot({WithPoolConfig(A100(), {{"kind", "GPUConfig"}})}),
       pool_config +
           ".kind: Unsupported value: \"GPUConfig\": supported values: \"GPUPoolConfig\""},
      {"pool: driver branch not in the supported list",
       Shoot({WithPoolConfig(A100(), {{"driver", {{"version", "600"}}}})}),
       pool_config + ".driver.version: Invalid value: \"600\": unknown driver branch \"600\"; "
                     "supported: 570, 580, 590"},
      {"pool: time-slicing replicas < 1",
       Shoot({WithPoolConfig(A100(), {{"sharing", {{"timeSlicing", {{"replicas", -1}}}}}})}),
       pool_config + ".sharing.timeSlicing.replicas: Invalid value: \"-1\": must be >= 1"},
      {"pool: MIG strategy is shoot-wide",
       Shoot({WithPoolConfig(A100(), {{"mig", {{"strategy", "single"}}}})}),
       pool_config + ".mig.strategy: Forbidden: set it in the shoot's nvidia-gpu extension "
                     "providerConfig"},
      {"pool: MIG profile on a GPU that cannot do MIG", Shoot({t4}),
       pool_config + ".mig.profile: Invalid value: \"all-1g.10gb\": pool \"t4\" runs g4dn.xlarge "
                     "machines with NVIDIA T4 GPUs, which cannot do MIG; set mig.profile to "
                     "all-disabled or pick a machine type with MIG-capable GPUs (A30, A100, H100, "
                     "H200, B200)"},
  };
  for (const Row& row : rows) {
    auto v = ValidateShoot(nullptr, row.shoot, kContext);
    EXPECT_EQ(Messages(v), std::vector<std::string>{row.message}) << row.name;
  }
}

TEST(ShootValidatorTest, ReportsAllProblemsAtOnce) {
  auto v = ValidateShoot(
      nullptr,
      Shoot({GpuPool("a", "gardenlinux", "1700.1.0", "docker"), GpuPool("b", "ubuntu", "22.4.0")},
            GpuExtension({{"driver", {{"version", "999"}}}, {"mig", {{"strategy", "all"}}}})),
      kContext);
  EXPECT_EQ(v.errors.size(), 5u) << ::testing::PrintToString(Messages(v));
}

TEST(ShootValidatorTest, OperatorValuesTheExtensionOwnsAreAdmittedWithAWarning) {
  auto v = ValidateShoot(
      nullptr,
      Shoot({A100()}, GpuExtension({{"operatorValues",
                                     {{"cdi", {{"enabled", false}}},
                                      {"operator", {{"tolerations", json::array()}}}}}})),
      kContext);
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(Messages(v));
  EXPECT_THAT(v.warnings, ::testing::ElementsAre(
                              "spec.extensions[1].providerConfig.operatorValues.cdi.enabled: "
                              "ignored, the extension sets it: the device plugin and the runtime "
                              "use CDI on read-only Garden Linux hosts"));
}

TEST(ShootValidatorTest, SharedMigProfileOnAMixedFleetWarnsForThePoolsWithoutMig) {
  json t4 = A100("t4");
  t4["machine"]["type"] = "g4dn.xlarge";
  json shoot = Shoot({A100(), t4}, GpuExtension({{"mig", {{"profile", "all-1g.10gb"}}}}));
  auto v = ValidateShoot(nullptr, shoot, kContext);
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(Messages(v));
  EXPECT_THAT(v.warnings,
              ::testing::ElementsAre(
                  "spec.extensions[1].providerConfig.mig.profile: pool \"t4\" runs g4dn.xlarge "
                  "machines with NVIDIA T4 GPUs, which cannot do MIG, so the profile is ignored "
                  "there; set mig.profile: all-disabled in that pool's nvidia runtime "
                  "providerConfig to say so"));

  // The pool saying so silences the warning; an unknown machine type is never held against.
  shoot["spec"]["provider"]["workers"][1] =
      WithPoolConfig(t4, {{"mig", {{"profile", "all-disabled"}}}});
  EXPECT_TRUE(ValidateShoot(nullptr, shoot, kContext).warnings.empty());
  json metal = A100("metal");
  metal["machine"]["type"] = "g1.metal";
  EXPECT_TRUE(ValidateShoot(nullptr,
                            Shoot({metal}, GpuExtension({{"mig", {{"profile", "all-1g.10gb"}}}})),
                            kContext)
                  .errors.empty());
}

TEST(ShootValidatorTest, ListedPoolWithoutGpuCountIsAWarning) {
  json pool = A100("custom");
  pool["machine"]["type"] = "m5.large";
  auto v = ValidateShoot(nullptr, Shoot({pool}, GpuExtension({{"pools", {"custom"}}})), kContext);
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(Messages(v));
  EXPECT_THAT(v.warnings, ::testing::ElementsAre(
                              "spec.extensions[1].providerConfig.pools[0]: pool \"custom\" has a "
                              "machine type without a GPU count in the CloudProfile; it gets the "
                              "nvidia runtime anyway"));
}

TEST(ShootValidatorTest, AnUnreadableCloudProfileIsNotMistakenForPoolsWithoutGpus) {
  // The lookup failed (no CloudProfile): nothing is known about GPU counts, so no pool is
  // called GPU-less; the same shoot with the profile gets the warning above.
  json pool = A100("custom");
  pool["machine"]["type"] = "m5.large";
  const ShootValidationContext no_profile{.cloud_profile = nullptr, .component = &Component()};
  auto v = ValidateShoot(
      nullptr, Shoot({pool, A100()}, GpuExtension({{"pools", {"custom", "a100"}}})), no_profile);
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(Messages(v));
  EXPECT_THAT(v.warnings,
              ::testing::Not(::testing::Contains(::testing::HasSubstr("without a GPU count"))));
}

TEST(ShootValidatorTest, DisabledExtensionIsNotChecked) {
  json extensions = GpuExtension({{"driver", {{"version", "999"}}}});
  extensions[1]["disabled"] = true;
  EXPECT_TRUE(ValidateShoot(nullptr, Shoot({A100()}, extensions), kContext).errors.empty());
}

TEST(ShootValidatorTest, WithoutTheOperatorsCatalogTheBuiltInOneApplies) {
  const ShootValidationContext built_in{.cloud_profile = &kCloudProfile};
  auto v = ValidateShoot(nullptr, Shoot({A100()}, GpuExtension({{"driver", {{"version", "600"}}}})),
                         built_in);
  EXPECT_EQ(Messages(v), std::vector<std::string>{
                             "spec.extensions[1].providerConfig.driver.version: Invalid value: "
                             "\"600\": unknown driver branch \"600\"; supported: 570, 580, 590"});
  // The built-in catalog has no per-architecture checksums, so it refuses no architecture.
  json arm = Shoot({A100()}, GpuExtension({{"driver", {{"version", "570"}}}}));
  arm["spec"]["provider"]["workers"][0]["machine"]["architecture"] = "arm64";
  EXPECT_TRUE(ValidateShoot(nullptr, arm, built_in).errors.empty());
}

TEST(ShootValidatorTest, SystemComponentsOnGpuMachinesIsAWarning) {
  json pool = A100();
  pool.erase("systemComponents");  // Gardener's default is allow: true
  auto v = ValidateShoot(nullptr, Shoot({pool}), kContext);
  EXPECT_TRUE(v.errors.empty());
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_NE(v.warnings[0].find("systemComponents.allow: false"), std::string::npos);
}

TEST(ShootValidatorTest, ExistingProblemsDoNotBlockUnrelatedUpdates) {
  json old_shoot = Shoot({GpuPool("a100", "gardenlinux", "1700.1.0")});
  json shoot = old_shoot;
  shoot["spec"]["provider"]["workers"].push_back({{"name", "cpu"}});
  auto v = ValidateShoot(old_shoot, shoot, kContext);
  EXPECT_TRUE(v.errors.empty());
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_NE(v.warnings[0].find("already present before this update"), std::string::npos);

  // A new problem in the same update is still denied.
  shoot["spec"]["provider"]["workers"].push_back(
      GpuPool("t4", "gardenlinux", "1877.5.0", "docker"));
  EXPECT_EQ(ValidateShoot(old_shoot, shoot, kContext).errors.size(), 1u);
}

TEST(ShootValidatorTest, ProviderConfigProblemsOfTheStoredShootAreWarningsOnUpdate) {
  // A shoot stored before strict decoding: its providerConfig has no type meta and a typo.
  json old_shoot = Shoot(
      {A100()},
      json::array({{{"type", "nvidia-gpu"}, {"providerConfig", {{"driverVersion", "580"}}}}}));
  json shoot = old_shoot;
  shoot["spec"]["provider"]["workers"].push_back({{"name", "cpu"}});
  auto v = ValidateShoot(old_shoot, shoot, kContext);
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(Messages(v));
  EXPECT_EQ(v.warnings.size(), 3u) << ::testing::PrintToString(v.warnings);

  // A new problem in the providerConfig is denied; the old ones stay warnings.
  shoot["spec"]["extensions"][0]["providerConfig"]["sharing"] = {{"mps", {{"replicas", 1}}}};
  EXPECT_EQ(Messages(ValidateShoot(old_shoot, shoot, kContext)),
            std::vector<std::string>{"spec.extensions[0].providerConfig.sharing.mps.replicas: "
                                     "Invalid value: \"1\": must be >= 2"});
}

TEST(ShootValidatorTest, PoolsWithoutTheRuntimeAreNotChecked) {
  json pool = GpuPool("cpu", "ubuntu", "22.4.0", "docker");
  pool.erase("cri");
  EXPECT_TRUE(ValidateShoot(nullptr, Shoot({pool}), kContext).errors.empty());
}

TEST(ShootValidatorTest, RelevantFieldsChanged) {
  json shoot = Shoot({A100()});
  EXPECT_TRUE(RelevantFieldsChanged(nullptr, shoot));
  json labelled = shoot;
  labelled["metadata"]["labels"] = {{"team", "ml"}};
  EXPECT_FALSE(RelevantFieldsChanged(shoot, labelled));
  json resources = shoot;
  resources["spec"]["resources"] = json::array();
  EXPECT_TRUE(RelevantFieldsChanged(shoot, resources));
}

TEST(ShootValidatorTest, OddShapesDoNotThrow) {
  for (json shoot :
       {json::object(), json({{"spec", json::array()}}),
        json({{"spec", {{"provider", {{"workers", {1, "x", json::array()}}}}}}}),
        json({{"spec",
               {{"extensions", {{{"type", "nvidia-gpu"}, {"providerConfig", {{"pools", 3}}}}}}}}}),
        json({{"spec",
               {{"resources", {{{"name", 5}}}},
                {"provider",
                 {{"workers",
                   {{{"name", 7},
                     {"machine", {{"type", 1}, {"architecture", 2}, {"image", "x"}}},
                     {"cri",
                      {{"name", 3},
                       {"containerRuntimes", {{{"type", "nvidia"}, {"providerConfig", 4}}}}}}}}}}},
                {"extensions",
                 {{{"type", "nvidia-gpu"},
                   {"disabled", "no"},
                   {"providerConfig", "GPUConfig"}}}}}}})}) {
    EXPECT_NO_THROW((void)ValidateShoot(nullptr, shoot, kContext)) << shoot.dump();
    EXPECT_NO_THROW((void)ValidateShoot(shoot, shoot, kContext)) << shoot.dump();
  }
}

}  // namespace
}  // namespace gpuext::webhook
