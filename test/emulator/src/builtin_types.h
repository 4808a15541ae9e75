// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "resource_type.h"

namespace gpuext::emulator {

// The built-in resources the emulator serves (DESIGN.md §21.1 "built-in types"), in discovery
// order: the core group first, then the named groups.
std::vector<ResourceTypePtr> BuiltinTypes();

}  // namespace gpuext::emulator
