// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// values.schema.json validation as Helm v4 does it (santhosh-tekuri/jsonschema v6): draft
// 2020-12 semantics unless "$schema" names draft-04/06/07 (then `$ref` hides its siblings),
// RE2 patterns, local `$ref`s ("#/definitions/x", "#/$defs/x", "#"), and v6's error tree:
//
//   - at '/sub': additional properties 'b', 'c' not allowed
//   - at '/name': validation failed
//     - at '/name': minLength: got 1, want 2
//     - at '/name': 'A' does not match pattern '^[a-z]+$'
//
// Keywords: type, enum, const, properties, patternProperties, additionalProperties, required,
// minProperties, maxProperties, dependentRequired, items (schema or draft-7 tuple),
// prefixItems, additionalItems, minItems, maxItems, uniqueItems, contains, minLength,
// maxLength, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, not,
// allOf, anyOf, oneOf, if/then/else, $ref, boolean schemas. `format` is not asserted (v6
// asserts it only when asked to, and Helm does not ask).
//
// Go iterates a map in random order, so with several failing properties Helm's line order
// varies from run to run; here properties come in key order.

#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/helm/chart.h"

namespace gpuext::helm {

// The error lines for `values` against `schema` ("- at '/x': msg\n" each, nested causes
// indented two spaces per level), or "" when they conform. Throws gpuext::Error
// (kConfigurationProblem) for a schema it cannot compile (bad pattern, unresolvable $ref).
[[nodiscard]] std::string SchemaErrors(const nlohmann::json& schema, const nlohmann::json& values);

// Helm's ValidateAgainstSchema over a chart and its enabled sub-charts (each sub-chart sees
// values[<name>]). Throws gpuext::Error(kConfigurationProblem):
//   values don't meet the specifications of the schema(s) in the following chart(s):
//   c:
//   - at '/port': minimum: got 0, want 1
void ValidateValuesAgainstSchemas(const Chart& chart, const nlohmann::json& values);

}  // namespace gpuext::helm
