// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// containerd knowledge (DESIGN.md §12): the config dialects of the containerd versions Garden
// Linux ships, the OSC `criConfig.containerd.plugins` entries we emit, and how
// gardener-node-agent applies them to /etc/containerd/config.toml.
//
// Entries always carry v2-style paths (`io.containerd.grpc.v1.cri/containerd/runtimes/...`);
// gardener-node-agent rewrites that one prefix to `io.containerd.cri.v1.runtime/...` for config
// version >= 3 (gardener pkg/nodeagent/controller/operatingsystemconfig/containerd_config.go,
// `pluginPathReplacements`). Nothing else is rewritten, so other paths must be dialect-specific.
//
//   auto patches = vendor.ContainerdPatches(dialect, CgroupDriver::kSystemd);
//   osc["spec"]["criConfig"]["containerd"]["plugins"].push_back(ToOscJson(patches[0]));
//   std::string toml = RenderToml(dialect, patches);   // tests: what node-agent would write

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/gpuruntime/types.h"

namespace gpuext::gpuruntime {

// One `criConfig.containerd.plugins[]` entry (extensions.gardener.cloud/v1alpha1 PluginConfig).
struct ContainerdPatch {
  enum class Op { kAdd, kRemove };
  Op op = Op::kAdd;
  // Below `plugins`, e.g. {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia"}.
  std::vector<std::string> path = {};
  // For kAdd: an object whose keys are set in the table at `path` (one level; see
  // ApplyNodeAgentPatches). Null for kRemove, where Gardener forbids values.
  nlohmann::json values = nullptr;

  friend bool operator==(const ContainerdPatch&, const ContainerdPatch&) = default;
};

// {"op": "add"|"remove", "path": [...], "values": {...}} (values only for add).
nlohmann::json ToOscJson(const ContainerdPatch& patch);
// Inverse of ToOscJson; a missing op means add (Gardener's default). Throws
// gpuext::Error(kInvalidArgument) on a malformed entry.
ContainerdPatch ContainerdPatchFromOscJson(const nlohmann::json& entry);

// What differs between containerd config file versions (DESIGN.md §12 table; the key paths are
// the ones gardener-node-agent patches, `containerdConfigPaths`).
struct DialectInfo {
  int config_version = 2;
  std::string_view containerd_versions = {};  // "1.6/1.7", "2.0–2.2", "2.3"
  std::string_view runtime_plugin = {};       // plugin holding containerd.runtimes.<name>
  std::string_view images_plugin = {};        // plugin holding registry + sandbox image
  // Full key paths from the document root.
  std::vector<std::string> sandbox_image_path = {};
  std::vector<std::string> registry_config_path = {};
  std::vector<std::string> runc_systemd_cgroup_path = {};
  std::vector<std::string> cni_bin_dir_path = {};
};

// The dialect row for config version 1..4 (1 shares version 2's keys, as in node-agent). Throws
// gpuext::Error(kInvalidArgument) for any other version.
const DialectInfo& DialectFor(int config_version);

// The CRI plugin table that takes `enable_cdi`/`cdi_spec_dirs`: the grpc CRI plugin for v2,
// the runtime plugin for v3+ (containerd 2.x `internal/cri/config`).
std::string_view CdiPlugin(int config_version);

// The path node-agent patches for an entry: "plugins" + path, with the runtimes prefix
// rewritten for config version >= 3.
std::vector<std::string> NodeAgentPatchPath(const std::vector<std::string>& path,
                                            int config_version);

// The file's config version as node-agent reads it: a missing `version` key means 1. Throws
// gpuext::Error(kInvalidArgument) for a non-integer or a version outside 1..4.
int ConfigVersionOf(const nlohmann::json& config);

// Applies plugin entries to a parsed config.toml the way gardener-node-agent does: intermediate
// tables are created; `add` sets each top-level key of `values` in the table at the path,
// replacing whatever value that key had (Go's json.Unmarshal into the existing map: a nested
// object replaces the old one, it is not merged), and an entry without values only creates the
// table; `remove` deletes the key at the path. Throws gpuext::Error(kInvalidArgument) when the
// path runs through a non-table value, as node-agent fails in that case.
void ApplyNodeAgentPatches(nlohmann::json& config, const std::vector<ContainerdPatch>& patches);

// The non-plugin settings gardener-node-agent writes into config.toml (the other
// `containerdConfigPaths` patches).
struct NodeAgentSettings {
  std::string sandbox_image = {};  // criConfig.containerd.sandboxImage; empty: key untouched
  std::optional<CgroupDriver> cgroup_driver = std::nullopt;  // runc SystemdCgroup
  std::string registry_config_path = "/etc/containerd/certs.d";
  std::string import_glob = "/etc/containerd/conf.d/*.toml";
  std::string cni_bin_dir = "/opt/cni/bin";
};

// What node-agent writes for a node: `config` (containerd config default, or the existing
// file) with the settings patched first and then the plugin entries, in node-agent's order.
// Known gap: containerd >= 2.2 with config v3+ gets `cni.bin_dirs` (a list) instead of
// `cni.bin_dir`; node-agent asks the running containerd for its version, which a pure
// function cannot, so the singular key is always written.
nlohmann::json MergeLikeNodeAgent(nlohmann::json config, const NodeAgentSettings& settings,
                                  const std::vector<ContainerdPatch>& patches);

// The TOML fragment our patches produce on an otherwise empty file of the dialect's version:
// `version = N` plus the patched tables (used by tests and golden files; the product never
// writes containerd config itself).
std::string RenderToml(const ContainerdDialect& dialect,
                       const std::vector<ContainerdPatch>& patches);

}  // namespace gpuext::gpuruntime
