// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Semantic versions and constraints as Masterminds/semver v3 reads them, which is what Helm's
// semver/semverCompare and Chart.yaml kubeVersion checks use.
//
//   SemVersion v = ParseSemVersion("v1.31.2-gke.100");   // 1.31.2, prerelease "gke.100"
//   SemverSatisfies(">=1.21-0", v);                       // true
//
// Versions are parsed loosely ("v" prefix, missing minor/patch, "1.2" == "1.2.0"). Constraints
// support =, !=, >, <, >=, =>, <=, =<, ~, ~>, ^, x-ranges (1.x, 1.2.*, *), hyphen ranges
// ("1.2 - 1.4.5"), AND by space or comma and OR by "||". A version with a prerelease only
// satisfies a constraint whose own version carries a prerelease (">=1.21-0"), as in Masterminds.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace gpuext::helm {

struct SemVersion {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::string prerelease;
  std::string metadata;
  std::string original;

  // major.minor.patch[-prerelease][+metadata], as Masterminds' Version.String().
  [[nodiscard]] std::string ToString() const;
};

// Throws gpuext::Error(kInvalidArgument) with Masterminds' message: "invalid semantic version",
// or "version segment starts with 0" for a numeric prerelease part with a leading zero.
[[nodiscard]] SemVersion ParseSemVersion(std::string_view text);

// Semver precedence: metadata ignored, a prerelease sorts before its release.
[[nodiscard]] int CompareSemVersions(const SemVersion& a, const SemVersion& b);

// Throws gpuext::Error(kInvalidArgument) "improper constraint: <part>" on a malformed
// constraint.
[[nodiscard]] bool SemverSatisfies(std::string_view constraint, const SemVersion& version);

}  // namespace gpuext::helm
