// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The validations beyond single keywords: list-type uniqueness, embedded resources, the
// `self == oldSelf` rule and update ratcheting.

#include <optional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "schema_test_util.h"

namespace gpuext::emulator::schema {
namespace {

using ::testing::ElementsAreArray;
using testing::Json;
using testing::Rendered;
using testing::SpecSchema;

struct StructureCase {
  std::string name;
  std::optional<std::string> old_spec;  // nullopt: a create
  std::string spec;
  std::vector<std::string> want;
};

void RunStructureCases(const StructuralSchema& schema, const std::vector<StructureCase>& cases) {
  for (const StructureCase& c : cases) {
    SCOPED_TRACE(c.name);
    const nlohmann::json object = {{"spec", Json(c.spec)}};
    std::optional<nlohmann::json> old;
    if (c.old_spec) {
      old = nlohmann::json{{"spec", Json(*c.old_spec)}};
    }
    EXPECT_THAT(Rendered(schema.Validate(object, old ? &*old : nullptr)), ElementsAreArray(c.want));
  }
}

TEST(ListTypeValidationTest, RejectsDuplicates) {
  const auto schema = SpecSchema(Json(R"({"type": "object", "properties": {
    "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
    "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
              "items": {"type": "object", "properties": {"name": {"type": "string"},
                                                          "port": {"type": "integer"}}}},
    "routes": {"type": "array", "x-kubernetes-list-type": "map",
               "x-kubernetes-list-map-keys": ["host", "path"],
               "items": {"type": "object", "properties": {"host": {"type": "string"},
                                                           "path": {"type": "string"}}}},
    "groups": {"type": "object", "additionalProperties": {"type": "array",
               "x-kubernetes-list-type": "set", "items": {"type": "integer"}}}
  }})"));
  RunStructureCases(
      *schema,
      {
          {"unique values",
           std::nullopt,
           R"({"tags": ["a", "b"], "ports": [{"name": "a"}, {"name": "b"}]})",
           {}},
          {"a set reports the second occurrence once",
           std::nullopt,
           R"({"tags": ["a", "b", "a", "a"]})",
           {R"(spec.tags[2]: Duplicate value: "a")"}},
          {"a map reports the repeated key",
           std::nullopt,
           R"({"ports": [{"name": "http", "port": 80}, {"name": "http", "port": 81}]})",
           {R"(spec.ports[1]: Duplicate value: "{"name":"http"}")"}},
          {"missing keys collide with each other",
           std::nullopt,
           R"({"ports": [{"port": 1}, {"port": 2}]})",
           {R"(spec.ports[1]: Duplicate value: "{}")"}},
          {"several keys",
           std::nullopt,
           R"({"routes": [{"host": "a", "path": "/"}, {"host": "a", "path": "/x"},
                      {"host": "a", "path": "/"}]})",
           {R"(spec.routes[2]: Duplicate value: "{"host":"a","path":"/"}")"}},
          {"map lists need objects",
           std::nullopt,
           R"({"ports": ["x"]})",
           {R"(spec.ports[0]: Invalid value: "string": spec.ports[0] in body must be of type object: "string")",
            R"(spec.ports[0]: Invalid value: "x": must be an object for an array of list-type map)"}},
          {"sets inside additionalProperties",
           std::nullopt,
           R"({"groups": {"g": [1, 2, 1]}})",
           {R"(spec.groups[g][2]: Duplicate value: "1")"}},
          {"an update is not held to it when the old object broke it already",
           R"({"tags": ["a", "a"]})",
           R"({"tags": ["b", "b"]})",
           {}},
          {"an update is held to it when the old object kept it",
           R"({"tags": ["a"]})",
           R"({"tags": ["b", "b"]})",
           {R"(spec.tags[1]: Duplicate value: "b")"}},
      });
}

TEST(EmbeddedResourceValidationTest, ChecksTypeMeta) {
  const auto schema = SpecSchema(Json(R"({"type": "object", "properties": {
    "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                 "x-kubernetes-preserve-unknown-fields": true},
    "items": {"type": "array", "items": {"type": "object", "x-kubernetes-embedded-resource": true,
                                         "x-kubernetes-preserve-unknown-fields": true}}
  }})"));
  RunStructureCases(
      *schema,
      {
          {"a complete resource",
           std::nullopt,
           R"({"template": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}})",
           {}},
          {"apiVersion and kind are required",
           std::nullopt,
           R"({"template": {"metadata": {}}})",
           {"spec.template.apiVersion: Required value", "spec.template.kind: Required value"}},
          {"malformed apiVersion and kind",
           std::nullopt,
           R"({"template": {"apiVersion": "a/b/c", "kind": "my_kind"}})",
           {R"(spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c)",
            R"(spec.template.kind: Invalid value: "my_kind": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'))"}},
          {"empty apiVersion",
           std::nullopt,
           R"({"template": {"apiVersion": "", "kind": "Pod"}})",
           {R"(spec.template.apiVersion: Invalid value: "": must not be empty)"}},
          {"items carry their index",
           std::nullopt,
           R"({"items": [{"apiVersion": "v1", "kind": "Pod"}, {"apiVersion": "v1"}]})",
           {"spec.items[1].kind: Required value"}},
      });
}

TEST(TransitionRuleTest, EnforcesSelfEqualsOldSelf) {
  const auto schema = SpecSchema(Json(R"({"type": "object", "properties": {
    "class": {"type": "string", "x-kubernetes-validations":
              [{"rule": "self == oldSelf", "message": "Value is immutable"}]},
    "size": {"type": "integer", "x-kubernetes-validations": [{"rule": "self == oldSelf"}]},
    "selector": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                 "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "selector is immutable"}]},
    "pools": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
              "items": {"type": "object", "properties": {"name": {"type": "string"},
                "zone": {"type": "string", "x-kubernetes-validations":
                         [{"rule": "self == oldSelf", "message": "zone is immutable"}]}}}},
    "hosts": {"type": "array", "items": {"type": "object", "properties": {
                "zone": {"type": "string", "x-kubernetes-validations":
                         [{"rule": "self == oldSelf", "message": "zone is immutable"}]}}}},
    "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"},
             "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "tags are immutable"}]},
    "locked": {"type": "string", "x-kubernetes-validations":
               [{"rule": "self == oldSelf", "message": "no changes", "reason": "FieldValueForbidden"}]},
    "name": {"type": "string", "x-kubernetes-validations": [{"rule": "self.size() > 1"}]}
  }})"));
  RunStructureCases(
      *schema,
      {
          {"a create has no old value", std::nullopt, R"({"class": "a"})", {}},
          {"unchanged", R"({"class": "a"})", R"({"class": "a"})", {}},
          {"changed",
           R"({"class": "a"})",
           R"({"class": "b"})",
           {R"(spec.class: Invalid value: "b": Value is immutable)"}},
          {"set for the first time", "{}", R"({"class": "a"})", {}},
          {"removed (the rule only sees present values)", R"({"class": "a"})", "{}", {}},
          {"no message",
           R"({"size": 1})",
           R"({"size": 2})",
           {R"(spec.size: Invalid value: "2": failed rule: self == oldSelf)"}},
          {"numbers compare by value", R"({"size": 1})", R"({"size": 1.0})", {}},
          {"objects print their type",
           R"({"selector": {"a": 1}})",
           R"({"selector": {"a": 2}})",
           {R"(spec.selector: Invalid value: "object": selector is immutable)"}},
          {"map-list items correlate by key",
           R"({"pools": [{"name": "p1", "zone": "a"}]})",
           R"({"pools": [{"name": "p2", "zone": "z"}, {"name": "p1", "zone": "b"}]})",
           {R"(spec.pools[1].zone: Invalid value: "b": zone is immutable)"}},
          {"atomic-list items never correlate",
           R"({"hosts": [{"zone": "a"}]})",
           R"({"hosts": [{"zone": "b"}]})",
           {}},
          {"sets compare regardless of order",
           R"({"tags": ["a", "b"]})",
           R"({"tags": ["b", "a"]})",
           {}},
          {"sets that changed",
           R"({"tags": ["a"]})",
           R"({"tags": ["a", "c"]})",
           {R"(spec.tags: Invalid value: "array": tags are immutable)"}},
          {"the rule's reason",
           R"({"locked": "a"})",
           R"({"locked": "b"})",
           {"spec.locked: Forbidden: no changes"}},
          {"other rules are skipped", R"({"name": "ab"})", R"({"name": "a"})", {}},
          {"blocking errors stop the rules",
           R"({"class": "a", "size": 1})",
           R"({"class": "b", "size": "x"})",
           {R"(spec.size: Invalid value: "string": spec.size in body must be of type integer: "string")",
            R"(<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation)"}},
      });
}

TEST(RatchetingTest, DropsErrorsOfUnchangedValues) {
  const auto schema = SpecSchema(Json(R"({"type": "object", "properties": {
    "a": {"type": "string", "maxLength": 2},
    "b": {"type": "string"},
    "list": {"type": "array", "items": {"type": "string", "maxLength": 2}},
    "pools": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
              "items": {"type": "object", "properties": {"name": {"type": "string"},
                                                          "value": {"type": "string", "maxLength": 2}}}}
  }})"));
  RunStructureCases(
      *schema,
      {
          {"a create reports it",
           std::nullopt,
           R"({"a": "long"})",
           {"spec.a: Too long: may not be more than 2 bytes"}},
          {"an unchanged value is tolerated", R"({"a": "long"})", R"({"a": "long", "b": "x"})", {}},
          {"a changed value is not",
           R"({"a": "long"})",
           R"({"a": "longer"})",
           {"spec.a: Too long: may not be more than 2 bytes"}},
          {"items of atomic lists do not correlate",
           R"({"list": ["long"]})",
           R"({"list": ["long", "ok"]})",
           {"spec.list[0]: Too long: may not be more than 2 bytes"}},
          {"an unchanged atomic list is tolerated",
           R"({"list": ["long"]})",
           R"({"list": ["long"]})",
           {}},
          {"map-list items correlate by key",
           R"({"pools": [{"name": "x", "value": "long"}]})",
           R"({"pools": [{"name": "y", "value": "ok"}, {"name": "x", "value": "long"}]})",
           {}},
      });
}

}  // namespace
}  // namespace gpuext::emulator::schema
