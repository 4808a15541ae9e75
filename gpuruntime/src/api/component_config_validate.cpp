// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Validation of the operator's ControllerConfiguration.

#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "decoder.h"
#include "gpuext/gpuruntime/api/component_config.h"

namespace gpuext::gpuruntime::api {
namespace {

using internal::IndexPath;
using internal::JoinPath;

bool IsHex64(const std::string& text) {
  static const re2::RE2 kHex("[0-9a-f]{64}");
  return re2::RE2::FullMatch(text, kHex);
}

// True when every {placeholder} in `text` is one of `allowed`.
bool PlaceholdersKnown(const std::string& text, std::initializer_list<std::string_view> allowed) {
  static const re2::RE2 kPlaceholder("\\{([^}]*)\\}");
  re2::StringPiece input(text);
  std::string name;
  while (re2::RE2::FindAndConsume(&input, kPlaceholder, &name)) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return false;
    }
  }
  return true;
}

void ValidateSource(const DriverSource& s, bool require_pinned, const std::string& path,
                    FieldErrorList& errors) {
  const std::string url_path = JoinPath(path, "url");
  if (s.url.empty()) {
    errors.push_back(FieldError::Required(url_path, "the download URL of this source"));
  } else if (!s.url.starts_with("https://") && !s.url.starts_with("file:///")) {
    // file:// names a tarball inside the build image or a volume it mounts (air-gapped
    // landscapes, the local landscape); the pinned sha256 protects both kinds alike.
    errors.push_back(FieldError::Invalid(
        url_path, s.url, "must be an https:// URL or an absolute file:/// path in the builder"));
  } else if (!PlaceholdersKnown(s.url, {"version", "branch", "arch", "narch"})) {
    errors.push_back(FieldError::Invalid(
        url_path, s.url, "unknown placeholder; use {version}, {branch}, {arch} or {narch}"));
  }
  const std::string sha_path = JoinPath(path, "sha256");
  if (!s.sha256.empty() && !IsHex64(s.sha256)) {
    errors.push_back(FieldError::Invalid(sha_path, s.sha256, "must be 64 lower-case hex digits"));
  }
  for (const auto& [arch, sha] : s.sha256_by_arch) {
    if (!IsHex64(sha)) {
      errors.push_back(
          FieldError::Invalid(JoinPath(sha_path, arch), sha, "must be 64 lower-case hex digits"));
    }
  }
  if (require_pinned && s.sha256.empty() && s.sha256_by_arch.empty()) {
    errors.push_back(FieldError::Required(
        sha_path, "requirePinnedSources is true: pin the source's sha256 or set it to false"));
  }
}

void ValidateBranches(const DriverCatalog& d, const std::string& path, FieldErrorList& errors) {
  static const re2::RE2 kBranch("\\d{3}");
  std::set<std::string> versions;
  if (d.branches.empty()) {
    errors.push_back(FieldError::Required(JoinPath(path, "branches"), "list at least one branch"));
  }
  for (size_t i = 0; i < d.branches.size(); ++i) {
    const DriverBranch& b = d.branches[i];
    const std::string bp = IndexPath(JoinPath(path, "branches"), i);
    if (!re2::RE2::FullMatch(b.branch, kBranch)) {
      errors.push_back(
          FieldError::Invalid(JoinPath(bp, "branch"), b.branch, "must be three digits, e.g. 580"));
    }
    const std::optional<DriverVersion> v = DriverVersion::Parse(b.version);
    if (!v || v->IsBranchOnly()) {
      errors.push_back(FieldError::Invalid(JoinPath(bp, "version"), b.version,
                                           "must be a full driver version, e.g. 580.95.05"));
    } else if (std::to_string(v->Branch()) != b.branch) {
      errors.push_back(FieldError::Invalid(JoinPath(bp, "version"), b.version,
                                           fmt::format("is not on branch {}", b.branch)));
    } else if (!versions.insert(v->String()).second) {
      errors.push_back(FieldError::Duplicate(JoinPath(bp, "version"), b.version));
    }
    if (!b.sources.run && !b.sources.open) {
      errors.push_back(FieldError::Required(JoinPath(bp, "sources"), "give a run or open source"));
    }
    if (b.sources.run) {
      ValidateSource(*b.sources.run, d.require_pinned_sources, JoinPath(bp, "sources.run"), errors);
    }
    if (b.sources.open) {
      ValidateSource(*b.sources.open, d.require_pinned_sources, JoinPath(bp, "sources.open"),
                     errors);
    }
  }
}

void ValidateDriver(const ControllerConfiguration& c, const std::string& path,
                    FieldErrorList& errors) {
  const DriverCatalog& d = c.driver;
  ValidateBranches(d, path, errors);
  const std::vector<std::string> branches = SupportedBranches(c);
  const auto listed = [&](const std::string& b) {
    return std::find(branches.begin(), branches.end(), b) != branches.end();
  };
  if (!d.default_branch.empty() && !listed(d.default_branch)) {
    errors.push_back(
        FieldError::NotSupported(JoinPath(path, "defaultBranch"), d.default_branch, branches));
  }
  for (size_t i = 0; i < d.exclusions.size(); ++i) {
    const DriverExclusion& e = d.exclusions[i];
    const std::string ep = IndexPath(JoinPath(path, "exclusions"), i);
    if (!listed(e.branch)) {
      errors.push_back(FieldError::NotSupported(JoinPath(ep, "branch"), e.branch, branches));
    }
    if (FindMachineImage(c, e.machine_image) == nullptr) {
      errors.push_back(FieldError::Invalid(JoinPath(ep, "machineImage"), e.machine_image,
                                           "not listed in machineImages"));
    }
  }
}

void ValidateMachineImages(const ControllerConfiguration& c, const std::string& path,
                           FieldErrorList& errors) {
  std::set<std::string> names;
  for (size_t i = 0; i < c.machine_images.size(); ++i) {
    const MachineImageSupport& m = c.machine_images[i];
    const std::string mp = IndexPath(path, i);
    if (m.name.empty()) {
      errors.push_back(FieldError::Required(JoinPath(mp, "name"), "e.g. gardenlinux"));
    } else if (!names.insert(m.name).second) {
      errors.push_back(FieldError::Duplicate(JoinPath(mp, "name"), m.name));
    }
    if (m.containerd.empty()) {
      errors.push_back(FieldError::Required(JoinPath(mp, "containerd"),
                                            "list the containerd dialect of the image versions"));
    }
    for (size_t j = 0; j < m.containerd.size(); ++j) {
      const int version = m.containerd[j].dialect.config_version;
      if (version < 2 || version > 4) {
        errors.push_back(FieldError::NotSupported(
            JoinPath(IndexPath(JoinPath(mp, "containerd"), j), "configVersion"),
            std::to_string(version), {"2", "3", "4"}));
      }
    }
    if (m.builder.image.empty()) {
      errors.push_back(FieldError::Required(JoinPath(mp, "builder.image"),
                                            "the kernel module builder image of this OS"));
    }
    if (!PlaceholdersKnown(m.builder.tag, {"arch", "major", "minor", "patch", "version"})) {
      errors.push_back(FieldError::Invalid(
          JoinPath(mp, "builder.tag"), m.builder.tag,
          "unknown placeholder; use {arch}, {major}, {minor}, {patch} or {version}"));
    }
    if (m.os_version_key.empty()) {
      errors.push_back(FieldError::Required(JoinPath(mp, "osVersionKey"),
                                            "the os-release key holding the OS version"));
    }
  }
}

}  // namespace

FieldErrorList Validate(const ControllerConfiguration& c, std::string_view path) {
  FieldErrorList errors;
  const std::string root(path);
  if (c.images.node_agent.empty()) {
    errors.push_back(FieldError::Required(JoinPath(root, "images.nodeAgent"),
                                          "the gpu-node-agent image reference"));
  }
  if (c.images.driver_cache.empty()) {
    errors.push_back(FieldError::Required(JoinPath(root, "images.driverCache"),
                                          "the gpu-driver-cache image reference"));
  }
  ValidateDriver(c, JoinPath(root, "driver"), errors);
  ValidateMachineImages(c, JoinPath(root, "machineImages"), errors);
  if (c.health.sync_period <= std::chrono::nanoseconds(0)) {
    errors.push_back(
        FieldError::Invalid(JoinPath(root, "health.syncPeriod"), "", "must be positive"));
  }
  if (c.health.driver_ready_timeout <= std::chrono::nanoseconds(0)) {
    errors.push_back(
        FieldError::Invalid(JoinPath(root, "health.driverReadyTimeout"), "", "must be positive"));
  }
  if (c.webhooks.osc_timeout_seconds < 1 || c.webhooks.osc_timeout_seconds > 30) {
    errors.push_back(FieldError::Invalid(JoinPath(root, "webhooks.osc.timeoutSeconds"),
                                         std::to_string(c.webhooks.osc_timeout_seconds),
                                         "must be between 1 and 30 (Kubernetes' webhook limit)"));
  }
  return errors;
}

}  // namespace gpuext::gpuruntime::api
