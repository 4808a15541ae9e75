// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include <gtest/gtest.h>

#include "schema_test_util.h"

namespace gpuext::emulator::schema {
namespace {

using testing::Json;

struct DefaultingCase {
  std::string name;
  std::string schema;
  std::string object;
  std::string want;
};

// A schema exercising defaults at every level.
constexpr std::string_view kDefaultingSchema = R"({
  "type": "object",
  "properties": {
    "spec": {
      "type": "object",
      "properties": {
        "replicas": {"type": "integer", "default": 1},
        "mode": {"type": "string", "default": "auto"},
        "label": {"type": "string", "nullable": true, "default": "x"},
        "strategy": {
          "type": "object",
          "default": {},
          "properties": {
            "type": {"type": "string", "default": "RollingUpdate"},
            "maxSurge": {"x-kubernetes-int-or-string": true, "default": "25%"}
          }
        },
        "optional": {
          "type": "object",
          "properties": {"enabled": {"type": "boolean", "default": false}}
        },
        "ports": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "protocol": {"type": "string", "default": "TCP"},
              "port": {"type": "integer"}
            }
          }
        },
        "weights": {"type": "array", "items": {"type": "integer", "default": 7}},
        "pools": {
          "type": "object",
          "additionalProperties": {
            "type": "object",
            "properties": {"size": {"type": "integer", "default": 3}}
          }
        }
      }
    }
  }
})";

TEST(ApplyDefaultsTest, FollowsKubernetesDefaulting) {
  const std::vector<DefaultingCase> cases = {
      {"missing properties get their defaults, nested defaults apply inside defaults",
       std::string(kDefaultingSchema), R"({"spec": {}})",
       R"({"spec": {"replicas": 1, "mode": "auto", "label": "x",
                    "strategy": {"type": "RollingUpdate", "maxSurge": "25%"}}})"},
      {"set values are never overridden", std::string(kDefaultingSchema),
       R"({"spec": {"replicas": 0, "mode": "", "label": "y",
                    "strategy": {"type": "Recreate", "maxSurge": 2}}})",
       R"({"spec": {"replicas": 0, "mode": "", "label": "y",
                    "strategy": {"type": "Recreate", "maxSurge": 2}}})"},
      {"a null that is not nullable is defaulted, a nullable null is kept",
       std::string(kDefaultingSchema),
       R"({"spec": {"replicas": null, "label": null, "strategy": {}}})",
       R"({"spec": {"replicas": 1, "mode": "auto", "label": null,
                    "strategy": {"type": "RollingUpdate", "maxSurge": "25%"}}})"},
      {"objects without a default are not created, but existing ones are defaulted",
       std::string(kDefaultingSchema), R"({"spec": {"optional": {}, "strategy": {}}})",
       R"({"spec": {"replicas": 1, "mode": "auto", "label": "x", "optional": {"enabled": false},
                    "strategy": {"type": "RollingUpdate", "maxSurge": "25%"}}})"},
      {"defaults apply inside array items", std::string(kDefaultingSchema),
       R"({"spec": {"strategy": {}, "ports": [{"port": 80}, {"port": 53, "protocol": "UDP"}]}})",
       R"({"spec": {"replicas": 1, "mode": "auto", "label": "x",
                    "strategy": {"type": "RollingUpdate", "maxSurge": "25%"},
                    "ports": [{"port": 80, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}})"},
      {"null array items take the items default", std::string(kDefaultingSchema),
       R"({"spec": {"strategy": {}, "weights": [1, null]}})",
       R"({"spec": {"replicas": 1, "mode": "auto", "label": "x",
                    "strategy": {"type": "RollingUpdate", "maxSurge": "25%"},
                    "weights": [1, 7]}})"},
      {"defaults apply inside additionalProperties values", std::string(kDefaultingSchema),
       R"({"spec": {"strategy": {}, "pools": {"a": {}, "b": {"size": 5}}}})",
       R"({"spec": {"replicas": 1, "mode": "auto", "label": "x",
                    "strategy": {"type": "RollingUpdate", "maxSurge": "25%"},
                    "pools": {"a": {"size": 3}, "b": {"size": 5}}}})"},
      {"no spec, no defaults below it", std::string(kDefaultingSchema), R"({"status": {}})",
       R"({"status": {}})"},
      {"default: null is no default",
       R"({"type": "object", "properties": {"a": {"type": "string", "default": null}}})", "{}",
       "{}"},
  };
  for (const DefaultingCase& c : cases) {
    SCOPED_TRACE(c.name);
    const auto schema = StructuralSchema::FromOpenApiV3(Json(c.schema));
    nlohmann::json object = Json(c.object);
    schema->ApplyDefaults(object);
    EXPECT_EQ(object, Json(c.want)) << object.dump();
  }
}

TEST(ApplyDefaultsTest, CopiesDefaultsInsteadOfSharingThem) {
  const auto schema = StructuralSchema::FromOpenApiV3(Json(kDefaultingSchema));
  nlohmann::json first = Json(R"({"spec": {}})");
  schema->ApplyDefaults(first);
  first["spec"]["strategy"]["type"] = "Changed";
  nlohmann::json second = Json(R"({"spec": {}})");
  schema->ApplyDefaults(second);
  EXPECT_EQ(second["spec"]["strategy"]["type"], "RollingUpdate");
}

}  // namespace
}  // namespace gpuext::emulator::schema
