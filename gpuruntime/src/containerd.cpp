// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/containerd.h"

#include <algorithm>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/gpuruntime/toml.h"

namespace gpuext::gpuruntime {
namespace {

using nlohmann::json;

constexpr std::string_view kGrpcCri = "io.containerd.grpc.v1.cri";
constexpr std::string_view kCriRuntime = "io.containerd.cri.v1.runtime";
constexpr std::string_view kCriImages = "io.containerd.cri.v1.images";

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& part : path) {
    out += (out.empty() ? "" : "/") + part;
  }
  return out;
}

// The table at path[0..n-1], created on the way like node-agent's setMapEntry.
json& TableAt(json& root, const std::vector<std::string>& path, size_t n) {
  json* table = &root;
  for (size_t i = 0; i < n; ++i) {
    json& next = (*table)[path[i]];
    if (next.is_null()) {
      next = json::object();
    }
    if (!next.is_object()) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("containerd config: {} is not a table", JoinPath(path)));
    }
    table = &next;
  }
  return *table;
}

void Set(json& root, const std::vector<std::string>& path, json value) {
  TableAt(root, path, path.size() - 1)[path.back()] = std::move(value);
}

}  // namespace

json ToOscJson(const ContainerdPatch& patch) {
  json out = {{"op", patch.op == ContainerdPatch::Op::kAdd ? "add" : "remove"},
              {"path", patch.path}};
  if (patch.op == ContainerdPatch::Op::kAdd && !patch.values.is_null()) {
    out["values"] = patch.values;
  }
  return out;
}

ContainerdPatch ContainerdPatchFromOscJson(const json& entry) {
  if (!entry.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "plugin entry must be an object");
  }
  ContainerdPatch patch;
  std::string op = entry.value("op", std::string("add"));
  if (op == "remove") {
    patch.op = ContainerdPatch::Op::kRemove;
  } else if (op != "add") {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("plugin entry: unknown op \"{}\"", op));
  }
  auto path = entry.find("path");
  if (path == entry.end() || !path->is_array() || path->empty()) {
    throw Error(ErrorCode::kInvalidArgument, "plugin entry: path must be a non-empty list");
  }
  for (const auto& part : *path) {
    if (!part.is_string()) {
      throw Error(ErrorCode::kInvalidArgument, "plugin entry: path elements must be strings");
    }
    patch.path.push_back(part.get<std::string>());
  }
  if (auto values = entry.find("values"); values != entry.end() && !values->is_null()) {
    if (!values->is_object()) {
      throw Error(ErrorCode::kInvalidArgument, "plugin entry: values must be an object");
    }
    patch.values = *values;
  }
  return patch;
}

const DialectInfo& DialectFor(int config_version) {
  static const DialectInfo kV2{
      .config_version = 2,
      .containerd_versions = "1.6/1.7",
      .runtime_plugin = kGrpcCri,
      .images_plugin = kGrpcCri,
      .sandbox_image_path = {"plugins", std::string(kGrpcCri), "sandbox_image"},
      .registry_config_path = {"plugins", std::string(kGrpcCri), "registry", "config_path"},
      .runc_systemd_cgroup_path = {"plugins", std::string(kGrpcCri), "containerd", "runtimes",
                                   "runc", "options", "SystemdCgroup"},
      .cni_bin_dir_path = {"plugins", std::string(kGrpcCri), "cni", "bin_dir"},
  };
  static const DialectInfo kV3{
      .config_version = 3,
      .containerd_versions = "2.0–2.2",
      .runtime_plugin = kCriRuntime,
      .images_plugin = kCriImages,
      .sandbox_image_path = {"plugins", std::string(kCriImages), "pinned_images", "sandbox"},
      .registry_config_path = {"plugins", std::string(kCriImages), "registry", "config_path"},
      .runc_systemd_cgroup_path = {"plugins", std::string(kCriRuntime), "containerd", "runtimes",
                                   "runc", "options", "SystemdCgroup"},
      .cni_bin_dir_path = {"plugins", std::string(kCriRuntime), "cni", "bin_dir"},
  };
  static const DialectInfo kV4 = [] {
    DialectInfo v4 = kV3;
    v4.config_version = 4;
    v4.containerd_versions = "2.3";
    return v4;
  }();
  switch (config_version) {
    case 1:
    case 2:
      return kV2;
    case 3:
      return kV3;
    case 4:
      return kV4;
    default:
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("unsupported containerd config version {}", config_version));
  }
}

std::string_view CdiPlugin(int config_version) {
  return config_version >= 3 ? kCriRuntime : kGrpcCri;
}

std::vector<std::string> NodeAgentPatchPath(const std::vector<std::string>& path,
                                            int config_version) {
  std::vector<std::string> out = {"plugins"};
  out.insert(out.end(), path.begin(), path.end());
  static const std::vector<std::string> kPrefix = {"plugins", std::string(kGrpcCri), "containerd",
                                                   "runtimes"};
  if (config_version >= 3 && out.size() >= kPrefix.size() &&
      std::equal(kPrefix.begin(), kPrefix.end(), out.begin())) {
    out[1] = std::string(kCriRuntime);
  }
  return out;
}

int ConfigVersionOf(const json& config) {
  auto version = config.find("version");
  if (version == config.end()) {
    return 1;  // versions 2+ must carry the header, so its absence means 1 (node-agent)
  }
  if (!version->is_number_integer()) {
    throw Error(ErrorCode::kInvalidArgument, "containerd config: version is not an integer");
  }
  int value = version->get<int>();
  if (value < 1 || value > 4) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("unsupported containerd config version {}", value));
  }
  return value;
}

void ApplyNodeAgentPatches(json& config, const std::vector<ContainerdPatch>& patches) {
  int version = ConfigVersionOf(config);
  for (const auto& patch : patches) {
    if (patch.path.empty()) {
      throw Error(ErrorCode::kInvalidArgument, "plugin entry without path");
    }
    std::vector<std::string> path = NodeAgentPatchPath(patch.path, version);
    json& parent = TableAt(config, path, path.size() - 1);
    if (patch.op == ContainerdPatch::Op::kRemove) {
      // node-agent stores nil, which its TOML encoder leaves out: the subtree disappears.
      parent.erase(path.back());
      continue;
    }
    json& table = parent[path.back()];
    if (!table.is_object()) {
      table = json::object();  // node-agent starts from an empty map when the value is no table
    }
    if (patch.values.is_null()) {
      continue;
    }
    if (!patch.values.is_object()) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("plugin entry {}: values must be an object", JoinPath(patch.path)));
    }
    for (const auto& [key, value] : patch.values.items()) {
      table[key] = value;
    }
  }
}

json MergeLikeNodeAgent(json config, const NodeAgentSettings& settings,
                        const std::vector<ContainerdPatch>& patches) {
  const DialectInfo& dialect = DialectFor(ConfigVersionOf(config));
  Set(config, dialect.registry_config_path, settings.registry_config_path);
  json& imports = config["imports"];
  if (!imports.is_array()) {
    imports = json::array();
  }
  if (std::find(imports.begin(), imports.end(), json(settings.import_glob)) == imports.end()) {
    imports.push_back(settings.import_glob);
  }
  if (!settings.sandbox_image.empty()) {
    Set(config, dialect.sandbox_image_path, settings.sandbox_image);
  }
  Set(config, dialect.cni_bin_dir_path, settings.cni_bin_dir);
  if (settings.cgroup_driver) {
    Set(config, dialect.runc_systemd_cgroup_path,
        *settings.cgroup_driver == CgroupDriver::kSystemd);
  }
  ApplyNodeAgentPatches(config, patches);
  return config;
}

std::string RenderToml(const ContainerdDialect& dialect,
                       const std::vector<ContainerdPatch>& patches) {
  DialectFor(dialect.config_version);  // refuses unknown versions
  json document = {{"version", dialect.config_version}};
  ApplyNodeAgentPatches(document, patches);
  return WriteToml(document);
}

}  // namespace gpuext::gpuruntime
