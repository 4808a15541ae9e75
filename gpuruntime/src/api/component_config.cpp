// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// ControllerConfiguration: encoding, defaults, loading and the catalog lookups.

#include "gpuext/gpuruntime/api/component_config.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "enums.h"
#include "gpuext/duration.h"
#include "gpuext/error.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpuruntime::api {
namespace {

using nlohmann::json;

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

json Encode(const DriverSource& s) {
  json out = {{"url", s.url}};
  if (!s.sha256_by_arch.empty()) {
    out["sha256"] = s.sha256_by_arch;
  } else if (!s.sha256.empty()) {
    out["sha256"] = s.sha256;
  }
  return out;
}

json Encode(const DriverCatalog& d) {
  json branches = json::array();
  for (const DriverBranch& b : d.branches) {
    json sources = json::object();
    if (b.sources.run) {
      sources["run"] = Encode(*b.sources.run);
    }
    if (b.sources.open) {
      sources["open"] = Encode(*b.sources.open);
    }
    branches.push_back({{"branch", b.branch}, {"version", b.version}, {"sources", sources}});
  }
  json exclusions = json::array();
  for (const DriverExclusion& e : d.exclusions) {
    exclusions.push_back({{"branch", e.branch},
                          {"machineImage", e.machine_image},
                          {"versions", e.versions ? e.versions->String() : ""}});
  }
  return {{"defaultBranch", d.default_branch},
          {"requirePinnedSources", d.require_pinned_sources},
          {"branches", branches},
          {"exclusions", exclusions}};
}

json Encode(const MachineImageSupport& m) {
  json out = {{"name", m.name}};
  if (m.versions) {
    out["versions"] = m.versions->String();
  }
  json rules = json::array();
  for (const ContainerdRule& r : m.containerd) {
    json rule = {{"configVersion", r.dialect.config_version},
                 {"cdi", std::string(gpuruntime::ToString(r.dialect.cdi))}};
    if (r.versions) {
      rule["versions"] = r.versions->String();
    }
    rules.push_back(rule);
  }
  out["containerd"] = rules;
  out["builder"] = {{"image", m.builder.image}, {"tag", m.builder.tag}};
  out["osVersionKey"] = m.os_version_key;
  return out;
}

std::optional<ImageVersion> MatchingVersion(const MachineImageSupport* image,
                                            std::string_view version) {
  if (image == nullptr) {
    return std::nullopt;
  }
  return ImageVersion::Parse(version);
}

}  // namespace

std::string DriverSource::Sha256For(Arch arch) const {
  if (const auto it = sha256_by_arch.find(std::string(gpuruntime::ToString(arch)));
      it != sha256_by_arch.end()) {
    return it->second;
  }
  return sha256_by_arch.empty() ? sha256 : "";
}

std::string DriverSource::UrlFor(std::string_view version, Arch arch) const {
  std::string out = ReplaceAll(url, "{version}", version);
  out = ReplaceAll(out, "{branch}", version.substr(0, version.find('.')));
  out = ReplaceAll(out, "{narch}", UnameMachine(arch));
  return ReplaceAll(out, "{arch}", gpuruntime::ToString(arch));
}

json ToJson(const ControllerConfiguration& c) {
  json machine_images = json::array();
  for (const MachineImageSupport& m : c.machine_images) {
    machine_images.push_back(Encode(m));
  }
  return {{"apiVersion", kConfigApiVersion},
          {"kind", kControllerConfigurationKind},
          {"images", {{"nodeAgent", c.images.node_agent}, {"driverCache", c.images.driver_cache}}},
          {"driver", Encode(c.driver)},
          {"machineImages", machine_images},
          {"health",
           {{"syncPeriod", FormatDuration(c.health.sync_period)},
            {"driverReadyTimeout", FormatDuration(c.health.driver_ready_timeout)}}},
          {"webhooks", {{"osc", {{"timeoutSeconds", c.webhooks.osc_timeout_seconds}}}}},
          {"allowInsecureEndpoints", c.allow_insecure_endpoints}};
}

void SetDefaults(ControllerConfiguration& config) {
  if (config.driver.default_branch.empty()) {
    const std::vector<std::string> branches = SupportedBranches(config);
    if (!branches.empty()) {
      config.driver.default_branch = branches.back();
    }
  }
  for (MachineImageSupport& image : config.machine_images) {
    if (image.builder.tag.empty()) {
      image.builder.tag = "{arch}-{major}.{minor}";
    }
    if (image.os_version_key.empty() && image.name == "gardenlinux") {
      image.os_version_key = "GARDENLINUX_VERSION";
    }
  }
}

ControllerConfiguration LoadControllerConfiguration(std::string_view yaml_text) {
  Decoded<ControllerConfiguration> decoded = DecodeControllerConfiguration(ParseYaml(yaml_text));
  SetDefaults(decoded.value);
  FieldErrorList errors = std::move(decoded.errors);
  for (FieldError& e : Validate(decoded.value)) {
    errors.push_back(std::move(e));
  }
  if (!errors.empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("invalid ControllerConfiguration: {}", ToAggregateMessage(errors)));
  }
  return std::move(decoded.value);
}

std::vector<std::string> SupportedBranches(const ControllerConfiguration& config) {
  std::vector<std::string> out;
  for (const DriverBranch& b : config.driver.branches) {
    if (std::find(out.begin(), out.end(), b.branch) == out.end()) {
      out.push_back(b.branch);
    }
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return out;
}

std::vector<std::string> SupportedVersions(const ControllerConfiguration& config) {
  std::vector<DriverVersion> versions;
  for (const DriverBranch& b : config.driver.branches) {
    if (auto v = DriverVersion::Parse(b.version)) {
      versions.push_back(*v);
    }
  }
  std::sort(versions.begin(), versions.end());
  std::vector<std::string> out;
  for (const DriverVersion& v : versions) {
    out.push_back(v.String());
  }
  return out;
}

std::optional<ResolvedDriver> ResolveDriverVersion(const ControllerConfiguration& config,
                                                   std::string_view branch_or_version) {
  const std::optional<DriverVersion> wanted = DriverVersion::Parse(branch_or_version);
  if (!wanted) {
    return std::nullopt;
  }
  const DriverBranch* best = nullptr;
  std::optional<DriverVersion> best_version;
  for (const DriverBranch& b : config.driver.branches) {
    const std::optional<DriverVersion> v = DriverVersion::Parse(b.version);
    if (!v || v->IsBranchOnly()) {
      continue;
    }
    const bool matches = wanted->IsBranchOnly() ? b.branch == wanted->String() : *v == *wanted;
    if (matches && (!best_version || *v > *best_version)) {
      best = &b;
      best_version = v;
    }
  }
  if (best == nullptr) {
    return std::nullopt;
  }
  return ResolvedDriver{.branch = best->branch, .version = best->version, .sources = best->sources};
}

const DriverExclusion* FindExclusion(const ControllerConfiguration& config, std::string_view branch,
                                     std::string_view image_name, std::string_view image_version) {
  const std::optional<ImageVersion> version = ImageVersion::Parse(image_version);
  if (!version) {
    return nullptr;
  }
  for (const DriverExclusion& e : config.driver.exclusions) {
    if (e.branch == branch && e.machine_image == image_name && e.versions &&
        e.versions->Matches(*version)) {
      return &e;
    }
  }
  return nullptr;
}

const MachineImageSupport* FindMachineImage(const ControllerConfiguration& config,
                                            std::string_view image_name) {
  for (const MachineImageSupport& m : config.machine_images) {
    if (m.name == image_name) {
      return &m;
    }
  }
  return nullptr;
}

bool SupportsMachineImage(const ControllerConfiguration& config, std::string_view image_name,
                          std::string_view image_version) {
  const MachineImageSupport* image = FindMachineImage(config, image_name);
  const std::optional<ImageVersion> version = MatchingVersion(image, image_version);
  return version && (!image->versions || image->versions->Matches(*version));
}

std::optional<ContainerdDialect> MachineImageDialect(const ControllerConfiguration& config,
                                                     std::string_view image_name,
                                                     std::string_view image_version) {
  const MachineImageSupport* image = FindMachineImage(config, image_name);
  const std::optional<ImageVersion> version = MatchingVersion(image, image_version);
  if (!version) {
    return std::nullopt;
  }
  for (const ContainerdRule& rule : image->containerd) {
    if (!rule.versions || rule.versions->Matches(*version)) {
      return rule.dialect;
    }
  }
  return std::nullopt;
}

bool SupportsArch(const DriverSources& sources, Arch arch) {
  const auto pinned_elsewhere = [arch](const std::optional<DriverSource>& source) {
    return source && !source->sha256_by_arch.empty() && source->Sha256For(arch).empty();
  };
  return !pinned_elsewhere(sources.run) && !pinned_elsewhere(sources.open);
}

std::vector<std::string> BranchesSupportingArch(const ControllerConfiguration& config, Arch arch) {
  std::vector<std::string> out;
  for (const std::string& branch : SupportedBranches(config)) {
    const std::optional<ResolvedDriver> driver = ResolveDriverVersion(config, branch);
    if (driver && SupportsArch(driver->sources, arch)) {
      out.push_back(branch);
    }
  }
  return out;
}

std::optional<std::string> BuilderImage(const ControllerConfiguration& config,
                                        std::string_view image_name, std::string_view image_version,
                                        Arch arch) {
  const MachineImageSupport* image = FindMachineImage(config, image_name);
  const std::optional<ImageVersion> version = MatchingVersion(image, image_version);
  if (!version || image->builder.image.empty()) {
    return std::nullopt;
  }
  std::string tag = ReplaceAll(image->builder.tag, "{arch}", gpuruntime::ToString(arch));
  tag = ReplaceAll(tag, "{major}", std::to_string(version->major()));
  tag = ReplaceAll(tag, "{minor}", std::to_string(version->minor()));
  tag = ReplaceAll(tag, "{patch}", std::to_string(version->patch()));
  tag = ReplaceAll(tag, "{version}", version->String());
  return fmt::format("{}:{}", image->builder.image, tag);
}

}  // namespace gpuext::gpuruntime::api
