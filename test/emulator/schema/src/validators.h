// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The validators apiextensions-apiserver runs after the OpenAPI schema validation (see
// pkg/registry/customresource/strategy.go), each over the whole object with field.Path-style
// paths. All skip the root's metadata.

#include <nlohmann/json.hpp>

#include "gpuext/field_errors.h"
#include "node.h"

namespace gpuext::emulator::schema::internal {

// x-kubernetes-list-type set and map uniqueness (apiextensions' listtype.ValidateListSetsAndMaps):
// a repeated value or map key is a Duplicate at the index of its second occurrence.
[[nodiscard]] FieldErrorList ValidateListTypes(const Node& root, const nlohmann::json& object);

// apiVersion and kind of x-kubernetes-embedded-resource objects (objectmeta.Validate).
[[nodiscard]] FieldErrorList ValidateEmbeddedResources(const Node& root,
                                                       const nlohmann::json& object);

// The `self == oldSelf` rules: a non-null value that correlates with an old value must equal it.
// Equality is CEL's: numbers by value, list-type set and map lists regardless of order.
[[nodiscard]] FieldErrorList CheckTransitionRules(const Node& root, const nlohmann::json& object,
                                                  const nlohmann::json* old_object);

}  // namespace gpuext::emulator::schema::internal
