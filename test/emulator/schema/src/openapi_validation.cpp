// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// kube-openapi's SchemaValidator walk: for each value the validators run in kube-openapi's order
// (type, allOf/anyOf/oneOf/not, string, format, number, array, enum, object). Ratcheting follows
// apiextensions' RatchetingSchemaValidator: a value's errors are dropped when it equals the old
// value it correlates with (same key; same list-map keys for list-type map items).

#include "openapi_validation.h"

#include <set>

#include <fmt/format.h>

#include "render.h"

namespace gpuext::emulator::schema::internal {
namespace {

using nlohmann::json;

// Errors that are not field validations: apiextensions reports them at the nil path.
FieldError CompositeError(std::string detail) {
  return FieldError::Invalid(std::string(kNilPath), "", std::move(detail));
}

class Walker {
 public:
  explicit Walker(FieldErrorList& out) : out_(out) {}

  // One value, ratcheted against `old` (nullptr: no correlated old value).
  void Validate(const Node& node, const json& value, const json* old, const std::string& path,
                bool root) {
    FieldErrorList errors;
    ValidateRaw(node, value, old, path, root, errors);
    if (!errors.empty() && old != nullptr && ValueEquals(nullptr, *old, value)) {
      return;  // ratcheting: the value did not change
    }
    out_.insert(out_.end(), errors.begin(), errors.end());
  }

 private:
  void ValidateRaw(const Node& node, const json& value, const json* old, const std::string& path,
                   bool root, FieldErrorList& out) {
    CheckType(node, value, path, out);
    if (value.is_null()) {
      CheckEnum(node, value, path, out);
      return;
    }
    ValidateComposition(node, value, old, path, root, out);
    CheckString(node, value, path, out);
    CheckFormat(node, value, path, out);
    CheckNumber(node, value, path, out);
    if (value.is_array()) {
      ValidateArray(node, value, old, path, out);
    }
    CheckEnum(node, value, path, out);
    if (value.is_object()) {
      ValidateObject(node, value, old, path, root, out);
    }
  }

  // Validates one allOf/anyOf/oneOf/not branch; returns its errors.
  FieldErrorList Branch(const Node& branch, const json& value, const json* old,
                        const std::string& path, bool root) {
    FieldErrorList errors;
    Walker nested(errors);
    nested.ValidateRaw(branch, value, old, path, root, errors);
    return errors;
  }

  void ValidateComposition(const Node& node, const json& value, const json* old,
                           const std::string& path, bool root, FieldErrorList& out) {
    // The first failing branch stands in for kube-openapi's "best" failure (highest match count).
    if (!node.any_of.empty()) {
      std::optional<FieldErrorList> first_failure;
      bool valid = false;
      for (const Node& branch : node.any_of) {
        FieldErrorList errors = Branch(branch, value, old, path, root);
        if (errors.empty()) {
          valid = true;
          break;
        }
        if (!first_failure) {
          first_failure = std::move(errors);
        }
      }
      if (!valid) {
        out.push_back(
            CompositeError(fmt::format("\"{}\" must validate at least one schema (anyOf)", path)));
        out.insert(out.end(), first_failure->begin(), first_failure->end());
      }
    }
    if (!node.one_of.empty()) {
      std::optional<FieldErrorList> first_failure;
      int valid = 0;
      for (const Node& branch : node.one_of) {
        FieldErrorList errors = Branch(branch, value, old, path, root);
        if (errors.empty()) {
          ++valid;
        } else if (!first_failure) {
          first_failure = std::move(errors);
        }
      }
      if (valid != 1) {
        const std::string found =
            valid == 0 ? "Found none valid" : fmt::format("Found {} valid alternatives", valid);
        out.push_back(CompositeError(
            fmt::format("\"{}\" must validate one and only one schema (oneOf). {}", path, found)));
        if (valid == 0) {
          out.insert(out.end(), first_failure->begin(), first_failure->end());
        }
      }
    }
    if (!node.all_of.empty()) {
      size_t valid = 0;
      for (const Node& branch : node.all_of) {
        FieldErrorList errors = Branch(branch, value, old, path, root);
        valid += errors.empty() ? 1 : 0;
        out.insert(out.end(), errors.begin(), errors.end());
      }
      if (valid != node.all_of.size()) {
        out.push_back(CompositeError(fmt::format("\"{}\" must validate all the schemas (allOf){}",
                                                 path, valid == 0 ? ". None validated" : "")));
      }
    }
    if (node.not_schema != nullptr && Branch(*node.not_schema, value, old, path, root).empty()) {
      out.push_back(CompositeError(fmt::format("\"{}\" must not validate the schema (not)", path)));
    }
  }

  void ValidateArray(const Node& node, const json& value, const json* old, const std::string& path,
                     FieldErrorList& out) {
    if (node.items != nullptr) {
      for (size_t i = 0; i < value.size(); ++i) {
        Walker nested(out);
        nested.Validate(*node.items, value[i], CorrelateListItem(node, old, value[i]),
                        IndexPath(path, i), false);
      }
    }
    const auto size = static_cast<int64_t>(value.size());
    if (node.min_items && size < *node.min_items) {
      out.push_back(FieldError::Invalid(
          ErrorField(path), std::to_string(size),
          fmt::format("{} in body should have at least {} items", path, *node.min_items)));
    }
    if (node.max_items && size > *node.max_items) {
      out.push_back(TooMany(path, size, *node.max_items));
    }
    if (node.unique_items) {
      std::set<std::string> seen;
      for (const json& item : value) {
        if (!seen.insert(item.dump()).second) {
          out.push_back(FieldError::Invalid(
              ErrorField(path), "", fmt::format("{} in body shouldn't contain duplicates", path)));
          break;
        }
      }
    }
  }

  void ValidateObject(const Node& node, const json& value, const json* old, const std::string& path,
                      bool root, FieldErrorList& out) {
    const auto size = static_cast<int64_t>(value.size());
    if (node.min_properties && size < *node.min_properties) {
      out.push_back(FieldError::Invalid(ErrorField(path), std::to_string(size),
                                        fmt::format("{} in body should have at least {} properties",
                                                    path, *node.min_properties)));
    }
    if (node.max_properties && size > *node.max_properties) {
      out.push_back(TooMany(path, size, *node.max_properties));
    }
    for (const auto& [key, child] : value.items()) {
      if (root && key == "metadata") {
        continue;  // the server validates ObjectMeta itself
      }
      const bool declared = node.properties.contains(key);
      if (!declared && node.additional_properties_forbidden) {
        out.push_back(
            FieldError::Invalid(ErrorField(path), key,
                                fmt::format("{}.{} in body is a forbidden property", path, key)));
        continue;
      }
      const Node* schema = ChildSchema(node, key);
      if (schema == nullptr) {
        continue;
      }
      // apiVersion and kind at the root are never ratcheted: both sides are converted to the
      // version being validated.
      const bool type_meta = root && (key == "apiVersion" || key == "kind");
      Walker nested(out);
      nested.Validate(*schema, child, type_meta ? nullptr : CorrelateKey(old, key),
                      ChildPath(path, key), false);
    }
    for (const std::string& name : node.required) {
      if (!value.contains(name)) {
        out.push_back(FieldError::Required(ErrorField(ChildPath(path, name))));
      }
    }
  }

  // field.TooMany as apiextensions uses it for maxItems and maxProperties.
  static FieldError TooMany(const std::string& path, int64_t actual, int64_t max) {
    return FieldError{.type = FieldErrorType::kTooMany,
                      .field = ErrorField(path),
                      .value = {},
                      .detail = fmt::format("{}: must have at most {} {}", actual, max,
                                            max == 1 ? "item" : "items")};
  }

  FieldErrorList& out_;
};

}  // namespace

FieldErrorList ValidateAgainstSchema(const Node& root, const json& object, const json* old_object) {
  FieldErrorList errors;
  Walker(errors).Validate(root, object, old_object, "", true);
  return errors;
}

}  // namespace gpuext::emulator::schema::internal
