// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private to gpuext::helm: the rune-level helpers of Go's strings and unicode packages that
// sprig's string functions rest on. Text is UTF-8; invalid bytes decode as U+FFFD of width 1,
// as Go's range over a string does.

#include <cstdint>
#include <string>
#include <string_view>

namespace gpuext::helm::internal {

// Decodes the rune at s[i]; sets width to the bytes it spans (1 for an invalid byte).
[[nodiscard]] char32_t DecodeRune(std::string_view s, size_t i, size_t& width);
// utf8.AppendRune (invalid runes as U+FFFD): the one UTF-8 encoder of the library.
void AppendRune(std::string& out, char32_t r);

// unicode.IsSpace / IsUpper / IsLower / IsLetter / IsDigit and the case mappings. Case is
// known for ASCII and Latin-1; other scripts are left unchanged (documented in docs/helm.md).
[[nodiscard]] bool IsSpaceRune(char32_t r);
[[nodiscard]] bool IsUpperRune(char32_t r);
[[nodiscard]] bool IsLowerRune(char32_t r);
[[nodiscard]] bool IsLetterRune(char32_t r);
[[nodiscard]] bool IsDigitRune(char32_t r);
[[nodiscard]] char32_t ToUpperRune(char32_t r);
[[nodiscard]] char32_t ToLowerRune(char32_t r);

// strings.ToUpper / ToLower over a whole string.
[[nodiscard]] std::string MapRunes(std::string_view s, char32_t (*f)(char32_t));

// strings.Replace(s, old, new, -1), including Go's rule for an empty old (insert around runes).
[[nodiscard]] std::string ReplaceAll(std::string_view s, std::string_view old_s,
                                     std::string_view new_s);

}  // namespace gpuext::helm::internal
