// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Extension's status.providerStatus (kind GPUStatus, DESIGN.md §10.1): per GPU pool the
// resolved driver, the pools that lost the runtime (`removedPools`, read by the OSC webhook
// so its `op: remove` entries stay stable), and the cache the nodes use.
//
// removedPools rules: a pool that had the runtime in the previous status and has it no longer
// is added with `since: now`; an entry is dropped once the pool is gone from the Shoot or has
// the runtime again. Node counts and kernels of a pool are owned by the health check and kept
// as they were. Pure; safe for concurrent use.

#include <chrono>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gpu/shoot_plan.h"

namespace gpuext::gpu {

inline constexpr const char* kGPUStatusKind = "GPUStatus";

// `previous` is the object's current status.providerStatus (null when none); `key_id` the
// manifest-signing key's id ("" when no key is used).
[[nodiscard]] nlohmann::json BuildProviderStatus(const ShootPlan& plan, const nlohmann::json& shoot,
                                                 const nlohmann::json& previous,
                                                 std::chrono::system_clock::time_point now,
                                                 const std::string& key_id);

}  // namespace gpuext::gpu
