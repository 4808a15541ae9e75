// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// One call of one webhook, as the mutating and validating dispatchers' callAttrMutatingHook and
// callHook make it: the dryRun/sideEffects check, the AdmissionReview round trip, the checks on
// the answer and, for a mutating webhook, applying its JSONPatch.
//
// Thread safety: a function; safe for concurrent use when the Environment's callbacks are.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/emulator/admission/internal/matching.h"
#include "gpuext/emulator/admission/webhook_dispatcher.h"

namespace gpuext::emulator::admission::internal {

// How one call ended.
struct CallOutcome {
  enum class Kind {
    kAllowed,     // the webhook allowed the request
    kCallFailed,  // kube-apiserver's ErrCallingWebhook: failurePolicy decides
    kRejected,    // a denial that failurePolicy does not soften
  };
  Kind kind = Kind::kAllowed;
  // kCallFailed: the error text, `failed calling webhook "<name>": <cause>`.
  std::string error = {};
  // kRejected: the answer for the client.
  Denial denial = {};
  // Warnings the webhook sent, also with a denial.
  std::vector<std::string> warnings = {};
  // kAllowed from a mutating webhook with a non-empty patch: the patched object.
  std::optional<nlohmann::json> patched = {};
};

// Calls `webhook` (one entry of a configuration's `webhooks`) for the request. `object` is the
// current object (null for DELETE/CONNECT). Never throws for anything the webhook or its
// configuration does wrong.
[[nodiscard]] CallOutcome CallHook(const nlohmann::json& webhook, const Attributes& a,
                                   const nlohmann::json& object, bool mutating,
                                   const Environment& env);

// timeoutSeconds, defaulted to 10 and kept within the 1..30 that the API allows.
[[nodiscard]] std::chrono::seconds HookTimeout(const nlohmann::json& webhook);

}  // namespace gpuext::emulator::admission::internal
