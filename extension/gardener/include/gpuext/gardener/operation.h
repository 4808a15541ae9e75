// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which of the actuator's operations an extension object asks for, computed exactly as
// Gardener's Go library does (gardener-contract.md §1.3). Pure functions on the object's JSON.
//
//   switch (ComputeOperationType(extension)) { case OperationType::kDelete: ... }

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gpuext::gardener {

enum class OperationType { kCreate, kReconcile, kDelete, kMigrate, kRestore };

// "Create", "Reconcile", ... as written into status.lastOperation.type.
[[nodiscard]] std::string_view OperationTypeName(OperationType type);

// Inverse of OperationTypeName; nullopt for anything else (e.g. "LiveMigrate").
[[nodiscard]] std::optional<OperationType> ParseOperationType(std::string_view name);

// 1. annotation migrate → Migrate; 2. deletionTimestamp → Delete; 3. annotation restore →
// Restore; 4. no lastOperation → Create; 5. last Create/Migrate/Restore not Succeeded → the same
// again; 6. otherwise Reconcile.
[[nodiscard]] OperationType ComputeOperationType(const nlohmann::json& obj);

// The gardener.cloud/operation annotation's value, "" when absent.
[[nodiscard]] std::string OperationAnnotation(const nlohmann::json& obj);

// lastOperation is Migrate/Succeeded: everything but Restore and Delete is skipped.
[[nodiscard]] bool IsMigrated(const nlohmann::json& obj);

// lastOperation.state == Succeeded.
[[nodiscard]] bool LastOperationSucceeded(const nlohmann::json& obj);

}  // namespace gpuext::gardener
