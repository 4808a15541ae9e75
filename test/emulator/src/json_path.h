// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The JSONPath subset CRD additionalPrinterColumns use: `.a.b`, `.a[0]`, `.a['dotted.key']`
// and a filter `.a[?(@.type=="Ready")].status`, with or without surrounding braces.

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gpuext::emulator {

// The first value `path` selects in `obj`, or nullopt when it selects nothing. Throws
// gpuext::Error (kInvalidArgument) for syntax outside the subset.
std::optional<nlohmann::json> EvalJsonPath(const nlohmann::json& obj, std::string_view path);

}  // namespace gpuext::emulator
