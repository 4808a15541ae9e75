// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Durations in Go's time.Duration text form, as Kubernetes config APIs (metav1.Duration) and our
// providerConfig write them: "10m", "1h30m", "30s", "1.5h", "300ms".
//
//   std::optional<std::chrono::nanoseconds> d = ParseDuration("1h30m");  // 5400s
//   FormatDuration(std::chrono::minutes(10));                              // "10m0s"
//
// Pure functions, safe for concurrent use.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gpuext {

// Parses Go's time.ParseDuration syntax: an optional sign, then one or more decimal numbers with
// a unit each (ns, us, µs, μs, ms, s, m, h); "0" alone is zero. Fractions are allowed ("1.5h").
// Returns nullopt for anything else (empty text, a missing unit, an unknown unit, or a value
// beyond ±2^63 ns, about 292 years).
[[nodiscard]] std::optional<std::chrono::nanoseconds> ParseDuration(std::string_view text);

// Formats as Go's Duration.String() does, so values round-trip with Go peers: "1h30m0s",
// "10m0s", "30s", "1.5s", "300ms", "0s". Parsing the result yields the same duration.
[[nodiscard]] std::string FormatDuration(std::chrono::nanoseconds duration);

}  // namespace gpuext
