// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "schema_test_util.h"

namespace gpuext::emulator::schema {
namespace {

using ::testing::HasSubstr;
using testing::Json;

TEST(FromOpenApiV3Test, RejectsMalformedSchemasNamingThePath) {
  struct Case {
    std::string name;
    std::string schema;
    std::string want;  // a substring of the error message
  };
  const std::vector<Case> cases = {
      {"unknown type",
       R"({"type": "object", "properties": {"spec": {"type": "object",
           "properties": {"replicas": {"type": "int"}}}}})",
       R"(openAPIV3Schema.properties[spec].properties[replicas].type: Unsupported value: "int": supported values: "array", "boolean", "integer", "number", "object", "string")"},
      {"pattern re2 cannot compile",
       R"j({"type": "object", "properties": {"a": {"type": "string", "pattern": "(?=x)"}}})j",
       "openAPIV3Schema.properties[a].pattern: Invalid value: \"(?=x)\": must be a valid regular "
       "expression, but isn't"},
      {"properties that are not an object", R"({"type": "object", "properties": ["a"]})",
       R"(openAPIV3Schema.properties: Invalid value: "["a"]": must be an object)"},
      {"a property that is not a schema", R"({"type": "object", "properties": {"a": "string"}})",
       R"(openAPIV3Schema.properties[a]: Invalid value: "string": must be a schema object)"},
      {"items as an array",
       R"({"type": "object", "properties": {"a": {"type": "array", "items": [{"type": "string"}]}}})",
       "openAPIV3Schema.properties[a].items: Forbidden: items must be a schema object and not an "
       "array"},
      {"unknown list type",
       R"({"type": "array", "x-kubernetes-list-type": "bag", "items": {"type": "string"}})",
       R"(openAPIV3Schema.x-kubernetes-list-type: Unsupported value: "bag")"},
      {"list-type map without keys",
       R"({"type": "array", "x-kubernetes-list-type": "map", "items": {"type": "object"}})",
       "openAPIV3Schema.x-kubernetes-list-map-keys: Required value: must not be empty if "
       "x-kubernetes-list-type is map"},
      {"required that is not a list of strings", R"({"type": "object", "required": "a"})",
       R"(openAPIV3Schema.required: Invalid value: "a": must be an array of strings)"},
      {"negative maxLength", R"({"type": "string", "maxLength": -1})",
       R"(openAPIV3Schema.maxLength: Invalid value: "-1": must be a non-negative integer)"},
      {"nullable that is not a boolean", R"({"type": "string", "nullable": "yes"})",
       R"(openAPIV3Schema.nullable: Invalid value: "yes": must be a boolean)"},
      {"$ref", R"({"$ref": "#/definitions/x"})",
       "openAPIV3Schema.$ref: Forbidden: $ref is not supported"},
      {"every problem at once",
       R"({"type": "object", "properties": {"a": {"type": "x"}, "b": {"type": "y"}}})",
       R"(invalid openAPIV3Schema: [openAPIV3Schema.properties[a].type: Unsupported value: "x")"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      (void)StructuralSchema::FromOpenApiV3(Json(c.schema));
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_THAT(e.what(), HasSubstr(c.want));
    }
  }
}

TEST(FromOpenApiV3Test, KeepsTheRawSchema) {
  const nlohmann::json raw =
      Json(R"({"type": "object", "description": "d", "properties": {"spec": {"type": "object"}}})");
  EXPECT_EQ(StructuralSchema::FromOpenApiV3(raw)->raw(), raw);
}

TEST(FromOpenApiV3Test, ListsTheCelRulesItSkips) {
  const auto schema = StructuralSchema::FromOpenApiV3(Json(R"j({
    "type": "object",
    "properties": {
      "spec": {
        "type": "object",
        "x-kubernetes-validations": [
          {"rule": "has(self.a) || has(self.b)", "message": "a or b"},
          {"rule": "self == oldSelf"}
        ],
        "properties": {
          "a": {"type": "string", "x-kubernetes-validations": [{"rule": "oldSelf == self"}]},
          "b": {"type": "array", "items": {"type": "string",
                "x-kubernetes-validations": [{"rule": "self.size() < 5"}]}},
          "c": {"type": "string",
                "x-kubernetes-validations": [{"rule": "self == oldSelf", "optionalOldSelf": true}]},
          "d": {"type": "string",
                "anyOf": [{"x-kubernetes-validations": [{"rule": "self == oldSelf"}]}]}
        }
      }
    }
  })j"));
  const auto& skipped = schema->skipped_rules();
  ASSERT_EQ(skipped.size(), 4u);
  EXPECT_EQ(skipped[0].path, "spec");
  EXPECT_EQ(skipped[0].rule, "has(self.a) || has(self.b)");
  EXPECT_EQ(skipped[0].message, "a or b");
  EXPECT_EQ(skipped[1].path, "spec.b[*]");
  EXPECT_EQ(skipped[1].rule, "self.size() < 5");
  EXPECT_EQ(skipped[2].path, "spec.c");
  EXPECT_EQ(skipped[3].path, "spec.d");
}

}  // namespace
}  // namespace gpuext::emulator::schema
