// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Strict decoding of ControllerConfiguration. Absent fields keep the struct's member defaults.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "decoder.h"
#include "enums.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "schema.h"

namespace gpuext::gpuruntime::api {
namespace {

using internal::Decoder;
using internal::ReadInto;
using nlohmann::json;

std::optional<VersionConstraint> ReadConstraint(Decoder& d, const json& v, const std::string& rel) {
  const std::optional<std::string> text = d.AsString(v, rel);
  if (!text) {
    return std::nullopt;
  }
  if (auto parsed = VersionConstraint::Parse(*text)) {
    return parsed;
  }
  d.Add(FieldError::Invalid(d.Full(rel), *text,
                            "must be comparisons like \">= 1592\" or \">= 1592, < 1877\""));
  return std::nullopt;
}

std::optional<DriverSource> ReadDriverSource(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"url", "sha256"});
  DriverSource out;
  ReadInto(d, v, rel, "url", out.url, &Decoder::AsString);
  if (const auto it = v.find("sha256"); it != v.end() && !it->is_null()) {
    const std::string sha_rel = internal::JoinPath(rel, "sha256");
    if (it->is_object()) {
      d.CheckKeys(*it, sha_rel, {"amd64", "arm64"});
      ReadInto(d, *it, sha_rel, "amd64", out.sha256_by_arch["amd64"], &Decoder::AsString);
      ReadInto(d, *it, sha_rel, "arm64", out.sha256_by_arch["arm64"], &Decoder::AsString);
      std::erase_if(out.sha256_by_arch, [](const auto& entry) { return entry.second.empty(); });
    } else if (it->is_string()) {
      out.sha256 = it->get<std::string>();
    } else {
      d.TypeError(*it, sha_rel, "a string or an object keyed by architecture");
    }
  }
  return out;
}

std::optional<DriverBranch> ReadBranch(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"branch", "version", "sources"});
  DriverBranch out;
  ReadInto(d, v, rel, "branch", out.branch, &Decoder::AsString);
  ReadInto(d, v, rel, "version", out.version, &Decoder::AsString);
  if (const auto it = v.find("sources"); it != v.end() && !it->is_null()) {
    const std::string sources_rel = internal::JoinPath(rel, "sources");
    if (d.ExpectObject(*it, sources_rel)) {
      d.CheckKeys(*it, sources_rel, {"run", "open"});
      Field<DriverSource> run;
      Field<DriverSource> open;
      d.Read(*it, sources_rel, "run", run, ReadDriverSource);
      d.Read(*it, sources_rel, "open", open, ReadDriverSource);
      if (run) {
        out.sources.run = *run;
      }
      if (open) {
        out.sources.open = *open;
      }
    }
  }
  return out;
}

std::optional<DriverExclusion> ReadExclusion(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"branch", "machineImage", "versions"});
  DriverExclusion out;
  ReadInto(d, v, rel, "branch", out.branch, &Decoder::AsString);
  ReadInto(d, v, rel, "machineImage", out.machine_image, &Decoder::AsString);
  Field<VersionConstraint> versions;
  d.Read(v, rel, "versions", versions, ReadConstraint);
  if (versions) {
    out.versions = *versions;
  } else if (!v.contains("versions")) {
    d.Add(FieldError::Required(d.Full(internal::JoinPath(rel, "versions")),
                               "name the excluded image versions, e.g. \">= 2150.8\""));
  }
  return out;
}

std::optional<DriverCatalog> ReadDriverCatalog(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"defaultBranch", "requirePinnedSources", "branches", "exclusions"});
  DriverCatalog out;
  ReadInto(d, v, rel, "defaultBranch", out.default_branch, &Decoder::AsString);
  ReadInto(d, v, rel, "requirePinnedSources", out.require_pinned_sources, &Decoder::AsBool);
  ReadInto(d, v, rel, "branches", out.branches,
           [](Decoder& dd, const json& value, const std::string& r) {
             return dd.AsList<DriverBranch>(value, r, ReadBranch);
           });
  ReadInto(d, v, rel, "exclusions", out.exclusions,
           [](Decoder& dd, const json& value, const std::string& r) {
             return dd.AsList<DriverExclusion>(value, r, ReadExclusion);
           });
  return out;
}

std::optional<ContainerdRule> ReadContainerdRule(Decoder& d, const json& v,
                                                 const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"versions", "configVersion", "cdi"});
  ContainerdRule out;
  Field<VersionConstraint> versions;
  d.Read(v, rel, "versions", versions, ReadConstraint);
  if (versions) {
    out.versions = *versions;
  }
  ReadInto(d, v, rel, "configVersion", out.dialect.config_version, &Decoder::AsInt);
  ReadInto(d, v, rel, "cdi", out.dialect.cdi,
           [](Decoder& dd, const json& value, const std::string& r) {
             return dd.AsEnum(internal::kCdiModes, value, r);
           });
  return out;
}

std::optional<MachineImageSupport> ReadMachineImage(Decoder& d, const json& v,
                                                    const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"name", "versions", "containerd", "builder", "osVersionKey"});
  MachineImageSupport out;
  ReadInto(d, v, rel, "name", out.name, &Decoder::AsString);
  Field<VersionConstraint> versions;
  d.Read(v, rel, "versions", versions, ReadConstraint);
  if (versions) {
    out.versions = *versions;
  }
  ReadInto(d, v, rel, "containerd", out.containerd,
           [](Decoder& dd, const json& value, const std::string& r) {
             return dd.AsList<ContainerdRule>(value, r, ReadContainerdRule);
           });
  if (const auto it = v.find("builder"); it != v.end() && !it->is_null()) {
    const std::string builder_rel = internal::JoinPath(rel, "builder");
    if (d.ExpectObject(*it, builder_rel)) {
      d.CheckKeys(*it, builder_rel, {"image", "tag"});
      ReadInto(d, *it, builder_rel, "image", out.builder.image, &Decoder::AsString);
      ReadInto(d, *it, builder_rel, "tag", out.builder.tag, &Decoder::AsString);
    }
  }
  ReadInto(d, v, rel, "osVersionKey", out.os_version_key, &Decoder::AsString);
  return out;
}

void ReadTopLevel(Decoder& d, const json& document, ControllerConfiguration& c) {
  if (const auto it = document.find("images"); it != document.end() && !it->is_null()) {
    if (d.ExpectObject(*it, "images")) {
      d.CheckKeys(*it, "images", {"nodeAgent", "driverCache"});
      ReadInto(d, *it, "images", "nodeAgent", c.images.node_agent, &Decoder::AsString);
      ReadInto(d, *it, "images", "driverCache", c.images.driver_cache, &Decoder::AsString);
    }
  }
  ReadInto(d, document, "", "driver", c.driver, ReadDriverCatalog);
  ReadInto(d, document, "", "machineImages", c.machine_images,
           [](Decoder& dd, const json& value, const std::string& r) {
             return dd.AsList<MachineImageSupport>(value, r, ReadMachineImage);
           });
  if (const auto it = document.find("health"); it != document.end() && !it->is_null()) {
    if (d.ExpectObject(*it, "health")) {
      d.CheckKeys(*it, "health", {"syncPeriod", "driverReadyTimeout"});
      ReadInto(d, *it, "health", "syncPeriod", c.health.sync_period, &Decoder::AsDuration);
      ReadInto(d, *it, "health", "driverReadyTimeout", c.health.driver_ready_timeout,
               &Decoder::AsDuration);
    }
  }
  if (const auto it = document.find("webhooks"); it != document.end() && !it->is_null()) {
    if (d.ExpectObject(*it, "webhooks")) {
      d.CheckKeys(*it, "webhooks", {"osc"});
      if (const auto osc = it->find("osc"); osc != it->end() && !osc->is_null()) {
        if (d.ExpectObject(*osc, "webhooks.osc")) {
          d.CheckKeys(*osc, "webhooks.osc", {"timeoutSeconds"});
          ReadInto(d, *osc, "webhooks.osc", "timeoutSeconds", c.webhooks.osc_timeout_seconds,
                   &Decoder::AsInt);
        }
      }
    }
  }
  ReadInto(d, document, "", "allowInsecureEndpoints", c.allow_insecure_endpoints, &Decoder::AsBool);
}

}  // namespace

Decoded<ControllerConfiguration> DecodeControllerConfiguration(const json& document,
                                                               std::string_view path) {
  Decoded<ControllerConfiguration> out;
  Decoder d(path, internal::ControllerConfigurationPaths(), out.errors);
  if (!d.ExpectObject(document, "")) {
    return out;
  }
  d.CheckTypeMeta(document, kConfigApiVersion, kControllerConfigurationKind);
  d.CheckKeys(document, "",
              {"apiVersion", "kind", "images", "driver", "machineImages", "health", "webhooks",
               "allowInsecureEndpoints"});
  ReadTopLevel(d, document, out.value);
  return out;
}

}  // namespace gpuext::gpuruntime::api
