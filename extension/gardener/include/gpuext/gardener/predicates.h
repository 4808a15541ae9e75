// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Event filters of Gardener's default extension predicates (gardener-contract.md §1.3). They keep
// a controller from reconciling on its own status writes (hot loops) while still retrying
// failed objects after a restart. Pure functions on object JSON.

#include <string_view>

#include <nlohmann/json.hpp>

namespace gpuext::gardener {

// spec.type == type and spec.class absent or "shoot".
[[nodiscard]] bool HasTypeAndShootClass(const nlohmann::json& obj, std::string_view type);

// CREATE: operation annotation reconcile/restore/migrate, or deletionTimestamp set, or
// lastOperation absent or not Succeeded.
[[nodiscard]] bool AdmitCreate(const nlohmann::json& obj);

// UPDATE: operation annotation present on the new object, or the new object is being deleted
// and its status did not change.
[[nodiscard]] bool AdmitUpdate(const nlohmann::json& old_obj, const nlohmann::json& new_obj);

// --ignore-operation-annotation mode: metadata.generation changed, or deletion started.
[[nodiscard]] bool GenerationChanged(const nlohmann::json& old_obj, const nlohmann::json& new_obj);

// DELETE and GENERIC events are never admitted: a deleted object has nothing left to reconcile
// (deletion is handled through the finalizer while the object still exists).

}  // namespace gpuext::gardener
