// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// go-yaml's scalar rules, shared by the emitter (which quoting style a string needs) and the
// parser (what an unquoted scalar means). Private to gpuext::helm.

#include <string_view>

#include <nlohmann/json.hpp>

namespace gpuext::helm::internal {

// What go-yaml's resolve() makes of an unquoted scalar: a JSON string when it stays a
// string, otherwise the bool/null/number/timestamp it reads as. Numbers come back as Go
// would decode them into interface{} (int64, uint64 or float64); timestamps stay strings, as
// go-yaml v2 keeps them when decoding into interface{}, but `is_string` is false for them.
struct Resolved {
  nlohmann::json value;
  bool is_string = true;
};
[[nodiscard]] Resolved ResolvePlain(std::string_view text);

// True when go-yaml emits `text` unquoted-or-single-quoted rather than forcing double quotes
// for type reasons: it resolves to a string and is not a YAML 1.1 base-60 float.
[[nodiscard]] bool CanUsePlain(std::string_view text);

// UTF-8 character classes of libyaml's emitter (yaml_private.h), at byte offset i.
[[nodiscard]] int CharWidth(unsigned char lead);
[[nodiscard]] bool IsBreakAt(std::string_view s, size_t i);
[[nodiscard]] bool IsPrintableAt(std::string_view s, size_t i);

}  // namespace gpuext::helm::internal
