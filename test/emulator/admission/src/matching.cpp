// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/emulator/admission/internal/matching.h"

#include <algorithm>
#include <exception>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/kube/selector.h"

namespace gpuext::emulator::admission::internal {
namespace {

using nlohmann::json;

bool IsNamespaceResource(const Attributes& a) {
  return a.group.empty() && a.resource == "namespaces";
}

// True when `items` (a JSON array of strings) holds "*" or `requested`.
bool ExactOrWildcard(const json& items, std::string_view requested) {
  if (!items.is_array()) {
    return false;
  }
  for (const json& item : items) {
    if (item.is_string() && (item == "*" || item.get_ref<const std::string&>() == requested)) {
      return true;
    }
  }
  return false;
}

bool ScopeMatches(const json& rule, const Attributes& a) {
  const std::string scope = rule.value("scope", "*");
  if (scope == "*") {
    return true;
  }
  // A Namespace object is cluster-scoped even though the request carries a namespace.
  const bool cluster_scoped = IsNamespaceResource(a) || !a.namespaced;
  if (scope == "Namespaced") {
    return !cluster_scoped;
  }
  return scope == "Cluster" && cluster_scoped;
}

bool ResourceMatches(const json& rule, const Attributes& a) {
  const json resources = rule.value("resources", json::array());
  for (const json& entry : resources) {
    if (!entry.is_string()) {
      continue;
    }
    const std::string& text = entry.get_ref<const std::string&>();
    const size_t slash = text.find('/');
    const std::string res = text.substr(0, slash);
    const std::string sub = slash == std::string::npos ? "" : text.substr(slash + 1);
    if ((res == "*" || res == a.resource) && (sub == "*" || sub == a.subresource)) {
      return true;
    }
  }
  return false;
}

json LabelsOf(const json& object) {
  if (!object.is_object()) {
    return json::object();
  }
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) {
    return json::object();
  }
  return metadata->value("labels", json::object());
}

// The selector under `key`; an absent or null selector is the empty one (matches everything).
kube::LabelSelector SelectorOf(const json& webhook, const char* key) {
  const auto it = webhook.find(key);
  if (it == webhook.end() || it->is_null()) {
    return kube::LabelSelector();
  }
  return kube::LabelSelector::FromJson(*it);
}

// namespaceSelector, as predicates/namespace.Matcher decides it. Returns whether the webhook
// applies, or a denial when the namespace's labels cannot be had.
Decision MatchNamespaceSelector(const json& webhook, const Attributes& a, const json& object,
                                const Environment& env) {
  if (a.ns.empty() && !IsNamespaceResource(a)) {
    return {.call = true};  // Cluster-scoped objects other than namespaces are never exempted.
  }
  kube::LabelSelector selector;
  try {
    selector = SelectorOf(webhook, "namespaceSelector");
  } catch (const std::exception& e) {
    return {.denial = InternalError(DescribeException(e))};
  }
  if (selector.Empty()) {
    return {.call = true};
  }
  // A Namespace being created or updated is judged by its new labels: the store does not have
  // them yet. A deleted one is judged by the stored object.
  if (IsNamespaceResource(a) && a.subresource.empty() &&
      (a.operation == "CREATE" || a.operation == "UPDATE")) {
    return {.call = selector.Matches(LabelsOf(object))};
  }
  const std::string name = a.ns.empty() ? a.name : a.ns;
  std::optional<json> ns = env.get_namespace ? env.get_namespace(name) : std::nullopt;
  if (!ns.has_value()) {
    return {.denial = Denial{.code = 404,
                             .reason = "NotFound",
                             .message = fmt::format("namespaces \"{}\" not found", name)}};
  }
  return {.call = selector.Matches(LabelsOf(*ns))};
}

// objectSelector, as predicates/object.Matcher decides it: the new or the old object matches.
Decision MatchObjectSelector(const json& webhook, const Attributes& a, const json& object) {
  kube::LabelSelector selector;
  try {
    selector = SelectorOf(webhook, "objectSelector");
  } catch (const std::exception& e) {
    return {.denial = InternalError(DescribeException(e))};
  }
  if (selector.Empty()) {
    return {.call = true};
  }
  const auto matches = [&](const json* candidate) {
    return candidate != nullptr && candidate->is_object() && selector.Matches(LabelsOf(*candidate));
  };
  return {.call = matches(&object) || matches(a.old_object)};
}

}  // namespace

Denial InternalError(std::string_view cause) {
  return Denial{.code = 500,
                .reason = "InternalError",
                .message = fmt::format("Internal error occurred: {}", cause)};
}

bool RuleMatches(const json& rule, const Attributes& a, bool any_version) {
  if (!rule.is_object()) {
    return false;
  }
  const json none = json::array();
  return ScopeMatches(rule, a) && ExactOrWildcard(rule.value("operations", none), a.operation) &&
         ExactOrWildcard(rule.value("apiGroups", none), a.group) &&
         (any_version || ExactOrWildcard(rule.value("apiVersions", none), a.version)) &&
         ResourceMatches(rule, a);
}

bool RulesMatch(const json& webhook, const Attributes& a) {
  const json rules = webhook.value("rules", json::array());
  for (const json& rule : rules) {
    if (RuleMatches(rule, a)) {
      return true;
    }
  }
  if (webhook.value("matchPolicy", "Equivalent") != "Equivalent") {
    return false;
  }
  for (const json& rule : rules) {
    if (RuleMatches(rule, a, /*any_version=*/true)) {
      return true;
    }
  }
  return false;
}

bool IsExemptConfigurationResource(const Attributes& a) {
  static const std::vector<std::string> kExemptKinds = {
      "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
      "ValidatingAdmissionPolicy",      "ValidatingAdmissionPolicyBinding",
      "MutatingAdmissionPolicy",        "MutatingAdmissionPolicyBinding",
  };
  return a.kind_group == "admissionregistration.k8s.io" &&
         std::find(kExemptKinds.begin(), kExemptKinds.end(), a.kind) != kExemptKinds.end();
}

Decision ShouldCall(const json& webhook, const Attributes& a, const json& object,
                    const Environment& env) {
  const Decision by_namespace = MatchNamespaceSelector(webhook, a, object, env);
  if (!by_namespace.call && !by_namespace.denial) {
    return {};
  }
  const Decision by_object = MatchObjectSelector(webhook, a, object);
  if (!by_object.call && !by_object.denial) {
    return {};
  }
  if (!RulesMatch(webhook, a)) {
    return {};
  }
  if (by_namespace.denial) {
    return by_namespace;
  }
  if (by_object.denial) {
    return by_object;
  }
  return {.call = true};
}

}  // namespace gpuext::emulator::admission::internal
