// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Path globs as Helm's .Files.Glob (gobwas/glob with '/' as separator) and .helmignore
// (filepath.Match) use them: '*' and '?' stay within one path segment, "**" crosses them,
// [abc] and {a,b} work. Private to gpuext::helm.

#include <string>
#include <string_view>

namespace gpuext::helm::internal {

// Translates a glob into an RE2 pattern matching the whole path.
[[nodiscard]] std::string GlobToRegex(std::string_view glob);

[[nodiscard]] bool GlobMatch(std::string_view glob, std::string_view path);

}  // namespace gpuext::helm::internal
