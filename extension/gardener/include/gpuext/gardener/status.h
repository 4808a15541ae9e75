// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The status an extension controller owes gardenlet (gardener-contract.md §1.2, §1.4), built as
// JSON merge patches for the /status subresource. Pure: the Reconciler sends them.
//
//   client.Patch(kExtensions, key, PatchType::kMerge,
//                SucceededStatusPatch(obj, OperationType::kReconcile, "...", clock.Now()),
//                Subresource::kStatus);

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gardener/operation.h"

namespace gpuext::gardener {

// lastUpdateTime to write: `now` truncated to seconds, but never before the object's
// gardener.cloud/timestamp annotation (also truncated), which gardenlet compares against: a
// controller clock behind gardenlet's must not make a fresh success look stale.
[[nodiscard]] std::string StatusUpdateTime(const nlohmann::json& obj,
                                           std::chrono::system_clock::time_point now);

// {status: {lastOperation: {type, state: Processing, progress: 1, lastUpdateTime, description}}}
[[nodiscard]] nlohmann::json ProcessingStatusPatch(const nlohmann::json& obj, OperationType type,
                                                   const std::string& description,
                                                   std::chrono::system_clock::time_point now);

// Succeeded, progress 100, lastError: null (explicit, so the merge patch clears it),
// observedGeneration = metadata.generation.
[[nodiscard]] nlohmann::json SucceededStatusPatch(const nlohmann::json& obj, OperationType type,
                                                  const std::string& description,
                                                  std::chrono::system_clock::time_point now);

// Error, progress 50, lastError {description, codes (from `code`, omitted when it has no
// Gardener twin), lastUpdateTime}, observedGeneration = metadata.generation.
[[nodiscard]] nlohmann::json ErrorStatusPatch(const nlohmann::json& obj, OperationType type,
                                              const std::string& description, ErrorCode code,
                                              std::chrono::system_clock::time_point now);

// "Error reconciling Extension: <what>" style descriptions, as the Go library words them:
// verb by type ("reconciling", "deleting", "migrating", "restoring", "creating") + kind.
[[nodiscard]] std::string OperationVerb(OperationType type);

}  // namespace gpuext::gardener
