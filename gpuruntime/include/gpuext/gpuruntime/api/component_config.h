// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// ControllerConfiguration: the operator's configuration of gardener-extension-gpu (DESIGN.md
// §8.4), read from --config. It is the extension's knowledge of the world: which driver branches
// exist and where their sources are, which branches do not build on which machine image
// versions, which containerd dialect each machine image version ships, and which builder image
// compiles modules for it.
//
//   ControllerConfiguration cc = LoadControllerConfiguration(ReadFile(path));  // throws
//   std::optional<ResolvedDriver> d = ResolveDriverVersion(cc, "580");         // 580.95.05
//   std::optional<ContainerdDialect> dialect = MachineImageDialect(cc, "gardenlinux", "1877.5.0");
//
// Plain values; thread-compatible. The lookup functions are pure and safe for concurrent use on a
// shared const configuration.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/field_errors.h"
#include "gpuext/gpuruntime/api/gpu_config.h"
#include "gpuext/gpuruntime/api/version_constraint.h"
#include "gpuext/gpuruntime/types.h"

namespace gpuext::gpuruntime::api {

inline constexpr std::string_view kConfigApiVersion =
    "config.gpu.extensions.gardener.cloud/v1alpha1";
inline constexpr std::string_view kControllerConfigurationKind = "ControllerConfiguration";

struct ComponentImages {
  std::string node_agent{};    // images.nodeAgent, a reference pinned by digest
  std::string driver_cache{};  // images.driverCache
  friend bool operator==(const ComponentImages&, const ComponentImages&) = default;
};

// One downloadable source of a driver version. `url` may hold {version}, {branch}, {arch}
// (amd64/arm64) and {narch} (x86_64/aarch64). The checksum is either one for all architectures
// (sha256: "<hex>") or one per architecture (sha256: {amd64: "<hex>", arm64: "<hex>"}).
struct DriverSource {
  std::string url{};
  std::string sha256{};                                 // common checksum; "" when per architecture
  std::map<std::string, std::string> sha256_by_arch{};  // keyed "amd64" / "arm64"

  // The checksum for `arch`, "" when none is pinned.
  [[nodiscard]] std::string Sha256For(Arch arch) const;
  // The URL with its placeholders filled.
  [[nodiscard]] std::string UrlFor(std::string_view version, Arch arch) const;
  friend bool operator==(const DriverSource&, const DriverSource&) = default;
};

struct DriverSources {
  std::optional<DriverSource> run{};   // NVIDIA .run installer (proprietary and open modules)
  std::optional<DriverSource> open{};  // open-gpu-kernel-modules source tarball
  friend bool operator==(const DriverSources&, const DriverSources&) = default;
};

// One known driver version of a branch. Several entries may share a branch; the branch then
// resolves to the highest version.
struct DriverBranch {
  std::string branch{};   // "580"
  std::string version{};  // "580.95.05"
  DriverSources sources{};
  friend bool operator==(const DriverBranch&, const DriverBranch&) = default;
};

// A branch that does not build on some versions of a machine image.
struct DriverExclusion {
  std::string branch{};
  std::string machine_image{};                  // "gardenlinux"
  std::optional<VersionConstraint> versions{};  // set after successful decoding
  friend bool operator==(const DriverExclusion&, const DriverExclusion&) = default;
};

struct DriverCatalog {
  std::string default_branch{};        // SetDefaults: the highest listed branch when empty
  bool require_pinned_sources = true;  // refuse sources without a sha256
  std::vector<DriverBranch> branches{};
  std::vector<DriverExclusion> exclusions{};
  friend bool operator==(const DriverCatalog&, const DriverCatalog&) = default;
};

// Which containerd dialect the image versions matching `versions` ship.
struct ContainerdRule {
  std::optional<VersionConstraint> versions{};
  ContainerdDialect dialect{};
  friend bool operator==(const ContainerdRule&, const ContainerdRule&) = default;
};

// The image that compiles kernel modules for a machine image version. `tag` may hold {arch},
// {major}, {minor}, {patch} and {version}.
struct BuilderImageTemplate {
  std::string image{};
  std::string tag{};  // SetDefaults: "{arch}-{major}.{minor}"
  friend bool operator==(const BuilderImageTemplate&, const BuilderImageTemplate&) = default;
};

struct MachineImageSupport {
  std::string name{};                           // "gardenlinux"
  std::optional<VersionConstraint> versions{};  // supported versions; unset = all
  std::vector<ContainerdRule> containerd{};     // first matching rule wins
  BuilderImageTemplate builder{};
  std::string
      os_version_key{};  // os-release key; SetDefaults: "GARDENLINUX_VERSION" for gardenlinux
  friend bool operator==(const MachineImageSupport&, const MachineImageSupport&) = default;
};

struct HealthSettings {
  std::chrono::nanoseconds sync_period = std::chrono::seconds(30);
  std::chrono::nanoseconds driver_ready_timeout = std::chrono::minutes(30);
  friend bool operator==(const HealthSettings&, const HealthSettings&) = default;
};

struct WebhookSettings {
  int osc_timeout_seconds = 10;  // webhooks.osc.timeoutSeconds
  friend bool operator==(const WebhookSettings&, const WebhookSettings&) = default;
};

// Absent fields decode to the member defaults shown here; SetDefaults fills the derived ones.
struct ControllerConfiguration {
  ComponentImages images{};
  DriverCatalog driver{};
  std::vector<MachineImageSupport> machine_images{};
  HealthSettings health{};
  WebhookSettings webhooks{};
  // Lets cache.s3.endpoint be an http:// URL (test landscapes with a local S3). DESIGN.md §8.3
  // names this switch; §8.4's example leaves it out because it is off in real landscapes.
  bool allow_insecure_endpoints = false;
  friend bool operator==(const ControllerConfiguration&, const ControllerConfiguration&) = default;
};

// Strict decoding as for GPUConfig (unknown fields with hints, types, enum values, unparsable
// durations and version constraints). `path` prefixes every error's field.
[[nodiscard]] Decoded<ControllerConfiguration> DecodeControllerConfiguration(
    const nlohmann::json& document, std::string_view path = "");
[[nodiscard]] nlohmann::json ToJson(const ControllerConfiguration& config);
void SetDefaults(ControllerConfiguration& config);
// Every problem at once: branch/version syntax and consistency, default branch listed, https
// source URLs with known placeholders, 64-hex checksums (required with requirePinnedSources),
// exclusions naming listed branches and images, unique image names, containerd config versions
// 2-4, builder image and tag placeholders, positive health periods, OSC timeout 1-30 s.
[[nodiscard]] FieldErrorList Validate(const ControllerConfiguration& config,
                                      std::string_view path = "");

// Parses YAML, decodes, defaults and validates. Throws Error(kConfigurationProblem) naming every
// problem (the extension's main refuses to start with a bad config).
[[nodiscard]] ControllerConfiguration LoadControllerConfiguration(std::string_view yaml_text);

// A driver request resolved against the catalog.
struct ResolvedDriver {
  std::string branch{};   // "580"
  std::string version{};  // "580.95.05"
  DriverSources sources{};
  friend bool operator==(const ResolvedDriver&, const ResolvedDriver&) = default;
};

// The distinct listed branches, ascending ("570", "580", "590").
[[nodiscard]] std::vector<std::string> SupportedBranches(const ControllerConfiguration& config);
// The listed full versions, ascending.
[[nodiscard]] std::vector<std::string> SupportedVersions(const ControllerConfiguration& config);
// A branch resolves to its highest listed version; a full version must be listed itself.
// nullopt when not listed (or not a driver version at all).
[[nodiscard]] std::optional<ResolvedDriver> ResolveDriverVersion(
    const ControllerConfiguration& config, std::string_view branch_or_version);
// The exclusion that forbids `branch` on this image version, or nullptr. An unparsable image
// version matches no exclusion (the webhook reports it elsewhere).
[[nodiscard]] const DriverExclusion* FindExclusion(const ControllerConfiguration& config,
                                                   std::string_view branch,
                                                   std::string_view image_name,
                                                   std::string_view image_version);
[[nodiscard]] const MachineImageSupport* FindMachineImage(const ControllerConfiguration& config,
                                                          std::string_view image_name);
// True when the image is listed and the version matches its `versions` (and parses).
[[nodiscard]] bool SupportsMachineImage(const ControllerConfiguration& config,
                                        std::string_view image_name,
                                        std::string_view image_version);
// The containerd dialect of a machine image version: the first matching containerd rule.
// nullopt for an unknown image, an unparsable version or no matching rule.
[[nodiscard]] std::optional<ContainerdDialect> MachineImageDialect(
    const ControllerConfiguration& config, std::string_view image_name,
    std::string_view image_version);
// False only when one of the driver's sources is pinned per architecture (sha256: {amd64: ...})
// and has no checksum for `arch`: the catalog then says there is no build for it. A source with
// one checksum for all architectures, or none, says nothing against any architecture.
[[nodiscard]] bool SupportsArch(const DriverSources& sources, Arch arch);
// The listed branches whose resolved version supports `arch`, ascending.
[[nodiscard]] std::vector<std::string> BranchesSupportingArch(const ControllerConfiguration& config,
                                                              Arch arch);

// The built-in catalog (DESIGN.md §8.4's example made concrete): branches 570 (570.195.03),
// 580 (580.95.05, the default) and 590 (590.48.01) with NVIDIA's download URL templates, the
// exclusion of 570 on gardenlinux >= 2150.8, and gardenlinux >= 1592 with its containerd
// dialects and builder image. Its sources carry no checksums, so with requirePinnedSources the
// seed would refuse to build from it: it is what the garden admission checks shoots against when
// it is not handed the operator's ControllerConfiguration, never a substitute for the seed's
// --config. Defaulted (SetDefaults); a process-wide constant.
[[nodiscard]] const ControllerConfiguration& DefaultControllerConfiguration();

// "<image>:<tag>" of the builder for this machine image version and architecture, e.g.
// "ghcr.io/gardenlinux/gardenlinux/kmodbuild:amd64-1877.5". nullopt as for MachineImageDialect.
[[nodiscard]] std::optional<std::string> BuilderImage(const ControllerConfiguration& config,
                                                      std::string_view image_name,
                                                      std::string_view image_version, Arch arch);

}  // namespace gpuext::gpuruntime::api
