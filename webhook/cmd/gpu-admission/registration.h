// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// gpu-admission's own webhook configurations (DESIGN.md §9): a MutatingWebhookConfiguration and a
// ValidatingWebhookConfiguration named gardener-extension-gpu-admission, each with two entries on
// core.gardener.cloud/v1beta1 shoots CREATE/UPDATE, because one objectSelector cannot express
// "runtime label OR extension label". gardener-apiserver's ExtensionLabels plugin sets both
// labels from the spec before webhooks run.

#include "gpuext/gardener/webhook_registration.h"
#include "options.h"

namespace gpuext::admission {

inline constexpr const char* kConfigurationName = "gardener-extension-gpu-admission";
inline constexpr const char* kMutatePath = "/webhooks/shoot/mutate";
inline constexpr const char* kValidatePath = "/webhooks/shoot/validate";
inline constexpr const char* kRuntimeLabel = "containerruntime.extensions.gardener.cloud/nvidia";
inline constexpr const char* kExtensionLabel = "extensions.extensions.gardener.cloud/nvidia-gpu";

[[nodiscard]] gardener::WebhookConfigurationDescription ShootWebhookDescription(
    gardener::WebhookKind kind, const Options& options);

}  // namespace gpuext::admission
