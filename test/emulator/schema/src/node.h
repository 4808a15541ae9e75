// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The parsed form of an openAPIV3Schema: one Node per schema object. Built once by ParseSchema,
// then only read (safe for concurrent use).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/emulator/schema/structural_schema.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace gpuext::emulator::schema::internal {

// A `self == oldSelf` rule from x-kubernetes-validations.
struct TransitionRule {
  std::string rule = {};
  std::string message = {};     // may be empty: the error then says "failed rule: <rule>"
  std::string reason = {};      // FieldValueInvalid (default), FieldValueForbidden, ...
  std::string field_path = {};  // the rule's fieldPath without the leading '.', may be empty
};

struct Node {
  std::vector<std::string> types;  // empty: any type; {"integer", "string"} for int-or-string
  std::string format;              // after dropping the formats kube-apiserver ignores
  bool nullable = false;
  std::optional<nlohmann::json> default_value;  // absent for no default and for `default: null`

  std::map<std::string, std::unique_ptr<Node>, std::less<>> properties;
  std::unique_ptr<Node> additional_properties;   // additionalProperties given as a schema
  bool additional_properties_allowed = false;    // additionalProperties: true
  bool additional_properties_forbidden = false;  // additionalProperties: false
  std::unique_ptr<Node> items;
  std::vector<std::string> required;

  std::optional<std::vector<nlohmann::json>> enum_values;
  std::string pattern;
  std::shared_ptr<const re2::RE2> pattern_regex;  // compiled `pattern`, null when there is none
  std::optional<int64_t> min_length, max_length, min_items, max_items, min_properties,
      max_properties;
  std::optional<double> minimum, maximum, multiple_of;
  bool exclusive_minimum = false;
  bool exclusive_maximum = false;
  bool unique_items = false;
  std::vector<Node> all_of, any_of, one_of;
  std::unique_ptr<Node> not_schema;

  bool preserve_unknown_fields = false;
  bool embedded_resource = false;
  std::string list_type;  // "", "atomic", "set" or "map"
  std::vector<std::string> list_map_keys;
  std::vector<TransitionRule> transition_rules;
};

// Everything StructuralSchema holds.
struct SchemaData {
  nlohmann::json raw;
  std::unique_ptr<Node> root;
  std::vector<SkippedRule> skipped_rules;
  // Whether any x-kubernetes-validations sits on the root or below properties, items or
  // additionalProperties (apiextensions then runs its CEL validator).
  bool has_rules = false;
};

// Parses open_api_v3_schema. Throws Error(kInvalidArgument) listing every malformed keyword.
[[nodiscard]] std::unique_ptr<const SchemaData> ParseSchema(const nlohmann::json& schema);

// The schema of `key` inside an object described by `node`: a property, else the
// additionalProperties schema, else nullptr.
[[nodiscard]] const Node* ChildSchema(const Node& node, std::string_view key);

// The element of `old_list` that a list-type map element `item` corresponds to (same values for
// all x-kubernetes-list-map-keys), or nullptr. Other list types never correlate, as upstream.
[[nodiscard]] const nlohmann::json* CorrelateListItem(const Node& list,
                                                      const nlohmann::json* old_list,
                                                      const nlohmann::json& item);

// Equality of decoded JSON values, numbers by value (1 == 1.0). With a schema, list-type set and
// map lists compare regardless of order, as CEL's == does; without one (nullptr) everything is
// compared in order, as Go's reflect.DeepEqual does for ratcheting.
[[nodiscard]] bool ValueEquals(const Node* schema, const nlohmann::json& a,
                               const nlohmann::json& b);

// The value under `key` of `old_object` when it is an object that has it, else nullptr.
[[nodiscard]] const nlohmann::json* CorrelateKey(const nlohmann::json* old_object,
                                                 std::string_view key);

}  // namespace gpuext::emulator::schema::internal
