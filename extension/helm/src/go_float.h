// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Go's float64 text forms used by the YAML/JSON encoders: strconv.FormatFloat(f, 'g', -1, 64)
// and encoding/json's float encoding. Private to gpuext::helm's codecs.

#include <string>

namespace gpuext::helm::internal {

// strconv.FormatFloat(value, 'g', -1, 64): shortest digits, exponent form when the decimal
// exponent is < -4 or >= 6 ("1e+06", "1.5", "1e-05"); "+Inf", "-Inf", "NaN" for the specials.
[[nodiscard]] std::string GoFormatFloatG(double value);

// encoding/json's float64 form: 'f' between 1e-6 and 1e21, otherwise 'e' with a one-digit
// negative exponent cleaned up ("1e-7", "1e+21"). Callers reject NaN and infinities first.
[[nodiscard]] std::string GoJsonFloat(double value);

}  // namespace gpuext::helm::internal
