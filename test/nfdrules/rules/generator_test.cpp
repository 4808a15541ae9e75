// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nfdrules/generator.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/emulator/schema/structural_schema.h"
#include "gpuext/error.h"
#include "gpuext/yaml_json.h"

namespace gpuext::nfdrules {
namespace {

using nlohmann::json;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The vendor matchers as gpu hands them over (NvidiaVendor, AmdVendor, IntelVendor).
std::vector<PciRule> VendorRules() {
  return {
      {.vendor_id = 0x10de, .class_ids = {0x0300, 0x0302}, .label = "nvidia.present"},
      {.vendor_id = 0x10de, .class_ids = {0x0680}, .label = "nvidia-nvswitch.present"},
      {.vendor_id = 0x1002, .class_ids = {0x0300, 0x0302, 0x0380}, .label = "amd.present"},
      {.vendor_id = 0x8086, .class_ids = {0x0300, 0x0302, 0x0380}, .label = "intel.present"},
  };
}

std::string ToYamlStream(const std::vector<json>& objects) {
  std::string out;
  for (const auto& object : objects) {
    out += "---\n" + ToYaml(object);
    if (out.back() != '\n') {
      out += '\n';
    }
  }
  return out;
}

TEST(NfdRulesTest, GoldenRulesForAllVendors) {
  std::string actual = ToYamlStream(GenerateRules({.pci_rules = VendorRules()}));
  std::filesystem::path golden =
      std::filesystem::path(GPUEXT_SOURCE_DIR) / "nfdrules" / "testdata" / "rules.yaml";
  if (const char* update = std::getenv("GPUEXT_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(golden, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, ReadFile(golden))
      << "golden " << golden << " differs (GPUEXT_UPDATE_GOLDEN=1 rewrites it)";
}

TEST(NfdRulesTest, RulesAsTheDesignTableListsThem) {
  std::vector<json> rules = GenerateRules({.pci_rules = VendorRules()});
  std::vector<std::string> names;
  for (const auto& rule : rules) {
    names.push_back(rule["metadata"]["name"]);
    EXPECT_EQ(rule["apiVersion"], "nfd.k8s-sigs.io/v1alpha1");
    EXPECT_EQ(rule["kind"], "NodeFeatureRule");
    EXPECT_FALSE(rule["metadata"].contains("namespace"));  // cluster-scoped
  }
  EXPECT_THAT(names,
              ::testing::ElementsAre("gpuext-amd-present", "gpuext-gardenlinux-version",
                                     "gpuext-intel-present", "gpuext-kernel-release",
                                     "gpuext-nvidia-nvswitch-present", "gpuext-nvidia-present"));
  const json& os = rules[1]["spec"]["rules"][0];
  EXPECT_EQ(os["labels"], json::parse(R"({
      "gpu.extensions.gardener.cloud/gardenlinux-version": "@system.osrelease.GARDENLINUX_VERSION",
      "node.gardener.cloud/gardenlinux-version": "@system.osrelease.GARDENLINUX_VERSION"})"));
  EXPECT_EQ(os["matchFeatures"], json::parse(R"([{"feature": "system.osrelease",
      "matchExpressions": {"GARDENLINUX_VERSION": {"op": "Exists"}}}])"));
  const json& nvidia = rules[5]["spec"]["rules"][0];
  EXPECT_EQ(nvidia["labels"],
            json::parse(R"({"gpu.extensions.gardener.cloud/nvidia.present": "true"})"));
  EXPECT_EQ(nvidia["matchFeatures"], json::parse(R"([{"feature": "pci.device",
      "matchExpressions": {"vendor": {"op": "In", "value": ["10de"]},
                           "class": {"op": "In", "value": ["0300", "0302"]}}}])"));
}

TEST(NfdRulesTest, CompatLabelCanBeTurnedOff) {
  std::vector<json> rules = GenerateRules({.gardenlinux_compat_label = false});
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["spec"]["rules"][0]["labels"].size(), 1u);
}

TEST(NfdRulesTest, LabelValuesOver63CharactersAreNeverEmitted) {
  std::vector<json> rules = GenerateRules({.pci_rules = {{.vendor_id = 0x10de,
                                                          .class_ids = {0x0300},
                                                          .label = "long.value",
                                                          .value = std::string(64, 'a')},
                                                         {.vendor_id = 0x10de,
                                                          .class_ids = {0x0300},
                                                          .label = "max.value",
                                                          .value = std::string(63, 'a')},
                                                         {.vendor_id = 0x10de,
                                                          .class_ids = {0x0300},
                                                          .label = "bad.value",
                                                          .value = "not valid!"}}});
  std::vector<std::string> names;
  for (const auto& rule : rules) {
    names.push_back(rule["metadata"]["name"]);
  }
  EXPECT_THAT(names, ::testing::ElementsAre("gpuext-gardenlinux-version", "gpuext-kernel-release",
                                            "gpuext-max-value"));
}

TEST(NfdRulesTest, InvalidKeysAndDuplicateLabelsAreProgrammingErrors) {
  EXPECT_THROW((void)GenerateRules({.label_namespace = "Not_A_Domain"}), Error);
  EXPECT_THROW(
      (void)GenerateRules(
          {.pci_rules = {{.vendor_id = 1, .class_ids = {}, .label = std::string(64, 'x')}}}),
      Error);
  EXPECT_THROW((void)GenerateRules(
                   {.pci_rules = {{.vendor_id = 1, .class_ids = {1}, .label = "a.present"},
                                  {.vendor_id = 2, .class_ids = {2}, .label = "a.present"}}}),
               Error);
}

TEST(NfdRulesTest, LabelSyntax) {
  EXPECT_TRUE(IsValidLabelValue(""));
  EXPECT_TRUE(IsValidLabelValue("1592.9"));
  EXPECT_TRUE(IsValidLabelValue("6.12.72-cloud-amd64"));
  EXPECT_FALSE(IsValidLabelValue("-x"));
  EXPECT_FALSE(IsValidLabelValue(std::string(64, 'a')));
  EXPECT_TRUE(IsValidLabelKey("gpu.extensions.gardener.cloud/nvidia-nvswitch.present"));
  EXPECT_FALSE(IsValidLabelKey("GPU.example/x"));
  EXPECT_FALSE(IsValidLabelKey("a..b/x"));
  EXPECT_TRUE(IsFeatureReference("@kernel.version.full"));
  EXPECT_FALSE(IsFeatureReference("@kernel"));
  EXPECT_FALSE(IsFeatureReference("kernel.version"));
}

// Every generated object must pass the real NodeFeatureRule CRD schema (v0.19 fixtures): no
// pruned field, no validation error.
TEST(NfdRulesTest, EveryRuleValidatesAgainstTheNfdCrdSchema) {
  std::filesystem::path crds = std::filesystem::path(GPUEXT_SOURCE_DIR) / ".." / "shared" /
                               "fixtures" / "nfd-crds" / "nfd-api-crds.yaml";
  std::shared_ptr<const emulator::schema::StructuralSchema> schema;
  for (const json& doc : ParseYamlDocuments(ReadFile(crds))) {
    if (doc.value("kind", "") == "CustomResourceDefinition" &&
        doc["metadata"]["name"] == "nodefeaturerules.nfd.k8s-sigs.io") {
      EXPECT_EQ(doc["spec"]["scope"], "Cluster");
      for (const json& version : doc["spec"]["versions"]) {
        if (version["name"] == "v1alpha1") {
          schema = emulator::schema::StructuralSchema::FromOpenApiV3(
              version["schema"]["openAPIV3Schema"]);
        }
      }
    }
  }
  ASSERT_TRUE(schema) << "no NodeFeatureRule v1alpha1 in " << crds;
  std::vector<json> rules = GenerateRules({.pci_rules = VendorRules()});
  ASSERT_EQ(rules.size(), 6u);
  for (json rule : rules) {
    std::string name = rule["metadata"]["name"];
    json original = rule;
    EXPECT_THAT(schema->Prune(rule), ::testing::IsEmpty()) << name;
    schema->ApplyDefaults(rule);
    EXPECT_EQ(rule, original) << name << ": defaulting changed the object";
    FieldErrorList errors = schema->Validate(rule, nullptr);
    EXPECT_TRUE(errors.empty()) << name << ": " << ToAggregateMessage(errors);
  }
}

}  // namespace
}  // namespace gpuext::nfdrules
