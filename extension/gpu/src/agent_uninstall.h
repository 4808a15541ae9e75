// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The uninstall step of a ContainerRuntime's Delete (DESIGN.md §10.2, §13.5), private to
// gpuext::gpu: the pool's agent ConfigMap is switched to `mode: uninstall` inside the pool's
// ManagedResource, and Delete waits until every node of the pool reports Uninstalled before the
// DaemonSet goes. The pool is usually gone from the Shoot by then, so the switch edits what the
// MR already delivers instead of rendering the pool again.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gpuext::gpu::internal {

// Label on the pool's MR: when the uninstall started, in Unix seconds (a label value, so it
// survives the MR being rewritten and needs no status of our own).
inline constexpr std::string_view kUninstallSinceLabel =
    "gpu.extensions.gardener.cloud/uninstall-since";
// The reason the agent sets on GPUDriverReady once the driver is gone (§13.5).
inline constexpr std::string_view kUninstalledReason = "Uninstalled";

// `objects_yaml` (the pool MR's objects.yaml) with ConfigMap gpu-node-agent-<pool>'s
// AgentConfiguration in mode uninstall. Throws Error(kNotFound) when the stream has no such
// ConfigMap.
[[nodiscard]] std::string WithAgentUninstallMode(const std::string& objects_yaml,
                                                 const std::string& pool);

// The pool's nodes whose GPUDriverReady condition does not have reason Uninstalled yet.
[[nodiscard]] std::vector<std::string> NodesNotUninstalled(
    const std::vector<nlohmann::json>& nodes);

// "worker.gardener.cloud/pool=gpu-a,..." from the ContainerRuntime's
// spec.workerPool.selector.matchLabels (the pool label alone when that is empty).
[[nodiscard]] std::string PoolNodeSelector(const nlohmann::json& container_runtime,
                                           const std::string& pool);

}  // namespace gpuext::gpu::internal
