// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// RFC 3339 timestamps as Kubernetes writes them (metav1.Time: seconds, UTC, "Z"), and parsing
// of the forms we read (metav1.Time, metav1.MicroTime, gardener.cloud/timestamp's RFC3339Nano,
// numeric offsets).
//
//   FormatRfc3339(clock.Now())                    // "2026-08-21T10:00:07Z"
//   ParseRfc3339("2026-08-21T10:00:00.123456789Z") // time_point with the nanoseconds kept

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gpuext {

// Seconds precision, UTC, "Z" suffix (metav1.Time).
[[nodiscard]] std::string FormatRfc3339(std::chrono::system_clock::time_point t);

// Microseconds precision (metav1.MicroTime: Lease renewTime/acquireTime, events.k8s.io eventTime).
[[nodiscard]] std::string FormatRfc3339Micro(std::chrono::system_clock::time_point t);

// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)"; lower-case t/z too. nullopt otherwise.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> ParseRfc3339(
    std::string_view text);

}  // namespace gpuext
