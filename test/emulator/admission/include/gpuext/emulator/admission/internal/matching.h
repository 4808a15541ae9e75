// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which webhooks kube-apiserver calls for a request: rules (operations, apiGroups, apiVersions,
// resources with subresources, scope), matchPolicy, namespaceSelector and objectSelector, as
// k8s.io/apiserver/pkg/admission/plugin/webhook/predicates and generic.Webhook.ShouldCallHook
// decide. Pure functions over JSON; safe for concurrent use when the Environment's callbacks are.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/emulator/admission/webhook_dispatcher.h"

namespace gpuext::emulator::admission::internal {

// A Status answer for a request that is not allowed.
struct Denial {
  int code = 500;
  std::string reason = {};
  std::string message = {};
};

// apierrors.NewInternalError: code 500, reason InternalError, "Internal error occurred: <cause>".
[[nodiscard]] Denial InternalError(std::string_view cause);

// Whether one RuleWithOperations matches the request. `any_version` ignores apiVersions, which
// is how this emulator treats matchPolicy Equivalent (see RulesMatch).
[[nodiscard]] bool RuleMatches(const nlohmann::json& rule, const Attributes& a,
                               bool any_version = false);

// Whether any of the webhook's rules matches. With matchPolicy Equivalent (the default) a rule
// that names the same group and resource in another version matches too: the emulator serves
// each resource in one version, so "equivalent" means "same group/resource, any version".
[[nodiscard]] bool RulesMatch(const nlohmann::json& webhook, const Attributes& a);

// Requests for the webhook and admission policy configurations themselves never reach webhooks,
// so that a broken webhook can always be removed.
[[nodiscard]] bool IsExemptConfigurationResource(const Attributes& a);

// The decision for one webhook: call it, skip it, or answer the request with `denial`.
struct Decision {
  bool call = false;
  std::optional<Denial> denial = {};
};

// Decides like generic.Webhook.ShouldCallHook: a selector that cannot be evaluated (bad
// selector, missing namespace) only counts when the rules match. `object` is the current
// (possibly already mutated) object, null for DELETE.
[[nodiscard]] Decision ShouldCall(const nlohmann::json& webhook, const Attributes& a,
                                  const nlohmann::json& object, const Environment& env);

}  // namespace gpuext::emulator::admission::internal
