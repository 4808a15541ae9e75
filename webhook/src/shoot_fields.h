// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Tolerant readers of Shoot fields shared by the Shoot mutator and validator: a field of the
// wrong type reads as absent, so the strict decoders can name it instead of these crashing.

#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gpuext::webhook {

// Walks object keys; null when a key is missing or a step is not an object. (json::value with a
// JSON pointer throws when a step is an array or a scalar.)
const nlohmann::json* At(const nlohmann::json& object,
                         std::initializer_list<std::string_view> keys);

// The string at `keys`, or "" when absent or not a string.
std::string StringAt(const nlohmann::json& object, std::initializer_list<std::string_view> keys);

// The array at `keys`, or an empty array when absent or not an array.
const nlohmann::json& ArrayAt(const nlohmann::json& object,
                              std::initializer_list<std::string_view> keys);

// True when the pool's cri.containerRuntimes holds {type: nvidia}.
bool PoolHasRuntime(const nlohmann::json& pool);

// The worker pool named `name`, or null.
const nlohmann::json* FindPool(const nlohmann::json& shoot, const std::string& name);

}  // namespace gpuext::webhook
