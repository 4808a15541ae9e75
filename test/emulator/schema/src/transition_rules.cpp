// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The `self == oldSelf` CEL rule, evaluated as apiextensions' cel.Validator walks the object:
// only non-null values, and only when an old value correlates (same key; same list-map keys for
// list-type map items; items of other lists never correlate).

#include <fmt/format.h>

#include "render.h"
#include "traversal.h"
#include "validators.h"

namespace gpuext::emulator::schema::internal {
namespace {

using nlohmann::json;

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
      !ValueEquals(&node, value, *old)) {
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
