// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The built-in patch metadata table (builtin_schemas.cpp), private to the library.

#include <string_view>

#include "gpuext/emulator/patch/patch_schema.h"

namespace gpuext::emulator::patch::internal {

// Returns the built-in schema of a kind, or nullptr. The schemas are built once, on first use
// (thread-safe static initialisation), and live for the whole program.
[[nodiscard]] const PatchSchema* BuiltinSchema(std::string_view group, std::string_view kind);

}  // namespace gpuext::emulator::patch::internal
