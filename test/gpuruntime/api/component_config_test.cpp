// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/component_config.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api_test_util.h"
#include "gpuext/error.h"

namespace gpuext::gpuruntime::api {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::Messages;
using testing::TestComponent;

TEST(ControllerConfigurationTest, ExampleDecodesWithEverySection) {
  const ControllerConfiguration& c = TestComponent();
  EXPECT_EQ(c.driver.default_branch, "580");
  EXPECT_TRUE(c.driver.require_pinned_sources);
  ASSERT_EQ(c.driver.branches.size(), 4u);
  EXPECT_EQ(c.driver.branches[0].sources.run->Sha256For(Arch::kArm64), std::string(64, 'b'));
  EXPECT_EQ(c.driver.branches[1].sources.open->Sha256For(Arch::kArm64), std::string(64, 'e'));
  EXPECT_EQ(c.health.driver_ready_timeout, 30min);
  EXPECT_EQ(c.webhooks.osc_timeout_seconds, 10);
  ASSERT_EQ(c.machine_images.size(), 1u);
  EXPECT_EQ(c.machine_images[0].os_version_key, "GARDENLINUX_VERSION");
}

TEST(ControllerConfigurationTest, RoundTripsThroughJson) {
  const ControllerConfiguration& c = TestComponent();
  const auto decoded = DecodeControllerConfiguration(ToJson(c));
  ASSERT_TRUE(decoded.ok()) << ToAggregateMessage(decoded.errors);
  EXPECT_EQ(decoded.value, c);
}

TEST(ControllerConfigurationTest, ResolvesBranchesToTheirHighestVersion) {
  const ControllerConfiguration& c = TestComponent();
  EXPECT_THAT(SupportedBranches(c), ::testing::ElementsAre("570", "580", "590"));
  EXPECT_EQ(ResolveDriverVersion(c, "580")->version, "580.95.05");
  EXPECT_EQ(ResolveDriverVersion(c, "580.82.07")->version, "580.82.07");
  EXPECT_EQ(ResolveDriverVersion(c, "580.82.07")->branch, "580");
  EXPECT_FALSE(ResolveDriverVersion(c, "580.1.1").has_value());
  EXPECT_FALSE(ResolveDriverVersion(c, "999").has_value());
  EXPECT_FALSE(ResolveDriverVersion(c, "latest").has_value());
  // Keep the resolved driver alive: a reference into the temporary optional would dangle.
  const std::optional<ResolvedDriver> resolved = ResolveDriverVersion(c, "580");
  ASSERT_TRUE(resolved.has_value());
  ASSERT_TRUE(resolved->sources.run.has_value());
  const DriverSource& run = *resolved->sources.run;
  EXPECT_EQ(run.UrlFor("580.95.05", Arch::kArm64),
            "https://us.download.nvidia.com/tesla/580.95.05/NVIDIA-Linux-aarch64-580.95.05.run");
}

TEST(ControllerConfigurationTest, ArchitecturesFollowPerArchitectureChecksums) {
  const DriverSource any_arch{
      .url = "https://x", .sha256 = std::string(64, 'a'), .sha256_by_arch = {}};
  const DriverSource amd64_only{
      .url = "https://x", .sha256 = "", .sha256_by_arch = {{"amd64", std::string(64, 'a')}}};
  EXPECT_TRUE(SupportsArch(DriverSources{}, Arch::kArm64));  // nothing pinned says nothing
  EXPECT_TRUE(SupportsArch({.run = any_arch, .open = any_arch}, Arch::kArm64));
  EXPECT_TRUE(SupportsArch({.run = amd64_only, .open = std::nullopt}, Arch::kAmd64));
  EXPECT_FALSE(SupportsArch({.run = amd64_only, .open = std::nullopt}, Arch::kArm64));
  EXPECT_FALSE(SupportsArch({.run = any_arch, .open = amd64_only}, Arch::kArm64));

  ControllerConfiguration c = TestComponent();
  c.driver.branches[0].sources.run->sha256_by_arch.erase("arm64");  // 570: amd64 only
  EXPECT_THAT(BranchesSupportingArch(c, Arch::kArm64), ::testing::ElementsAre("580", "590"));
  EXPECT_THAT(BranchesSupportingArch(c, Arch::kAmd64), ::testing::ElementsAre("570", "580", "590"));
}

TEST(ControllerConfigurationTest, BuiltInCatalogIsDESIGNsExample) {
  const ControllerConfiguration& c = DefaultControllerConfiguration();
  EXPECT_EQ(c.driver.default_branch, "580");
  EXPECT_THAT(SupportedBranches(c), ::testing::ElementsAre("570", "580", "590"));
  EXPECT_EQ(ResolveDriverVersion(c, "580")->version, "580.95.05");
  EXPECT_NE(FindExclusion(c, "570", "gardenlinux", "2150.8.0"), nullptr);
  EXPECT_EQ(FindExclusion(c, "580", "gardenlinux", "2150.8.0"), nullptr);
  EXPECT_TRUE(SupportsMachineImage(c, "gardenlinux", "1592.3.0"));
  EXPECT_FALSE(SupportsMachineImage(c, "gardenlinux", "1443.3.0"));
  EXPECT_EQ(MachineImageDialect(c, "gardenlinux", "1877.5.0"),
            (ContainerdDialect{.config_version = 3, .cdi = CdiMode::kBuiltin}));
  EXPECT_THAT(BranchesSupportingArch(c, Arch::kArm64), ::testing::ElementsAre("570", "580", "590"));
  // It lacks only what the seed needs and admission does not (checksums, image references):
  // nothing else an operator's file would be refused for.
  for (const FieldError& e : Validate(c)) {
    EXPECT_THAT(e.field,
                ::testing::AnyOf(::testing::EndsWith(".sha256"), ::testing::StartsWith("images.")))
        << e.ToString();
  }
}

TEST(ControllerConfigurationTest, FindsExclusionsByImageVersion) {
  const ControllerConfiguration& c = TestComponent();
  struct Case {
    std::string branch, image, version;
    bool excluded;
  };
  const std::vector<Case> cases = {
      {"570", "gardenlinux", "2150.8", true},   {"570", "gardenlinux", "2150.8.0", true},
      {"570", "gardenlinux", "2151.0.1", true}, {"570", "gardenlinux", "2150.7.9", false},
      {"570", "gardenlinux", "1877.5", false},  {"580", "gardenlinux", "2150.9", false},
      {"570", "ubuntu", "2150.9", false},       {"570", "gardenlinux", "latest", false},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.branch + " " + k.image + " " + k.version);
    EXPECT_EQ(FindExclusion(c, k.branch, k.image, k.version) != nullptr, k.excluded);
  }
}

TEST(ControllerConfigurationTest, PicksContainerdDialectByImageVersion) {
  const ControllerConfiguration& c = TestComponent();
  const ContainerdDialect v2{.config_version = 2, .cdi = CdiMode::kEnableInConfig};
  const ContainerdDialect v3{.config_version = 3, .cdi = CdiMode::kBuiltin};
  EXPECT_EQ(MachineImageDialect(c, "gardenlinux", "1592.4"), v2);
  EXPECT_EQ(MachineImageDialect(c, "gardenlinux", "1876.99.1"), v2);
  EXPECT_EQ(MachineImageDialect(c, "gardenlinux", "1877"), v3);
  EXPECT_EQ(MachineImageDialect(c, "gardenlinux", "1877.5.0"), v3);
  EXPECT_FALSE(MachineImageDialect(c, "ubuntu", "22.4").has_value());
  EXPECT_FALSE(MachineImageDialect(c, "gardenlinux", "1877.x").has_value());
  EXPECT_TRUE(SupportsMachineImage(c, "gardenlinux", "1592.0"));
  EXPECT_FALSE(SupportsMachineImage(c, "gardenlinux", "1443.3.0"));
}

TEST(ControllerConfigurationTest, TemplatesTheBuilderImage) {
  const ControllerConfiguration& c = TestComponent();
  EXPECT_EQ(BuilderImage(c, "gardenlinux", "1877.5.0", Arch::kAmd64),
            "ghcr.io/gardenlinux/gardenlinux/kmodbuild:amd64-1877.5");
  EXPECT_EQ(BuilderImage(c, "gardenlinux", "2150.8", Arch::kArm64),
            "ghcr.io/gardenlinux/gardenlinux/kmodbuild:arm64-2150.8");
  EXPECT_FALSE(BuilderImage(c, "ubuntu", "22.4", Arch::kAmd64).has_value());
}

TEST(ControllerConfigurationTest, DefaultsDerivedFields) {
  ControllerConfiguration c = TestComponent();
  c.driver.default_branch.clear();
  c.machine_images[0].builder.tag.clear();
  c.machine_images[0].os_version_key.clear();
  SetDefaults(c);
  EXPECT_EQ(c.driver.default_branch, "590");
  EXPECT_EQ(c.machine_images[0].builder.tag, "{arch}-{major}.{minor}");
  EXPECT_EQ(c.machine_images[0].os_version_key, "GARDENLINUX_VERSION");
}

TEST(ControllerConfigurationTest, ValidationNamesEveryProblem) {
  json doc = testing::TestdataJson("controller-configuration.yaml");
  doc["driver"]["defaultBranch"] = "600";
  doc["driver"]["branches"][0]["branch"] = "57";
  doc["driver"]["branches"][1]["version"] = "590.1.2";
  doc["driver"]["branches"][2]["sources"]["open"]["url"] = "http://example.invalid/{version}";
  doc["driver"]["branches"][3]["sources"]["open"].erase("sha256");
  doc["driver"]["exclusions"][0]["machineImage"] = "ubuntu";
  doc["machineImages"][0]["containerd"][0]["configVersion"] = 1;
  doc["machineImages"][0]["builder"]["tag"] = "{os}-{major}";
  doc["webhooks"]["osc"]["timeoutSeconds"] = 60;
  auto decoded = DecodeControllerConfiguration(doc);
  ASSERT_TRUE(decoded.ok()) << ToAggregateMessage(decoded.errors);
  SetDefaults(decoded.value);
  EXPECT_THAT(
      Messages(Validate(decoded.value)),
      ::testing::ElementsAre(
          "driver.branches[0].branch: Invalid value: \"57\": must be three digits, e.g. 580",
          "driver.branches[0].version: Invalid value: \"570.195.03\": is not on branch 57",
          "driver.branches[1].version: Invalid value: \"590.1.2\": is not on branch 580",
          "driver.branches[2].sources.open.url: Invalid value: "
          "\"http://example.invalid/{version}\": "
          "must be an https:// URL or an absolute file:/// path in the builder",
          "driver.branches[3].sources.open.sha256: Required value: requirePinnedSources is true: "
          "pin the source's sha256 or set it to false",
          "driver.defaultBranch: Unsupported value: \"600\": supported values: \"57\", \"580\", "
          "\"590\"",
          "driver.exclusions[0].branch: Unsupported value: \"570\": supported values: \"57\", "
          "\"580\", \"590\"",
          "driver.exclusions[0].machineImage: Invalid value: \"ubuntu\": not listed in "
          "machineImages",
          "machineImages[0].containerd[0].configVersion: Unsupported value: \"1\": supported "
          "values: \"2\", \"3\", \"4\"",
          "machineImages[0].builder.tag: Invalid value: \"{os}-{major}\": unknown placeholder; use "
          "{arch}, {major}, {minor}, {patch} or {version}",
          "webhooks.osc.timeoutSeconds: Invalid value: \"60\": must be between 1 and 30 "
          "(Kubernetes' webhook limit)"));
}

TEST(ControllerConfigurationTest, DecodingIsStrict) {
  json doc = testing::TestdataJson("controller-configuration.yaml");
  doc["driver"]["branches"][0]["sources"]["run"]["sha"] = "x";
  doc["machineImages"][0]["containerd"][1]["cdi"] = "auto";
  doc["machineImages"][0]["versions"] = "newer than 1592";
  doc["health"]["syncPeriod"] = "30";
  doc["requirePinnedSources"] = false;
  EXPECT_THAT(
      Messages(DecodeControllerConfiguration(doc, "config").errors),
      ::testing::ElementsAre(
          "config.requirePinnedSources: Unsupported value: \"false\": unknown field "
          "\"requirePinnedSources\"; did you mean driver.requirePinnedSources?",
          "config.driver.branches[0].sources.run.sha: Unsupported value: \"x\": unknown field "
          "\"sha\"; did you mean driver.branches[].sources.run.sha256?",
          "config.machineImages[0].versions: Invalid value: \"newer than 1592\": must be "
          "comparisons like \">= 1592\" or \">= 1592, < 1877\"",
          "config.machineImages[0].containerd[1].cdi: Unsupported value: \"auto\": supported "
          "values: \"none\", \"enableInConfig\", \"builtin\"",
          "config.health.syncPeriod: Invalid value: \"30\": must be a duration such as 30s, 10m or "
          "1h30m"));
}

TEST(ControllerConfigurationTest, LoadRefusesABadFile) {
  EXPECT_THAT([] { (void)LoadControllerConfiguration("apiVersion: v1\nkind: ConfigMap\n"); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr(
                  "invalid ControllerConfiguration: [apiVersion: Unsupported value: \"v1\"")));
}

}  // namespace
}  // namespace gpuext::gpuruntime::api
