// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/osc_mutator.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gpuruntime/api/resolve.h"
#include "gpuext/gpuruntime/containerd.h"
#include "gpuext/gpuruntime/registry.h"
#include "gpuext/webhook/shoot_mutator.h"
#include "shoot_fields.h"

namespace gpuext::webhook {

using nlohmann::json;
namespace gr = gpuext::gpuruntime;

namespace {

using Path = std::vector<std::string>;

// The entry's path as strings; nullopt when it is not a list of strings (not one of ours, and
// left for GRM's validation to name).
std::optional<Path> PathOf(const json& entry) {
  const json* path = At(entry, {"path"});
  if (!path || !path->is_array()) {
    return std::nullopt;
  }
  Path out;
  for (const json& part : *path) {
    if (!part.is_string()) {
      return std::nullopt;
    }
    out.push_back(part.get<std::string>());
  }
  return out;
}

bool StartsWith(const Path& path, const Path& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

bool IsAddWithObjectValues(const json& entry) {
  const json* op = At(entry, {"op"});
  const bool add = !op || op->is_null() || (op->is_string() && op->get<std::string>() == "add");
  const json* values = At(entry, {"values"});
  return add && values && values->is_object();
}

// The list at `parent[key]`, created when absent or null. Throws kInvalidArgument naming `field`
// when it has another type (kube-apiserver's schema refuses that before we are called, so only
// a malformed review gets here).
json& ListAt(json& parent, const char* key, const std::string& field) {
  json& list = parent[key];
  if (list.is_null()) {
    list = json::array();
  }
  if (!list.is_array()) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("{}: must be a list", field));
  }
  return list;
}

// Upserts `ours` into `plugins` (see the header). `owned` is the runtime table's path: entries
// below it are ours whatever their shape.
void UpsertPlugins(json& plugins, const std::vector<json>& ours, const Path& owned) {
  std::vector<Path> our_paths;
  for (const json& entry : ours) {
    our_paths.push_back(*PathOf(entry));
  }
  std::vector<bool> placed(ours.size(), false);
  json kept = json::array();
  for (json& entry : plugins) {
    const std::optional<Path> path = PathOf(entry);
    if (!path) {
      kept.push_back(std::move(entry));
      continue;
    }
    const auto match = std::find(our_paths.begin(), our_paths.end(), *path);
    if (match == our_paths.end()) {
      if (!StartsWith(*path, owned)) {
        kept.push_back(std::move(entry));  // foreign: another webhook's or gardenlet's
      }
      continue;  // a stale entry of ours below the runtime table
    }
    const size_t i = static_cast<size_t>(match - our_paths.begin());
    if (placed[i]) {
      if (!StartsWith(*path, owned)) {
        kept.push_back(std::move(entry));  // a second entry at the CRI plugin's path: not ours
      }
      continue;
    }
    placed[i] = true;
    if (IsAddWithObjectValues(entry) && IsAddWithObjectValues(ours[i])) {
      for (const auto& [key, value] : ours[i]["values"].items()) {
        entry["values"][key] = value;
      }
      kept.push_back(std::move(entry));
    } else {
      kept.push_back(ours[i]);
    }
  }
  for (size_t i = 0; i < ours.size(); ++i) {
    if (!placed[i]) {
      kept.push_back(ours[i]);
    }
  }
  plugins = std::move(kept);
}

std::string FilePathOf(const json& file) { return StringAt(file, {"path"}); }

json FileJson(const gr::OscFile& file) {
  return {{"path", file.path},
          {"permissions", file.permissions},
          {"content", {{"inline", {{"encoding", ""}, {"data", file.content}}}}}};
}

// Replaces or appends each of `ours` by path and drops the files at `drop` (and any second copy
// of one of ours).
void UpsertFiles(json& files, const std::vector<gr::OscFile>& ours,
                 const std::vector<std::string>& drop) {
  std::vector<bool> placed(ours.size(), false);
  json kept = json::array();
  for (json& file : files) {
    const std::string path = FilePathOf(file);
    const auto match = std::find_if(ours.begin(), ours.end(),
                                    [&](const gr::OscFile& f) { return f.path == path; });
    if (match != ours.end()) {
      const size_t i = static_cast<size_t>(match - ours.begin());
      if (!placed[i]) {
        placed[i] = true;
        kept.push_back(FileJson(*match));
      }
      continue;
    }
    if (std::find(drop.begin(), drop.end(), path) == drop.end()) {
      kept.push_back(std::move(file));
    }
  }
  for (size_t i = 0; i < ours.size(); ++i) {
    if (!placed[i]) {
      kept.push_back(FileJson(ours[i]));
    }
  }
  files = std::move(kept);
}

// What one pool needs in its OSC.
struct PoolPlan {
  std::vector<gr::ContainerdPatch> patches;  // add entries, or the remove entry
  std::vector<gr::OscFile> files;            // our files (empty when removing)
  std::vector<std::string> drop_files;       // paths of ours not in `files` are dropped
};

bool HasTimestamp(const json& object, std::string_view key) {
  const json* value = At(object, {"metadata", key});
  return value && !value->is_null();
}

}  // namespace

std::vector<std::string> RemovedPools(const json* extension) {
  std::vector<std::string> names;
  if (!extension) {
    return names;
  }
  for (const json& entry : ArrayAt(*extension, {"status", "providerStatus", "removedPools"})) {
    if (std::string name = StringAt(entry, {"name"}); !name.empty()) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

gr::CgroupDriver CgroupDriverOf(const json& osc) {
  return StringAt(osc, {"spec", "criConfig", "cgroupDriver"}) == "systemd"
             ? gr::CgroupDriver::kSystemd
             : gr::CgroupDriver::kCgroupfs;
}

OscMutation OscMutator::Mutate(json& osc, const gardener::Cluster& cluster,
                               const json* extension) const {
  OscMutation result;
  // Step 1: only the reconcile OSC of a pool of a shoot that is not going away.
  if (!osc.is_object()) {
    result.skipped = "the object is not an OperatingSystemConfig";
    return result;
  }
  if (StringAt(osc, {"spec", "purpose"}) != "reconcile") {
    result.skipped = "spec.purpose is not reconcile";
    return result;
  }
  if (cluster.IsBeingDeleted()) {
    result.skipped = "the shoot is being deleted";
    return result;
  }
  if (HasTimestamp(osc, "deletionTimestamp")) {
    result.skipped = "the OperatingSystemConfig is being deleted";
    return result;
  }
  const std::string pool = StringAt(osc, {"metadata", "labels", kPoolLabel});
  if (pool.empty()) {
    result.skipped = fmt::format("no {} label", kPoolLabel);
    return result;
  }
  const json* worker = FindPool(cluster.shoot(), pool);
  const bool has_runtime = worker && PoolHasRuntime(*worker);
  const std::vector<std::string> removed_pools = RemovedPools(extension);
  const bool removed = !has_runtime && std::find(removed_pools.begin(), removed_pools.end(),
                                                 pool) != removed_pools.end();
  if (!has_runtime && !removed) {
    result.skipped = fmt::format("pool \"{}\" has no {} runtime", pool, kRuntimeType);
    return result;
  }

  // Step 2 / 3: what the pool needs.
  const gr::GpuVendor& vendor = gr::VendorFor(kRuntimeType);
  const std::string osc_name = StringAt(osc, {"metadata", "name"});
  PoolPlan plan;
  std::optional<gr::ContainerdDialect> dialect;
  if (has_runtime) {
    gr::api::ResolvedPool resolved;
    try {
      resolved = gr::api::ResolvePool(cluster.shoot(), pool, component_);
    } catch (const Error& e) {
      // The user's configuration (or the catalog it names): a denial that names the field.
      // Anything else escaping ResolvePool is a bug and stays an internal error (500).
      if (e.code() != ErrorCode::kConfigurationProblem && e.code() != ErrorCode::kInvalidArgument) {
        throw;
      }
      std::throw_with_nested(Error(ErrorCode::kConfigurationProblem,
                                   fmt::format("worker pool \"{}\" of the shoot", pool)));
    }
    dialect = resolved.containerd;
    const std::optional<gr::DriverVersion> version =
        gr::DriverVersion::Parse(resolved.driver.version);
    if (!version) {
      throw Error(ErrorCode::kInternal,
                  fmt::format("pool \"{}\": resolved driver version \"{}\" does "
                              "not parse",
                              pool, resolved.driver.version));
    }
    plan.files = vendor.NodeFiles(*version);
    plan.drop_files = vendor.NodeFilePaths();  // one we no longer write (no options) goes
    if (!dialect) {
      result.warnings.push_back(fmt::format(
          "OperatingSystemConfig {}: machine image {} {} of pool \"{}\" is not listed in the GPU "
          "extension's machineImages; the nvidia runtime is configured without containerd CDI "
          "settings",
          osc_name, resolved.machine_image_name, resolved.machine_image_version, pool));
    }
    plan.patches =
        vendor.ContainerdPatches(dialect.value_or(kFallbackDialect), CgroupDriverOf(osc));
  } else {
    if (worker) {
      dialect =
          gr::api::MachineImageDialect(component_, StringAt(*worker, {"machine", "image", "name"}),
                                       StringAt(*worker, {"machine", "image", "version"}));
    }
    plan.patches = vendor.ContainerdRemovalPatches(dialect.value_or(kFallbackDialect));
    plan.drop_files = vendor.NodeFilePaths();
  }

  // Files: independent of containerd, so written even when the CRI part must be skipped.
  json& spec = osc["spec"];
  if (!plan.files.empty() || spec.contains("files")) {  // no empty list where there was none
    UpsertFiles(ListAt(spec, "files", "spec.files"), plan.files, plan.drop_files);
  }

  // criConfig: only next to gardenlet's sandboxImage (GRM requires it once containerd is set).
  const json* cri_name = At(spec, {"criConfig", "name"});
  if (cri_name && cri_name->is_string() && cri_name->get<std::string>() != "containerd") {
    result.warnings.push_back(fmt::format(
        "OperatingSystemConfig {}: pool \"{}\" runs CRI \"{}\", so the nvidia runtime cannot be "
        "configured; set cri.name: containerd on the worker pool",
        osc_name, pool, cri_name->get<std::string>()));
    return result;
  }
  if (StringAt(spec, {"criConfig", "containerd", "sandboxImage"}).empty()) {
    const std::string message = fmt::format(
        "OperatingSystemConfig {}: spec.criConfig.containerd.sandboxImage is not set, so the "
        "containerd entries of the nvidia runtime were left out for pool \"{}\"; gardenlet sets it "
        "on every reconcile, so the next one adds them",
        osc_name, pool);
    result.warnings.push_back(message);
    result.errors.push_back(message);
    return result;
  }
  json& containerd = spec["criConfig"]["containerd"];
  json& plugins = ListAt(containerd, "plugins", "spec.criConfig.containerd.plugins");
  std::vector<json> ours;
  for (const gr::ContainerdPatch& patch : plan.patches) {
    ours.push_back(gr::ToOscJson(patch));
  }
  // The runtime table is the first removal path; all of its subtree is ours.
  const Path owned = vendor.ContainerdRemovalPatches(dialect.value_or(kFallbackDialect)).at(0).path;
  UpsertPlugins(plugins, ours, owned);
  return result;
}

}  // namespace gpuext::webhook
