// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Refuses at admission what cannot work on a node (DESIGN.md §9 "Validation"): each problem is a
// FieldError naming the field and the fix, all returned at once. Pure: the CloudProfile is
// handed in by the caller (read from an informer cache).
//
//   ShootValidation v = ValidateShoot(old_shoot, shoot, context);
//   if (!v.errors.empty()) deny(ToAggregateMessage(v.errors));
//
// On UPDATE, a problem the stored shoot already had is a warning, not a denial: a rule added in
// a later release must not block unrelated edits of an existing shoot (Gardener's admission
// plugins behave the same way).

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/field_errors.h"

namespace gpuext::webhook {

struct ShootValidationContext {
  // The Shoot's CloudProfile (or NamespacedCloudProfile) object; null skips the image checks.
  const nlohmann::json* cloud_profile = nullptr;
  // Machine images the vendor supports (component config `machineImages[].name`).
  std::vector<std::string> supported_images = {"gardenlinux"};
};

struct ShootValidation {
  FieldErrorList errors;
  std::vector<std::string> warnings;
};

// True when a field the validator reads changed: spec.extensions, spec.provider.workers or
// spec.resources. CREATE (null old) always counts as changed.
[[nodiscard]] bool RelevantFieldsChanged(const nlohmann::json& old_shoot,
                                         const nlohmann::json& shoot);

[[nodiscard]] ShootValidation ValidateShoot(const nlohmann::json& old_shoot,
                                            const nlohmann::json& shoot,
                                            const ShootValidationContext& context);

}  // namespace gpuext::webhook
