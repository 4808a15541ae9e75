// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The `self == oldSelf` CEL rule, evaluated as apiextensions' cel.Validator walks the object:
// only non-null values, and only when an old value correlates (same key; same list-map keys for
// list-type map items; items of other lists never correlate).

#include <algorithm>

#include <fmt/format.h>

#include "render.h"
#include "traversal.h"
#include "validators.h"

namespace gpuext::emulator::schema::internal {
namespace {

using nlohmann::json;

bool SchemaEquals(const Node* node, const json& a, const json& b);

// A list-type set or map list: same size, every element has an equal counterpart.
bool UnorderedListEquals(const Node& node, const json& a, const json& b) {
  if (a.size() != b.size()) {
    return false;
  }
  const Node* items = node.items.get();
  for (const json& element : a) {
    const json* counterpart = nullptr;
    if (node.list_type == "map") {
      counterpart = CorrelateListItem(node, &b, element);
    } else {
      const auto it = std::find_if(b.begin(), b.end(), [&](const json& other) {
        return SchemaEquals(items, element, other);
      });
      counterpart = it == b.end() ? nullptr : &*it;
    }
    if (counterpart == nullptr || !SchemaEquals(items, element, *counterpart)) {
      return false;
    }
  }
  return true;
}

bool SchemaEquals(const Node* node, const json& a, const json& b) {
  if (node == nullptr || a.type() != b.type() || a.is_number()) {
    return JsonValueEquals(a, b);
  }
  if (a.is_array()) {
    if (node->list_type == "set" || node->list_type == "map") {
      return UnorderedListEquals(*node, a, b);
    }
    if (a.size() != b.size()) {
      return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SchemaEquals(node->items.get(), a[i], b[i])) {
        return false;
      }
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (const auto& [key, value] : a.items()) {
      const auto it = b.find(key);
      if (it == b.end() || !SchemaEquals(ChildSchema(*node, key), value, *it)) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

// fieldErrorForReason with the detail apiextensions builds from the rule's message.
FieldError RuleError(const TransitionRule& rule, const json& value, const std::string& path) {
  const std::string field = rule.field_path.empty() ? path : ChildPath(path, rule.field_path);
  const std::string detail =
      rule.message.empty() ? fmt::format("failed rule: {}", rule.rule) : rule.message;
  // Kubernetes 1.35 omits object and array values; FieldError always prints a value, so those
  // print their type as Kubernetes <= 1.34 did.
  const std::string text =
      value.is_object() ? "object" : (value.is_array() ? "array" : ValueText(value));
  if (rule.reason == "FieldValueForbidden") {
    return FieldError::Forbidden(field, detail);
  }
  if (rule.reason == "FieldValueRequired") {
    return FieldError::Required(field, detail);
  }
  if (rule.reason == "FieldValueDuplicate") {
    return FieldError::Duplicate(field, text);
  }
  return FieldError::Invalid(field, text, detail);
}

void Walk(const Node& node, const json& value, const json* old, const std::string& path, bool root,
          FieldErrorList& out) {
  if (value.is_null()) {
    return;
  }
  if (!node.transition_rules.empty() && old != nullptr && !old->is_null() &&
      !SchemaEquals(&node, value, *old)) {
    for (const TransitionRule& rule : node.transition_rules) {
      out.push_back(RuleError(rule, value, path));
    }
  }
  ForEachChild(node, value, path, root, [&](const ChildRef& child) {
    Walk(child.schema, child.value, CorrelateChild(node, old, child), child.path, false, out);
  });
}

}  // namespace

FieldErrorList CheckTransitionRules(const Node& root, const json& object, const json* old_object) {
  FieldErrorList errors;
  Walk(root, object, old_object, "", true, errors);
  return errors;
}

}  // namespace gpuext::emulator::schema::internal
