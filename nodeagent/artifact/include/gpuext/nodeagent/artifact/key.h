// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Artifact keys (DESIGN.md §14.2): what one cache entry is built for. The key path is the
// storage and URL name of an entry, so every part is restricted to URL- and S3-safe characters.
//
//   ArtifactKey k = KernelKey("580.95.05", "6.12.72-cloud-amd64", ModuleType::kOpen, Arch::kAmd64);
//   k.Path()        // "kernel/580.95.05/6.12.72-cloud-amd64/open/amd64"
//   k.PathSha256()  // hex sha256 of the path: lease and failure file names
//   ArtifactKey::Parse("userspace/580.95.05/arm64")

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gpuext/gpuruntime/types.h"

namespace gpuext::nodeagent::artifact {

// The kernel part (.ko files, one per kernel release) or the userspace part (libraries,
// binaries and firmware, one per driver version and arch) of a driver (§14.1).
enum class ArtifactPart { kKernel, kUserspace };

std::string_view ToString(ArtifactPart part);  // "kernel" | "userspace"
std::optional<ArtifactPart> ParseArtifactPart(std::string_view text);

// A value type; kernel_release and module_type are set for the kernel part only.
struct ArtifactKey {
  ArtifactPart part = ArtifactPart::kKernel;
  std::string driver_version = {};  // a full version, "580.95.05"
  std::string kernel_release = {};  // "6.12.72-cloud-amd64"; empty for userspace
  std::optional<gpuruntime::ModuleType> module_type = {};  // nullopt for userspace
  gpuruntime::Arch arch = gpuruntime::Arch::kAmd64;

  // `kernel/<driverVersion>/<kernelRelease>/<moduleType>/<arch>` or
  // `userspace/<driverVersion>/<arch>`. Throws like Validate() on an invalid key.
  [[nodiscard]] std::string Path() const;

  // Lower-case hex sha256 of Path(): names the lease and failure files of the key.
  [[nodiscard]] std::string PathSha256() const;

  // Throws gpuext::Error(kInvalidArgument) naming the bad field: a driver version that is not a
  // full version, a kernel release with characters outside [A-Za-z0-9._+-] or equal to "." or
  // "..", a missing or extra field for the part.
  void Validate() const;

  // The inverse of Path(), with the same validation. Throws gpuext::Error(kInvalidArgument).
  [[nodiscard]] static ArtifactKey Parse(std::string_view path);

  friend bool operator==(const ArtifactKey&, const ArtifactKey&) = default;
};

[[nodiscard]] ArtifactKey KernelKey(std::string driver_version, std::string kernel_release,
                                    gpuruntime::ModuleType module_type, gpuruntime::Arch arch);
[[nodiscard]] ArtifactKey UserspaceKey(std::string driver_version, gpuruntime::Arch arch);

// The manifest's "key" object: {"part", "driverVersion", "kernelRelease", "moduleType", "arch"}
// (the last but one pair only for the kernel part).
[[nodiscard]] nlohmann::json KeyToJson(const ArtifactKey& key);
// Strict: unknown or missing fields and wrong types throw gpuext::Error(kInvalidArgument).
[[nodiscard]] ArtifactKey KeyFromJson(const nlohmann::json& json);

// True for a non-empty segment of [A-Za-z0-9._+-] that is not "." or "..". Shared with the
// stores, which build object names from key paths.
[[nodiscard]] bool IsSafePathSegment(std::string_view segment);

}  // namespace gpuext::nodeagent::artifact
