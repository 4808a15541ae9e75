// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The seed OSC webhook's mutation (DESIGN.md §12 steps 1-4) as a pure function of the
// OperatingSystemConfig, the shoot's Cluster and our Extension: a reconcile OSC of a pool with
// the `nvidia` runtime gets the containerd plugin entries that register the runtime and the two
// /etc/modprobe.d files; a pool listed in the Extension's providerStatus.removedPools gets an
// explicit `op: remove` for the runtime table and loses our files. Everything else in the OSC is
// left as it was.
//
//   OscMutator mutator(component_config);
//   OscMutation result = mutator.Mutate(osc, cluster, extension_or_null);
//   // osc is edited in place; result.warnings go into the AdmissionReview response.
//
// Upsert rules (so a repeated call, or a call on an OSC that already carries our entries, gives
// the same OSC):
//   - a plugin entry is matched by `path`. Where an `add` entry with an object `values` already
//     sits at one of our paths, our keys are set in it and its other keys stay (the CDI entry
//     shares the CRI plugin's path with whatever else configures that plugin); any other entry at
//     our path is replaced. Entries below the runtime table (`runtimes.nvidia...`) that we would
//     not write are stale copies of ours and are dropped;
//   - a file is matched by `path` and replaced by ours;
//   - units are never touched, nor plugin entries and files at other paths.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gardener/cluster.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/gpuruntime/types.h"

namespace gpuext::webhook {

// gardenlet's label naming the worker pool of an OSC.
inline constexpr char kPoolLabel[] = "worker.gardener.cloud/pool";

// Used when the component configuration does not list the pool's machine image version: the
// runtime entries alone (their v2 paths are rewritten by node-agent for v3+), no CDI keys, which
// only containerd 1.7 needs and only config v2 can take at that path.
inline constexpr gpuruntime::ContainerdDialect kFallbackDialect{.config_version = 2,
                                                                .cdi = gpuruntime::CdiMode::kNone};

struct OscMutation {
  // Why the OSC was left alone (purpose, deletion, no pool label, pool without the runtime);
  // empty when it was considered.
  std::string skipped;
  // For the AdmissionReview `warnings`.
  std::vector<std::string> warnings;
  // Problems the handler logs as errors without refusing the request (a missing sandboxImage:
  // DESIGN.md §12 prefers a GPU pool without the runtime to a blocked shoot).
  std::vector<std::string> errors;
};

// Safe for concurrent use; borrows `component`, which must outlive it.
class OscMutator {
 public:
  explicit OscMutator(const gpuruntime::api::ControllerConfiguration& component)
      : component_(component) {}

  // Mutates `osc` in place. `extension` is our Extension in the shoot namespace, or null when
  // there is none. Throws gpuext::Error(kConfigurationProblem) when the pool's GPU configuration
  // does not resolve (the message names the field) and kInvalidArgument when a list it must
  // extend (spec.files, criConfig.containerd.plugins) has the wrong JSON type.
  OscMutation Mutate(nlohmann::json& osc, const gardener::Cluster& cluster,
                     const nlohmann::json* extension) const;

 private:
  const gpuruntime::api::ControllerConfiguration& component_;
};

// Names in extension.status.providerStatus.removedPools[].name (empty for null or odd shapes).
[[nodiscard]] std::vector<std::string> RemovedPools(const nlohmann::json* extension);

// criConfig.cgroupDriver of the OSC: systemd, or cgroupfs when unset (node-agent then leaves
// runc's SystemdCgroup at containerd's default, false, and our runtime must match runc).
[[nodiscard]] gpuruntime::CgroupDriver CgroupDriverOf(const nlohmann::json& osc);

}  // namespace gpuext::webhook
