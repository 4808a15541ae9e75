// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "schema_test_util.h"

namespace gpuext::emulator::schema {
namespace {

using ::testing::ElementsAreArray;
using testing::Json;

constexpr std::string_view kSchema = R"({
  "type": "object",
  "properties": {
    "spec": {
      "type": "object",
      "properties": {
        "name": {"type": "string"},
        "nested": {"type": "object", "properties": {"known": {"type": "string"}}},
        "items": {
          "type": "array",
          "items": {"type": "object", "properties": {"name": {"type": "string"}}}
        },
        "config": {
          "type": "object",
          "x-kubernetes-preserve-unknown-fields": true,
          "properties": {"typed": {"type": "object", "properties": {"a": {"type": "string"}}}}
        },
        "template": {
          "type": "object",
          "x-kubernetes-embedded-resource": true,
          "properties": {"spec": {"type": "object", "properties": {"x": {"type": "string"}}}}
        },
        "anything": {
          "type": "object",
          "x-kubernetes-embedded-resource": true,
          "x-kubernetes-preserve-unknown-fields": true
        },
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "pools": {
          "type": "object",
          "additionalProperties": {"type": "object", "properties": {"size": {"type": "integer"}}}
        },
        "optional": {"type": "string", "nullable": true},
        "defaulted": {"type": "string", "default": "d"}
      }
    }
  }
})";

struct PruningCase {
  std::string name;
  std::string object;
  std::string want_object;
  std::vector<std::string> want_pruned;
};

TEST(PruneTest, DropsUnknownFieldsLikeKubernetes) {
  const std::vector<PruningCase> cases = {
      {"root type and object meta are kept, nothing inside metadata is pruned",
       R"({"apiVersion": "g/v1", "kind": "K", "metadata": {"name": "n", "bogus": {"x": 1}},
           "status": {"phase": "x"}})",
       R"({"apiVersion": "g/v1", "kind": "K", "metadata": {"name": "n", "bogus": {"x": 1}}})",
       {"status"}},
      {"unknown fields at every depth, paths sorted",
       R"({"spec": {"name": "a", "zzz": 1, "nested": {"known": "k", "unknown": {"deep": 1}},
                    "items": [{"name": "a"}, {"name": "b", "extra": true}]}})",
       R"({"spec": {"name": "a", "nested": {"known": "k"}, "items": [{"name": "a"}, {"name": "b"}]}})",
       {"spec.items[1].extra", "spec.nested.unknown", "spec.zzz"}},
      {"preserve-unknown-fields keeps unknown fields but prunes declared properties",
       R"({"spec": {"config": {"free": {"form": [1, {"x": 2}]}, "typed": {"a": "1", "b": "2"}}}})",
       R"({"spec": {"config": {"free": {"form": [1, {"x": 2}]}, "typed": {"a": "1"}}}})",
       {"spec.config.typed.b"}},
      {"embedded resources keep apiVersion, kind and metadata",
       R"({"spec": {"template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "x": 1},
                                 "spec": {"x": "1", "y": "2"}, "status": {}}}})",
       R"({"spec": {"template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "x": 1},
                                 "spec": {"x": "1"}}}})",
       {"spec.template.spec.y", "spec.template.status"}},
      {"embedded resources with preserve-unknown-fields keep everything",
       R"({"spec": {"anything": {"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"}}}})",
       R"({"spec": {"anything": {"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"}}}})",
       {}},
      {"additionalProperties keeps every key and prunes inside the values",
       R"({"spec": {"labels": {"a": "1", "b": "2"}, "pools": {"p1": {"size": 1, "color": "red"}}}})",
       R"({"spec": {"labels": {"a": "1", "b": "2"}, "pools": {"p1": {"size": 1}}}})",
       {"spec.pools.p1.color"}},
      {"nulls of non-nullable fields without default are dropped silently",
       R"({"spec": {"name": null, "optional": null, "defaulted": null}})",
       R"({"spec": {"optional": null, "defaulted": null}})",
       {}},
  };
  const auto schema = StructuralSchema::FromOpenApiV3(Json(kSchema));
  for (const PruningCase& c : cases) {
    SCOPED_TRACE(c.name);
    nlohmann::json object = Json(c.object);
    EXPECT_THAT(schema->Prune(object), ElementsAreArray(c.want_pruned));
    EXPECT_EQ(object, Json(c.want_object)) << object.dump();
  }
}

TEST(PruneTest, RootPreserveUnknownFieldsKeepsEverything) {
  const auto schema = StructuralSchema::FromOpenApiV3(
      Json(R"({"type": "object", "x-kubernetes-preserve-unknown-fields": true})"));
  nlohmann::json object = Json(R"({"kind": "K", "spec": {"a": [1]}, "status": {}})");
  const nlohmann::json before = object;
  EXPECT_THAT(schema->Prune(object), ::testing::IsEmpty());
  EXPECT_EQ(object, before);
}

}  // namespace
}  // namespace gpuext::emulator::schema
