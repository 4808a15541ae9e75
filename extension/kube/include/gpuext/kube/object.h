// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small accessors for Kubernetes objects carried as nlohmann::json (STYLE.md §10): foreign
// objects never pass through structs that would drop fields they do not know.
//
//   if (HasFinalizer(obj, kFinalizer) && IsBeingDeleted(obj)) { ... }
//   for (const auto& c : Conditions(obj)) { ... }
//
// Readers never throw: an absent or mistyped field reads as empty. Pure functions.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/kube/resource.h"

namespace gpuext::kube {

[[nodiscard]] std::string Name(const nlohmann::json& obj);
[[nodiscard]] std::string Namespace(const nlohmann::json& obj);
[[nodiscard]] std::string Uid(const nlohmann::json& obj);
[[nodiscard]] std::string ResourceVersion(const nlohmann::json& obj);
[[nodiscard]] std::int64_t Generation(const nlohmann::json& obj);  // 0 when absent
[[nodiscard]] std::map<std::string, std::string> Labels(const nlohmann::json& obj);
[[nodiscard]] std::map<std::string, std::string> Annotations(const nlohmann::json& obj);
[[nodiscard]] std::vector<std::string> Finalizers(const nlohmann::json& obj);
[[nodiscard]] bool HasFinalizer(const nlohmann::json& obj, std::string_view finalizer);
// metadata.deletionTimestamp is set.
[[nodiscard]] bool IsBeingDeleted(const nlohmann::json& obj);
// metadata.ownerReferences (an empty array when absent).
[[nodiscard]] nlohmann::json OwnerReferences(const nlohmann::json& obj);
// status.conditions (an empty array when absent).
[[nodiscard]] nlohmann::json Conditions(const nlohmann::json& obj);
// The condition of `type` in status.conditions, if any.
[[nodiscard]] std::optional<nlohmann::json> FindCondition(const nlohmann::json& obj,
                                                          std::string_view type);
// {namespace, name}.
[[nodiscard]] ObjectKey Key(const nlohmann::json& obj);

// Writers; they create metadata/labels/... as needed. Throw nlohmann::json errors only when
// obj is not an object.
void SetLabel(nlohmann::json& obj, const std::string& key, const std::string& value);
void SetAnnotation(nlohmann::json& obj, const std::string& key, const std::string& value);
// Adds `finalizer` if absent; returns whether it changed obj.
bool AddFinalizer(nlohmann::json& obj, const std::string& finalizer);
// Removes `finalizer` if present; returns whether it changed obj.
bool RemoveFinalizer(nlohmann::json& obj, std::string_view finalizer);

}  // namespace gpuext::kube
