// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kernel module parameters per module (DESIGN.md §8.5 `driver.parameters`, §12 modprobe.d file).
// One value feeds both the node agent (`modprobe -d ... <module> <params...>`) and the OSC file
// `/etc/modprobe.d/gardener-extension-gpu-nvidia.conf`, so a node that loads the module by hand
// and one that loads it through modprobe.d get the same options.
//
//   ModuleParams params = vendor.ModuleParameters(version);
//   std::string conf = RenderModprobeOptions(params);   // "options nvidia NVreg_...=driver\n..."

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gpuext::gpuruntime {

// Module name ("nvidia", "nvidia-uvm") → its parameters as `name=value` words, in load order of
// the words. Ordered by module name so every rendering is deterministic. Value type.
struct ModuleParams {
  std::map<std::string, std::vector<std::string>> by_module = {};

  [[nodiscard]] bool empty() const { return by_module.empty(); }
  // The parameters of `module`; empty when there are none.
  [[nodiscard]] const std::vector<std::string>& For(std::string_view module) const;
  friend bool operator==(const ModuleParams&, const ModuleParams&) = default;
};

// One `options <module> <word> <word>...` line per module with parameters, each ending in '\n';
// modules without parameters get no line. modprobe treats '-' and '_' in module names alike,
// so "nvidia-uvm" here configures the module the kernel lists as nvidia_uvm.
std::string RenderModprobeOptions(const ModuleParams& params);

// The AgentConfiguration form: {"nvidia": ["NVreg_...=driver"], "nvidia-uvm": [...]}.
nlohmann::json ToJson(const ModuleParams& params);
// Inverse of ToJson. Throws gpuext::Error(kInvalidArgument) naming the offending key when the
// value is not an object of string arrays or a word is not `name=value` with a non-empty name.
ModuleParams ModuleParamsFromJson(const nlohmann::json& value);

// True for `name=value` words modprobe accepts on the command line and in options lines: a
// non-empty name of [A-Za-z0-9_] and a value without whitespace (quotes are not needed).
[[nodiscard]] bool IsValidModuleParam(std::string_view word);

}  // namespace gpuext::gpuruntime
