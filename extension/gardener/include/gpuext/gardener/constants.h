// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Names Gardener defines and extensions must use verbatim
// (../shared/reference/gardener-contract.md §1.3, §1.5).

#include <string_view>

namespace gpuext::gardener {

inline constexpr std::string_view kOperationAnnotation = "gardener.cloud/operation";
inline constexpr std::string_view kTimestampAnnotation = "gardener.cloud/timestamp";
inline constexpr std::string_view kOperationReconcile = "reconcile";
inline constexpr std::string_view kOperationMigrate = "migrate";
inline constexpr std::string_view kOperationRestore = "restore";
inline constexpr std::string_view kOperationWaitForState = "wait-for-state";
inline constexpr std::string_view kForceDeletionAnnotation =
    "confirmation.gardener.cloud/force-deletion";

// Finalizer prefix for extension controllers; ContainerRuntime uses a fixed name.
inline constexpr std::string_view kFinalizerPrefix = "extensions.gardener.cloud/";
inline constexpr std::string_view kContainerRuntimeFinalizer =
    "extensions.gardener.cloud/containerruntime";

}  // namespace gpuext::gardener
