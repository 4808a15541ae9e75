// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The command line of gardener-extension-gpu (DESIGN.md §8.4): Gardener's extension flags
// (gardener/extension_options.h) plus the names this binary accepts in --disable-controllers and
// --disable-webhooks. Kept apart from main so a test can parse exactly what the seed chart's
// Deployment passes.

#include <string>
#include <vector>

#include "gpuext/gardener/extension_options.h"

namespace gpuext::gpu::cmd {

inline constexpr const char* kProgram = "gardener-extension-gpu";

// Names of --disable-controllers and --disable-webhooks.
inline constexpr const char* kExtensionController = "extension";
inline constexpr const char* kContainerRuntimeController = "containerruntime";
inline constexpr const char* kHealthCheckController = "healthcheck";
inline constexpr const char* kHeartbeatController = "heartbeat";
inline constexpr const char* kOscWebhook = "osc";
[[nodiscard]] const std::vector<std::string>& ControllerNames();
[[nodiscard]] const std::vector<std::string>& WebhookNames();

// Parses `args` (argv without the program name) into `options`: unknown flags, bad values,
// unknown disable names and stray arguments all come back at once, each naming its flag.
// `usage` (optional) receives the flag list for the error output.
[[nodiscard]] std::vector<std::string> ParseCommandLine(const std::vector<std::string>& args,
                                                        gardener::ExtensionOptions& options,
                                                        std::string* usage = nullptr);

[[nodiscard]] bool ControllerDisabled(const gardener::ExtensionOptions& options,
                                      const std::string& name);
[[nodiscard]] bool WebhookDisabled(const gardener::ExtensionOptions& options,
                                   const std::string& name);

// The namespace a namespace flag falls back to when it was left empty: `env_value` (e.g.
// $LEADER_ELECTION_NAMESPACE) if set, else the namespace of the seed credentials (the pod's
// in-cluster, the kubeconfig context's otherwise).
[[nodiscard]] std::string NamespaceOrDefault(const std::string& flag_value, const char* env_value,
                                             const std::string& credentials_namespace);

}  // namespace gpuext::gpu::cmd
