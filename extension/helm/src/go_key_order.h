// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// go-yaml's map key order (keyList.Less): a "natural" order in which digit runs compare as
// numbers ("a9" < "a09" < "a10") and non-letters sort before letters ("_x" < "1" < "B" < "a").

#include <string>
#include <string_view>
#include <vector>

namespace gpuext::helm::internal {

// go-yaml v3 (toYamlPretty) differs in one case: after equal digits a letter sorts before a
// digit ("x1y" < "x10"), where v2 (toYaml) puts it after. Neither order is transitive for
// mixes like {x10, x1y, x01y, x001}; Go sorts the keys of a randomly ordered map with it, so
// helm's own output for such key sets varies from run to run.
[[nodiscard]] bool GoYamlKeyLess(std::string_view a, std::string_view b, bool v3 = false);

// Decodes UTF-8 into code points (invalid bytes become U+FFFD).
[[nodiscard]] std::u32string DecodeUtf8(std::string_view s);

}  // namespace gpuext::helm::internal
