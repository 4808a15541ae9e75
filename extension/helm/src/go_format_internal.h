// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace gpuext::helm::internal {

// The shortest decimal digits of |f| that read back to f ("15" for 1.5, exp 0: the first
// digit has weight 10^exp). Returns whether f is negative (sign bit).
bool ShortestDigits(double f, std::string& digits, int& exp);

}  // namespace gpuext::helm::internal
