// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// GardenletSimulator: writes into a seed what gardenlet writes for a shoot, and judges the
// extension objects the way gardenlet does (DESIGN.md §21.2, gardener-contract.md §1.4, §1.8,
// §2.2, §3.1). It is a simulator: no scheduling, workers or control plane, only the
// extension-facing part of the shoot flows, as thin as the tests and the demo need.
//
//   GardenletSimulator gardenlet(seed, {.poll_interval = 100ms});
//   gardenlet.Reconcile(shoot, cloud_profile, stop);   // throws GardenletError like gardenlet
//   gardenlet.Delete(shoot, stop);
//
// What Deploy writes (names and labels as gardenlet's):
//   - Namespace shoot--<project>--<name> (status.technicalID when set) with
//     gardener.cloud/role=shoot, shoot.gardener.cloud/provider=<type> and
//     extensions.gardener.cloud/<type>=true per enabled spec.extensions[] entry;
//   - the cluster-scoped Cluster of that name (spec.shoot, spec.cloudProfile, spec.seed);
//   - one Extension per enabled spec.extensions[] entry (name = type) and one ContainerRuntime
//     <type>-<pool> per pool runtime (binaryPath, workerPool), each annotated
//     gardener.cloud/operation=reconcile and a fresh gardener.cloud/timestamp; stale ones are
//     deleted;
//   - per pool two OSCs, <key>-init (provision) and <key>-original (reconcile, criConfig for
//     containerd), whose whole spec is rewritten on every deploy.
//
// Thread safety: one flow at a time per instance.

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/clock.h"
#include "gpuext/error.h"
#include "gpuext/kube/client.h"
#include "gpuext/kube/resource.h"

namespace gpuext::landscape {

inline const kube::Resource kOperatingSystemConfigs{"extensions.gardener.cloud", "v1alpha1",
                                                    "operatingsystemconfigs"};

// What gardenlet reports when a flow step fails: the text it puts into the Shoot's
// lastErrors, and the ERR_* codes the extension reported.
class GardenletError : public Error {
 public:
  GardenletError(ErrorCode code, const std::string& message, std::vector<std::string> codes)
      : Error(code, message), codes_(std::move(codes)) {}
  [[nodiscard]] const std::vector<std::string>& codes() const { return codes_; }

 private:
  std::vector<std::string> codes_;
};

// gardenlet's readiness verdict on one extension object.
struct Readiness {
  bool ready = false;
  // lastError is set: gardenlet gives up once it persists past the severe threshold.
  bool severe = false;
  std::string reason = {};  // gardenlet's words, e.g. "observed generation outdated (1/2)"
  std::vector<std::string> codes = {};
};

// gardenlet's exact check (gardener-contract.md §1.4), in its order.
[[nodiscard]] Readiness CheckExtensionObject(const nlohmann::json& obj);

// The seed namespace of a shoot: status.technicalID, else shoot--<project>--<name> where the
// project is the shoot's namespace without "garden-".
[[nodiscard]] std::string TechnicalId(const nlohmann::json& shoot);

struct GardenletSimulatorOptions {
  // nullptr: RealClock::Instance(). Must outlive the simulator.
  Clock* clock = nullptr;
  std::chrono::milliseconds poll_interval = std::chrono::seconds(5);
  std::chrono::milliseconds timeout = std::chrono::minutes(3);
  // A lastError that persists this long fails the flow before the timeout.
  std::chrono::milliseconds severe_threshold = std::chrono::seconds(30);
  std::string seed_name = "local";
  std::string pause_image = "registry.k8s.io/pause:3.10";
};

// The extension objects one deploy wrote (for waiting and for tests).
struct DeployedObjects {
  std::string ns = {};
  std::vector<std::string> extensions = {};          // names
  std::vector<std::string> container_runtimes = {};  // names
  std::vector<std::string> oscs = {};                // names
};

class GardenletSimulator {
 public:
  // `seed` must outlive the simulator.
  GardenletSimulator(kube::Client& seed, GardenletSimulatorOptions options = {});

  // Writes the namespace, Cluster, extension objects and OSCs (see the file comment).
  DeployedObjects Deploy(const nlohmann::json& shoot, const nlohmann::json& cloud_profile);

  // Polls every poll_interval until every Extension and ContainerRuntime of `objects` is
  // ready. Throws GardenletError(kTimeout) after `timeout` ("Error while waiting for Extension
  // ns/name to become ready: retry failed with context deadline exceeded, last error: ...") or
  // as soon as a lastError persisted for severe_threshold. Returns false when `stop` fired.
  bool WaitUntilReady(const DeployedObjects& objects, std::stop_token stop);

  // Deploy + WaitUntilReady.
  bool Reconcile(const nlohmann::json& shoot, const nlohmann::json& cloud_profile,
                 std::stop_token stop);

  // The delete flow in gardenlet's order: OSCs, then Extensions (confirmed, waited for until
  // gone), then ContainerRuntimes (the same), then the Cluster and the namespace.
  bool Delete(const nlohmann::json& shoot, std::stop_token stop);

  // Control-plane migration, source side: operation=migrate on every extension object, wait
  // until each reports Migrate Succeeded, then delete them (they carry no finalizer any more).
  bool Migrate(const nlohmann::json& shoot, std::stop_token stop);

  // Destination side: deploy with operation=wait-for-state, then switch to restore and wait.
  bool Restore(const nlohmann::json& shoot, const nlohmann::json& cloud_profile,
               std::stop_token stop);

 private:
  DeployedObjects DeployWith(const nlohmann::json& shoot, const nlohmann::json& cloud_profile,
                             const std::string& operation);
  bool WaitFor(const kube::Resource& resource, const std::string& kind, const std::string& ns,
               const std::string& name, std::stop_token stop);
  bool WaitGone(const kube::Resource& resource, const std::string& kind, const std::string& ns,
                const std::string& name, std::stop_token stop);
  void Annotate(const kube::Resource& resource, const std::string& ns, const std::string& name,
                const std::string& operation);
  std::vector<std::string> NamesIn(const kube::Resource& resource, const std::string& ns);

  kube::Client& seed_;
  const GardenletSimulatorOptions options_;
  Clock& clock_;
};

}  // namespace gpuext::landscape
