// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Builds the Node tree from an openAPIV3Schema, collecting every malformed keyword.

#include <algorithm>
#include <cctype>
#include <set>

#include <re2/re2.h>

#include "gpuext/error.h"
#include "node.h"
#include "parse_keywords.h"
#include "render.h"

namespace gpuext::emulator::schema::internal {
namespace {

using nlohmann::json;

// The formats kube-apiserver keeps for string values, normalized without '-' (see
// apiextensions-apiserver's StripUnsupportedFormatsPostProcessor, version 1.35).
const std::set<std::string, std::less<>>& SupportedStringFormats() {
  static const std::set<std::string, std::less<>> kFormats = {
      "bsonobjectid", "uri",        "email",    "hostname",     "ipv4",       "ipv6", "cidr",
      "mac",          "uuid",       "uuid3",    "uuid4",        "uuid5",      "isbn", "isbn10",
      "isbn13",       "creditcard", "ssn",      "hexcolor",     "rgbcolor",   "byte", "password",
      "date",         "duration",   "datetime", "k8sshortname", "k8slongname"};
  return kFormats;
}

// Returns `format`, or "" when kube-apiserver strips it for this type and never checks it.
std::string EffectiveFormat(const std::vector<std::string>& types, const std::string& format) {
  const std::string type = types.size() == 1 ? types.front() : "";
  if (type.empty() || type == "string") {
    std::string normalized = format;
    std::erase(normalized, '-');
    return SupportedStringFormats().contains(normalized) ? format : "";
  }
  if (type == "integer") {
    return format == "int32" || format == "int64" ? format : "";
  }
  if (type == "number") {
    return format == "float" || format == "double" ? format : "";
  }
  return "";
}

bool IsTransitionEquality(std::string rule) {
  std::erase_if(rule, [](unsigned char c) { return std::isspace(c) != 0; });
  return rule == "self==oldSelf" || rule == "oldSelf==self";
}

class Parser {
 public:
  explicit Parser(SchemaData& data) : data_(data) {}

  // `where` is the schema path for errors ("openAPIV3Schema.properties[spec]"), `field` the data
  // path for skipped rules ("spec"); `structural` is false inside allOf/anyOf/oneOf/not.
  std::unique_ptr<Node> Parse(const json& schema, const std::string& where,
                              const std::string& field, bool structural) {
    auto node = std::make_unique<Node>();
    Keywords k(schema, where, errors_);
    if (!schema.is_object()) {
      errors_.push_back(FieldError::Invalid(where, ValueText(schema), "must be a schema object"));
      return node;
    }
    ParseType(k, *node);
    ParseValueValidations(k, *node);
    ParseRules(k, *node, where, field, structural);
    ParseChildren(k, *node, where, field, structural);
    ParseExtensions(k, *node, where);
    if (schema.contains("$ref")) {
      errors_.push_back(FieldError::Forbidden(where + ".$ref", "$ref is not supported"));
    }
    return node;
  }

  [[nodiscard]] const FieldErrorList& errors() const { return errors_; }

 private:
  void ParseType(Keywords& k, Node& node) {
    static const std::vector<std::string> kTypes = {"array",  "boolean", "integer",
                                                    "number", "object",  "string"};
    if (const auto type = k.String("type"); type && !type->empty()) {
      if (std::find(kTypes.begin(), kTypes.end(), *type) == kTypes.end()) {
        errors_.push_back(FieldError::NotSupported(k.Path("type"), *type, kTypes));
      } else {
        node.types = {*type};
      }
    }
    if (k.Bool("x-kubernetes-int-or-string").value_or(false)) {
      node.types = {"integer", "string"};
    }
    node.format = EffectiveFormat(node.types, k.String("format").value_or(""));
    node.nullable = k.Bool("nullable").value_or(false);
    if (const json* value = k.Find("default"); value != nullptr && !value->is_null()) {
      node.default_value = *value;
    }
  }

  void ParseValueValidations(Keywords& k, Node& node) {
    node.min_length = k.Count("minLength");
    node.max_length = k.Count("maxLength");
    node.min_items = k.Count("minItems");
    node.max_items = k.Count("maxItems");
    node.min_properties = k.Count("minProperties");
    node.max_properties = k.Count("maxProperties");
    node.minimum = k.Number("minimum");
    node.maximum = k.Number("maximum");
    node.multiple_of = k.Number("multipleOf");
    node.exclusive_minimum = k.Bool("exclusiveMinimum").value_or(false);
    node.exclusive_maximum = k.Bool("exclusiveMaximum").value_or(false);
    node.unique_items = k.Bool("uniqueItems").value_or(false);
    node.required = k.Strings("required");
    if (const json* values = k.Find("enum"); values != nullptr) {
      if (values->is_array()) {
        node.enum_values = std::vector<json>(values->begin(), values->end());
      } else {
        errors_.push_back(
            FieldError::Invalid(k.Path("enum"), ValueText(*values), "must be an array"));
      }
    }
    if (const auto pattern = k.String("pattern"); pattern && !pattern->empty()) {
      RE2::Options options;
      options.set_log_errors(false);
      auto regex = std::make_shared<const RE2>(*pattern, options);
      if (!regex->ok()) {
        errors_.push_back(FieldError::Invalid(
            k.Path("pattern"), *pattern,
            "must be a valid regular expression, but isn't: " + regex->error()));
      }
      node.pattern = *pattern;
      node.pattern_regex = std::move(regex);
    }
  }

  void ParseChildren(Keywords& k, Node& node, const std::string& where, const std::string& field,
                     bool structural) {
    if (const json* properties = k.Find("properties"); properties != nullptr) {
      if (!properties->is_object()) {
        errors_.push_back(
            FieldError::Invalid(k.Path("properties"), ValueText(*properties), "must be an object"));
      } else {
        for (const auto& [name, schema] : properties->items()) {
          node.properties[name] = Parse(schema, where + ".properties[" + name + "]",
                                        ChildPath(field, name), structural);
        }
      }
    }
    if (const json* additional = k.Find("additionalProperties"); additional != nullptr) {
      if (additional->is_boolean()) {
        node.additional_properties_allowed = additional->get<bool>();
        node.additional_properties_forbidden = !additional->get<bool>();
      } else {
        node.additional_properties =
            Parse(*additional, where + ".additionalProperties", field + "[*]", structural);
      }
    }
    if (const json* items = k.Find("items"); items != nullptr) {
      if (items->is_array()) {
        errors_.push_back(FieldError::Forbidden(k.Path("items"),
                                                "items must be a schema object and not an array"));
      } else {
        node.items = Parse(*items, where + ".items", field + "[*]", structural);
      }
    }
    ParseBranches(k, "allOf", node.all_of, where, field);
    ParseBranches(k, "anyOf", node.any_of, where, field);
    ParseBranches(k, "oneOf", node.one_of, where, field);
    if (const json* negated = k.Find("not"); negated != nullptr) {
      node.not_schema = Parse(*negated, where + ".not", field, false);
    }
  }

  void ParseBranches(Keywords& k, const std::string& keyword, std::vector<Node>& out,
                     const std::string& where, const std::string& field) {
    const json* branches = k.Find(keyword);
    if (branches == nullptr) {
      return;
    }
    if (!branches->is_array()) {
      errors_.push_back(
          FieldError::Invalid(k.Path(keyword), ValueText(*branches), "must be an array"));
      return;
    }
    for (size_t i = 0; i < branches->size(); ++i) {
      out.push_back(
          std::move(*Parse((*branches)[i], IndexPath(where + "." + keyword, i), field, false)));
    }
  }

  void ParseExtensions(Keywords& k, Node& node, const std::string& where) {
    node.preserve_unknown_fields = k.Bool("x-kubernetes-preserve-unknown-fields").value_or(false);
    node.embedded_resource = k.Bool("x-kubernetes-embedded-resource").value_or(false);
    k.String("x-kubernetes-map-type");
    if (const auto list_type = k.String("x-kubernetes-list-type"); list_type) {
      static const std::vector<std::string> kListTypes = {"atomic", "map", "set"};
      if (std::find(kListTypes.begin(), kListTypes.end(), *list_type) == kListTypes.end()) {
        errors_.push_back(
            FieldError::NotSupported(k.Path("x-kubernetes-list-type"), *list_type, kListTypes));
      }
      node.list_type = *list_type;
    }
    node.list_map_keys = k.Strings("x-kubernetes-list-map-keys");
    if (node.list_type == "map" && node.list_map_keys.empty()) {
      errors_.push_back(FieldError::Required(where + ".x-kubernetes-list-map-keys",
                                             "must not be empty if x-kubernetes-list-type is map"));
    }
  }

  void ParseRules(Keywords& k, Node& node, const std::string& where, const std::string& field,
                  bool structural) {
    const json* rules = k.Find("x-kubernetes-validations");
    if (rules == nullptr) {
      return;
    }
    if (!rules->is_array()) {
      errors_.push_back(FieldError::Invalid(k.Path("x-kubernetes-validations"), ValueText(*rules),
                                            "must be an array"));
      return;
    }
    data_.has_rules = data_.has_rules || (structural && !rules->empty());
    for (size_t i = 0; i < rules->size(); ++i) {
      Keywords r((*rules)[i], IndexPath(where + ".x-kubernetes-validations", i), errors_);
      TransitionRule rule{.rule = r.String("rule").value_or(""),
                          .message = r.String("message").value_or(""),
                          .reason = r.String("reason").value_or(""),
                          .field_path = r.String("fieldPath").value_or("")};
      if (!rule.field_path.empty() && rule.field_path.front() == '.') {
        rule.field_path.erase(0, 1);
      }
      const bool optional_old_self = r.Bool("optionalOldSelf").value_or(false);
      if (structural && !optional_old_self && IsTransitionEquality(rule.rule)) {
        node.transition_rules.push_back(std::move(rule));
      } else {
        data_.skipped_rules.push_back(
            SkippedRule{.path = field, .rule = rule.rule, .message = rule.message});
      }
    }
  }

  SchemaData& data_;
  FieldErrorList errors_;
};

}  // namespace

std::unique_ptr<const SchemaData> ParseSchema(const json& schema) {
  auto data = std::make_unique<SchemaData>();
  data->raw = schema;
  Parser parser(*data);
  data->root = parser.Parse(schema, "openAPIV3Schema", "", true);
  if (!parser.errors().empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "invalid openAPIV3Schema: " + ToAggregateMessage(parser.errors()));
  }
  return data;
}

}  // namespace gpuext::emulator::schema::internal
