// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The field paths of each document type, for nearest-name hints. Derived from encoding a fully
// populated document, so they cannot drift from the encoders.

#include <span>
#include <string>
#include <string_view>

namespace gpuext::gpuruntime::api::internal {

std::span<const std::string> GPUConfigPaths();
std::span<const std::string> GPUPoolConfigPaths();
std::span<const std::string> ControllerConfigurationPaths();
std::span<const std::string> AgentConfigurationPaths();

// True for a top-level GPUConfig field that a GPUPoolConfig does not have ("cache", "pools").
bool IsShootWideOnly(std::string_view key);

}  // namespace gpuext::gpuruntime::api::internal
