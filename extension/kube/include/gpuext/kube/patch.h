// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Patches computed from the object as received (controller-runtime's MergeFrom), and the
// conflict retry loop of client-go's retry.RetryOnConflict.
//
//   json modified = original;  modified["spec"]["x"] = 1;
//   client.Patch(r, Key(original), PatchType::kMerge, CreateMergePatch(original, modified));
//
//   RetryOnConflict([&] {
//     auto lease = *client.Get(kLeases, key);   // re-read on every attempt
//     lease["spec"]["holderIdentity"] = me;
//     client.Update(kLeases, lease);
//   });

#include <chrono>
#include <exception>
#include <stop_token>
#include <utility>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/api_error.h"

namespace gpuext::kube {

// The RFC 7386 merge patch that turns `original` into `modified`: changed and added keys with
// their new values, removed keys as null, arrays replaced whole. Applying it to `original`
// with nlohmann::json::merge_patch yields `modified` (as long as `modified` holds no nulls).
// An empty object when nothing changed.
[[nodiscard]] nlohmann::json CreateMergePatch(const nlohmann::json& original,
                                              const nlohmann::json& modified);

struct RetryOptions {
  int attempts = 5;  // client-go's retry.DefaultRetry: 5 steps of 10 ms
  std::chrono::milliseconds initial_backoff = std::chrono::milliseconds(10);
  double factor = 1.0;
};

// Runs fn; while it throws an ApiError with IsConflict(), waits (backoff on `clock`) and runs
// it again, at most `options.attempts` times in total; the last conflict is rethrown. fn must
// re-read the object each time. Any other exception passes through at once.
template <typename Fn>
decltype(auto) RetryOnConflict(Fn&& fn, const RetryOptions& options = {},
                               Clock& clock = RealClock::Instance()) {
  auto delay = std::chrono::duration<double, std::milli>(options.initial_backoff);
  for (int attempt = 1;; ++attempt) {
    try {
      return fn();
    } catch (const ApiError& e) {
      if (!IsConflict(e) || attempt >= options.attempts) {
        throw;
      }
    }
    clock.SleepFor(std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay),
                   std::stop_token());
    delay *= options.factor;
  }
}

}  // namespace gpuext::kube
