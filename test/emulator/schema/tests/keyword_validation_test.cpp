// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// One table per group of OpenAPI keywords. Each case puts a schema under `spec` and validates
// {"spec": <value>}; the expected errors are Kubernetes' texts (kube-openapi messages wrapped the
// way apiextensions-apiserver wraps them).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "schema_test_util.h"

namespace gpuext::emulator::schema {
namespace {

using ::testing::ElementsAreArray;
using testing::Json;
using testing::Rendered;
using testing::SpecSchema;

struct Case {
  std::string name;
  std::string schema;  // the schema of spec
  std::string value;   // the value of spec
  std::vector<std::string> want;
};

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto schema = SpecSchema(Json(c.schema));
    const nlohmann::json object = {{"spec", Json(c.value)}};
    EXPECT_THAT(Rendered(schema->Validate(object, nullptr)), ElementsAreArray(c.want));
  }
}

TEST(KeywordValidationTest, Type) {
  RunCases({
      {"string accepts a string", R"({"type": "string"})", R"("a")", {}},
      {"string rejects an integer",
       R"({"type": "string"})",
       "5",
       {R"(spec: Invalid value: "integer": spec in body must be of type string: "integer")"}},
      {"integer rejects a string",
       R"({"type": "integer"})",
       R"("5")",
       {R"(spec: Invalid value: "string": spec in body must be of type integer: "string")"}},
      {"integer accepts an integral float", R"({"type": "integer"})", "5.0", {}},
      {"integer rejects a fraction and fails the range check",
       R"({"type": "integer"})",
       "1.5",
       {R"(spec: Invalid value: "number": spec in body must be of type integer: "number")",
        R"(<nil>: Invalid value: "": Checked value must be of type integer (default format) in spec)"}},
      {"number accepts an integer", R"({"type": "number"})", "5", {}},
      {"number accepts a float", R"({"type": "number"})", "5.25", {}},
      {"boolean rejects a string",
       R"({"type": "boolean"})",
       R"("true")",
       {R"(spec: Invalid value: "string": spec in body must be of type boolean: "string")"}},
      {"object rejects an array",
       R"({"type": "object"})",
       "[]",
       {R"(spec: Invalid value: "array": spec in body must be of type object: "array")"}},
      {"array rejects an object",
       R"({"type": "array"})",
       "{}",
       {R"(spec: Invalid value: "object": spec in body must be of type array: "object")"}},
      {"null is rejected without nullable",
       R"({"type": "string"})",
       "null",
       {R"(spec: Invalid value: "null": spec in body must be of type string: "null")"}},
      {"null is accepted with nullable", R"({"type": "string", "nullable": true})", "null", {}},
      {"no type accepts anything", R"({"x-kubernetes-preserve-unknown-fields": true})", "[1]", {}},
      {"int-or-string accepts an integer", R"({"x-kubernetes-int-or-string": true})", "3", {}},
      {"int-or-string accepts a string", R"({"x-kubernetes-int-or-string": true})", R"("25%")", {}},
      {"int-or-string rejects a boolean",
       R"({"x-kubernetes-int-or-string": true})",
       "true",
       {R"(spec: Invalid value: "boolean": spec in body must be of type integer,string: "boolean")"}},
  });
}

TEST(KeywordValidationTest, Format) {
  RunCases({
      {"int32 accepts its maximum", R"({"type": "integer", "format": "int32"})", "2147483647", {}},
      {"int32 rejects a larger integer",
       R"({"type": "integer", "format": "int32"})",
       "2147483648",
       {R"(<nil>: Invalid value: "": Checked value must be of type integer with format int32 in spec)"}},
      {"int32 names the format for a float",
       R"({"type": "integer", "format": "int32"})",
       "1.5",
       {R"(spec: Invalid value: "float64": spec in body must be of type int32: "float64")",
        R"(<nil>: Invalid value: "": Checked value must be of type integer with format int32 in spec)"}},
      {"int64 accepts a large integer",
       R"({"type": "integer", "format": "int64"})",
       "2147483648",
       {}},
      {"date-time accepts RFC 3339",
       R"({"type": "string", "format": "date-time"})",
       R"("2026-08-21T10:00:00Z")",
       {}},
      {"date-time accepts fractions and offsets",
       R"({"type": "string", "format": "date-time"})",
       R"("2026-08-21t10:00:00.123+02:00")",
       {}},
      {"date-time rejects prose",
       R"({"type": "string", "format": "date-time"})",
       R"("yesterday")",
       {R"(spec: Invalid value: "yesterday": spec in body must be of type date-time: "yesterday")"}},
      {"date-time rejects February 30",
       R"({"type": "string", "format": "date-time"})",
       R"("2026-02-30T10:00:00Z")",
       {R"(spec: Invalid value: "2026-02-30T10:00:00Z": spec in body must be of type date-time: "2026-02-30T10:00:00Z")"}},
      {"date-time names the format for an integer",
       R"({"type": "string", "format": "date-time"})",
       "5",
       {R"(spec: Invalid value: "int64": spec in body must be of type date-time: "int64")"}},
      {"byte accepts base64", R"({"type": "string", "format": "byte"})", R"("aGVsbG8=")", {}},
      {"byte rejects other text",
       R"({"type": "string", "format": "byte"})",
       R"("not base64!")",
       {R"(spec: Invalid value: "not base64!": spec in body must be of type byte: "not base64!")"}},
      {"uuid rejects a short id",
       R"({"type": "string", "format": "uuid"})",
       R"("1234")",
       {R"(spec: Invalid value: "1234": spec in body must be of type uuid: "1234")"}},
      {"formats kube-apiserver drops are not checked",
       R"({"type": "string", "format": "int-or-string"})",
       R"("anything")",
       {}},
  });
}

TEST(KeywordValidationTest, String) {
  RunCases({
      {"maxLength",
       R"({"type": "string", "maxLength": 3})",
       R"("abcd")",
       {"spec: Too long: may not be more than 3 bytes"}},
      {"maxLength of one",
       R"({"type": "string", "maxLength": 1})",
       R"("ab")",
       {"spec: Too long: may not be more than 1 byte"}},
      {"maxLength counts characters, not bytes",
       R"({"type": "string", "maxLength": 3})",
       R"("äöü")",
       {}},
      {"minLength",
       R"({"type": "string", "minLength": 2})",
       R"("a")",
       {R"(spec: Invalid value: "a": spec in body should be at least 2 chars long)"}},
      {"pattern mismatch",
       R"({"type": "string", "pattern": "^[a-z]+$"})",
       R"("ABC")",
       {R"(spec: Invalid value: "ABC": spec in body should match '^[a-z]+$')"}},
      {"pattern matches anywhere like Go's MatchString",
       R"({"type": "string", "pattern": "[0-9]"})",
       R"("abc1")",
       {}},
      {"pattern with Perl classes",
       R"({"type": "string", "pattern": "^\\d{3}$"})",
       R"("12a")",
       {R"(spec: Invalid value: "12a": spec in body should match '^\d{3}$')"}},
      {"only the first string error is reported",
       R"({"type": "string", "maxLength": 2, "pattern": "^[0-9]+$"})",
       R"("abc")",
       {"spec: Too long: may not be more than 2 bytes"}},
      {"quotes in values are escaped",
       R"({"type": "string", "pattern": "^[a-z]*$"})",
       R"("say \"hi\"")",
       {R"(spec: Invalid value: "say \"hi\"": spec in body should match '^[a-z]*$')"}},
  });
}

TEST(KeywordValidationTest, Enum) {
  RunCases({
      {"string enum",
       R"({"type": "string", "enum": ["a", "b"]})",
       R"("c")",
       {R"(spec: Unsupported value: "c": supported values: "a", "b")"}},
      {"string enum accepts a member", R"({"type": "string", "enum": ["a", "b"]})", R"("b")", {}},
      {"integer enum",
       R"({"type": "integer", "enum": [1, 2]})",
       "3",
       {R"(spec: Unsupported value: "3": supported values: "1", "2")"}},
      {"numbers compare by value", R"({"type": "number", "enum": [1, 2]})", "2.0", {}},
      {"null never matches, even when nullable",
       R"({"type": "string", "nullable": true, "enum": ["a"]})",
       "null",
       {R"(spec: Unsupported value: "null": supported values: "a")"}},
  });
}

TEST(KeywordValidationTest, Number) {
  RunCases({
      {"minimum",
       R"({"type": "integer", "minimum": 1})",
       "0",
       {R"(spec: Invalid value: "0": spec in body should be greater than or equal to 1)"}},
      {"minimum is inclusive", R"({"type": "integer", "minimum": 1})", "1", {}},
      {"exclusiveMinimum",
       R"({"type": "integer", "minimum": 1, "exclusiveMinimum": true})",
       "1",
       {R"(spec: Invalid value: "1": spec in body should be greater than 1)"}},
      {"maximum",
       R"({"type": "integer", "maximum": 10})",
       "11",
       {R"(spec: Invalid value: "11": spec in body should be less than or equal to 10)"}},
      {"exclusiveMaximum",
       R"({"type": "integer", "maximum": 10, "exclusiveMaximum": true})",
       "10",
       {R"(spec: Invalid value: "10": spec in body should be less than 10)"}},
      {"float bounds print as Go does",
       R"({"type": "number", "maximum": 1.5})",
       "2.25",
       {R"(spec: Invalid value: "2.25": spec in body should be less than or equal to 1.5)"}},
      {"large floats use Go's exponent form",
       R"({"type": "number", "maximum": 1000000.5})",
       "2000000.5",
       {R"(spec: Invalid value: "2.0000005e+06": spec in body should be less than or equal to 1.0000005e+06)"}},
      {"multipleOf integer",
       R"({"type": "integer", "multipleOf": 5})",
       "12",
       {R"(spec: Invalid value: "12": spec in body should be a multiple of 5)"}},
      {"multipleOf integer accepts a multiple",
       R"({"type": "integer", "multipleOf": 5})",
       "15",
       {}},
      {"multipleOf fraction",
       R"({"type": "number", "multipleOf": 0.5})",
       "1.25",
       {R"(spec: Invalid value: "1.25": spec in body should be a multiple of 0.5)"}},
      {"multipleOf fraction accepts a multiple",
       R"({"type": "number", "multipleOf": 0.1})",
       "0.3",
       {}},
  });
}

TEST(KeywordValidationTest, Array) {
  RunCases({
      {"minItems",
       R"({"type": "array", "minItems": 2})",
       "[1]",
       {R"(spec: Invalid value: "1": spec in body should have at least 2 items)"}},
      {"maxItems",
       R"({"type": "array", "maxItems": 1})",
       "[1, 2]",
       {"spec: Too many: 2: must have at most 1 item"}},
      {"maxItems plural",
       R"({"type": "array", "maxItems": 2})",
       "[1, 2, 3]",
       {"spec: Too many: 3: must have at most 2 items"}},
      {"items are validated with their index",
       R"({"type": "array", "items": {"type": "string"}})",
       R"(["a", 2, "c", false])",
       {R"(spec[1]: Invalid value: "integer": spec[1] in body must be of type string: "integer")",
        R"(spec[3]: Invalid value: "boolean": spec[3] in body must be of type string: "boolean")"}},
      {"nested paths",
       R"({"type": "array", "items": {"type": "object", "required": ["name"],
           "properties": {"name": {"type": "string"}, "ports": {"type": "array",
           "items": {"type": "integer"}}}}})",
       R"([{"name": "a"}, {"ports": [1, "x"]}])",
       {R"(spec[1].ports[1]: Invalid value: "string": spec[1].ports[1] in body must be of type integer: "string")",
        "spec[1].name: Required value"}},
      {"uniqueItems",
       R"({"type": "array", "uniqueItems": true})",
       "[1, 2, 1]",
       {R"(spec: Invalid value: "": spec in body shouldn't contain duplicates)"}},
  });
}

TEST(KeywordValidationTest, Object) {
  RunCases({
      {"required reports every missing property",
       R"({"type": "object", "required": ["b", "a"],
           "properties": {"a": {"type": "string"}, "b": {"type": "string"}}})",
       "{}",
       {"spec.b: Required value", "spec.a: Required value"}},
      {"minProperties",
       R"({"type": "object", "minProperties": 1})",
       "{}",
       {R"(spec: Invalid value: "0": spec in body should have at least 1 properties)"}},
      {"maxProperties",
       R"({"type": "object", "maxProperties": 1})",
       R"({"a": 1, "b": 2})",
       {"spec: Too many: 2: must have at most 1 item"}},
      {"additionalProperties schema validates every value",
       R"({"type": "object", "additionalProperties": {"type": "string"}})",
       R"({"a": "x", "b": 1})",
       {R"(spec.b: Invalid value: "integer": spec.b in body must be of type string: "integer")"}},
      {"additionalProperties false forbids undeclared keys",
       R"({"type": "object", "properties": {"a": {}}, "additionalProperties": false})",
       R"({"a": 1, "b": 2})",
       {R"(spec: Invalid value: "b": spec.b in body is a forbidden property)"}},
      {"undeclared keys are not validation errors (pruning removes them)",
       R"({"type": "object", "properties": {"a": {"type": "string"}}})",
       R"({"z": 1})",
       {}},
      {"preserve-unknown-fields still validates declared properties",
       R"({"type": "object", "x-kubernetes-preserve-unknown-fields": true,
           "properties": {"a": {"type": "integer"}}})",
       R"({"a": "x", "z": {"deep": true}})",
       {R"(spec.a: Invalid value: "string": spec.a in body must be of type integer: "string")"}},
      {"every error at once",
       R"({"type": "object", "required": ["c"], "properties": {"a": {"type": "integer"},
           "b": {"type": "string", "enum": ["x"]}, "c": {"type": "string"}}})",
       R"({"a": "1", "b": "y"})",
       {R"(spec.a: Invalid value: "string": spec.a in body must be of type integer: "string")",
        R"(spec.b: Unsupported value: "y": supported values: "x")", "spec.c: Required value"}},
  });
}

TEST(KeywordValidationTest, Composition) {
  const std::string either_a_or_b =
      R"({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},)";
  RunCases({
      {"anyOf with no match",
       either_a_or_b + R"("anyOf": [{"required": ["a"]}, {"required": ["b"]}]})",
       "{}",
       {R"(<nil>: Invalid value: "": "spec" must validate at least one schema (anyOf))",
        "spec.a: Required value"}},
      {"anyOf with a match",
       either_a_or_b + R"("anyOf": [{"required": ["a"]}, {"required": ["b"]}]})",
       R"({"b": 1})",
       {}},
      {"oneOf with two matches",
       either_a_or_b + R"("oneOf": [{"required": ["a"]}, {"required": ["b"]}]})",
       R"({"a": 1, "b": 1})",
       {R"(<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found 2 valid alternatives)"}},
      {"oneOf with no match",
       either_a_or_b + R"("oneOf": [{"required": ["a"]}, {"required": ["b"]}]})",
       "{}",
       {R"(<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found none valid)",
        "spec.a: Required value"}},
      {"oneOf with one match",
       either_a_or_b + R"("oneOf": [{"required": ["a"]}, {"required": ["b"]}]})",
       R"({"a": 1})",
       {}},
      {"allOf",
       either_a_or_b + R"("allOf": [{"required": ["a"]}, {"required": ["b"]}]})",
       R"({"a": 1})",
       {"spec.b: Required value",
        R"(<nil>: Invalid value: "": "spec" must validate all the schemas (allOf))"}},
      {"not",
       either_a_or_b + R"("not": {"required": ["a"]}})",
       R"({"a": 1})",
       {R"(<nil>: Invalid value: "": "spec" must not validate the schema (not))"}},
      {"anyOf over value validations",
       R"({"type": "string", "anyOf": [{"pattern": "^a"}, {"pattern": "^b"}]})",
       R"("c")",
       {R"(<nil>: Invalid value: "": "spec" must validate at least one schema (anyOf))",
        R"(spec: Invalid value: "c": spec in body should match '^a')"}},
  });
}

}  // namespace
}  // namespace gpuext::emulator::schema
