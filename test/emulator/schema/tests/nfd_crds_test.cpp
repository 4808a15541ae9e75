// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The node-feature-discovery CRDs from ../shared/fixtures/nfd-crds.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixture_support.h"
#include "gpuext/emulator/schema/structural_schema.h"
#include "schema_test_util.h"

namespace gpuext::emulator::schema {
namespace {

using testing::FixtureCase;
using testing::RunFixtureCases;

constexpr const char* kOps =
    R"("In", "NotIn", "InRegexp", "Exists", "DoesNotExist", "Gt", "Ge", "Lt", "Le", "GtLt", "GeLe", "IsTrue", "IsFalse")";

TEST(NfdCrdsTest, NodeFeature) {
  RunFixtureCases(
      "nodefeatures.nfd.k8s-sigs.io",
      R"({"metadata": {"name": "node-1", "namespace": "node-feature-discovery"},
          "spec": {"labels": {"feature.node.kubernetes.io/gpu": "true"},
                   "features": {"flags": {"cpu.cpuid": {"elements": {"AVX": {}}}},
                                "attributes": {"kernel.version": {"elements": {"major": "6"}}},
                                "instances": {"pci.device": {"elements": [{"attributes": {"vendor": "10de"}}]}}}}})",
      {
          {.name = "minimal object"},
          {.name = "missing spec",
           .patch = R"({"spec": null})",
           .want_errors = {"spec: Required value"}},
          {.name = "label values are strings",
           .patch = R"({"spec": {"labels": {"feature.node.kubernetes.io/gpu": 1}}})",
           .want_errors =
               {R"(spec.labels.feature.node.kubernetes.io/gpu: Invalid value: "integer": spec.labels.feature.node.kubernetes.io/gpu in body must be of type string: "integer")"}},
          {.name = "attributes need elements",
           .patch =
               R"({"spec": {"features": {"attributes": {"kernel.version": {"elements": null}}}}})",
           .want_errors = {"spec.features.attributes.kernel.version.elements: Required value"}},
          {.name = "instances need attributes",
           .patch = R"({"spec": {"features": {"instances": {"pci.device": {"elements": [{}]}}}}})",
           .want_errors =
               {"spec.features.instances.pci.device.elements[0].attributes: Required value"}},
          {.name = "unknown fields are pruned",
           .patch = R"({"spec": {"features": {"flags": {"cpu.cpuid": {"extra": 1}}}}})",
           .want_pruned = {"spec.features.flags.cpu.cpuid.extra"}},
      });
}

TEST(NfdCrdsTest, NodeFeatureGroup) {
  RunFixtureCases(
      "nodefeaturegroups.nfd.k8s-sigs.io",
      R"({"metadata": {"name": "gpu-nodes", "namespace": "node-feature-discovery"},
          "spec": {"featureGroupRules": [{"name": "nvidia", "matchFeatures": [{"feature": "pci.device",
                   "matchExpressions": {"vendor": {"op": "In", "value": ["10de"]}}}]}]}})",
      {
          {.name = "minimal object"},
          {.name = "status nodes",
           .patch = R"({"status": {"nodes": [{"name": "n1"}, {"name": "n2"}]}})"},
          {.name = "rules need a name",
           .patch = R"({"spec": {"featureGroupRules": [{"matchFeatures": []}]}})",
           .want_errors = {"spec.featureGroupRules[0].name: Required value"}},
          {.name = "enum inside additionalProperties",
           .patch =
               R"({"spec": {"featureGroupRules": [{"name": "n", "matchFeatures": [{"feature": "pci.device",
                        "matchExpressions": {"vendor": {"op": "Equals"}}}]}]}})",
           .want_errors =
               {std::string(
                    R"(spec.featureGroupRules[0].matchFeatures[0].matchExpressions.vendor.op: Unsupported value: "Equals": supported values: )") +
                kOps}},
          {.name = "list-type map keys are unique",
           .patch = R"({"status": {"nodes": [{"name": "n1"}, {"name": "n2"}, {"name": "n1"}]}})",
           .want_errors = {R"(status.nodes[2]: Duplicate value: "{"name":"n1"}")"}},
          {.name = "missing spec",
           .patch = R"({"spec": null})",
           .want_errors = {"spec: Required value"}},
          {.name = "unknown fields are pruned",
           .patch = R"({"status": {"nodes": [{"name": "n1", "ready": true}]}})",
           .want_pruned = {"status.nodes[0].ready"}},
      });
}

TEST(NfdCrdsTest, NodeFeatureRule) {
  RunFixtureCases(
      "nodefeaturerules.nfd.k8s-sigs.io",
      R"({"metadata": {"name": "gpu"}, "spec": {"rules": [{"name": "nvidia"}]}})",
      {
          {.name = "minimal object"},
          {.name = "missing rules",
           .patch = R"({"spec": {"rules": null}})",
           .want_errors = {"spec.rules: Required value"}},
          {.name = "rules need a name",
           .patch = R"({"spec": {"rules": [{"labels": {"a": "b"}}]}})",
           .want_errors = {"spec.rules[0].name: Required value"}},
          {.name = "enum inside additionalProperties",
           .patch = R"({"spec": {"rules": [{"name": "n", "matchFeatures": [{"feature": "pci.device",
                        "matchExpressions": {"vendor": {"op": "Equals", "value": ["10de"]}}}]}]}})",
           .want_errors =
               {std::string(
                    R"(spec.rules[0].matchFeatures[0].matchExpressions.vendor.op: Unsupported value: "Equals": supported values: )") +
                kOps}},
          {.name = "taints",
           .patch =
               R"({"spec": {"rules": [{"name": "n", "taints": [{"key": "k", "timeAdded": "now"}]}]}})",
           .want_errors =
               {R"(spec.rules[0].taints[0].timeAdded: Invalid value: "now": spec.rules[0].taints[0].timeAdded in body must be of type date-time: "now")",
                "spec.rules[0].taints[0].effect: Required value"}},
          {.name = "unknown fields are pruned",
           .patch = R"({"spec": {"rules": [{"name": "n", "priority": 1}]}})",
           .want_pruned = {"spec.rules[0].priority"}},
      });
}

TEST(NfdCrdsTest, SampleNodeFeatureRuleIsValid) {
  const std::vector<nlohmann::json> docs = testing::FixtureDocuments("nfd-crds/cr-sample.yaml");
  ASSERT_EQ(docs.size(), 1u);
  for (const testing::FixtureCrd& crd : testing::FixtureCrds()) {
    if (crd.name != "nodefeaturerules.nfd.k8s-sigs.io") {
      continue;
    }
    SCOPED_TRACE(crd.version);
    const auto schema = StructuralSchema::FromOpenApiV3(crd.schema);
    nlohmann::json object = docs.front();
    EXPECT_THAT(schema->Prune(object), ::testing::IsEmpty());
    schema->ApplyDefaults(object);
    EXPECT_EQ(object, docs.front());
    EXPECT_THAT(testing::Rendered(schema->Validate(object, nullptr)), ::testing::IsEmpty());
  }
}

}  // namespace
}  // namespace gpuext::emulator::schema
