// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The two in-place rewrites of a decoded object: pruning and defaulting.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node.h"

namespace gpuext::emulator::schema::internal {

// Sets the defaults of missing (or non-nullable null) properties, then recurses into every
// object entry, additionalProperties value and array item (see StructuralSchema::ApplyDefaults).
void ApplyDefaults(nlohmann::json& value, const Node& node);

// Drops unknown fields and returns their sorted paths (see StructuralSchema::Prune), then drops
// null values of fields that are neither nullable nor defaulted.
[[nodiscard]] std::vector<std::string> PruneUnknownFields(nlohmann::json& object, const Node& root);

}  // namespace gpuext::emulator::schema::internal
