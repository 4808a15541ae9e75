// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// LeaderElector: one active replica per Lease (coordination.k8s.io/v1), with client-go's
// leader election semantics (DESIGN.md §6, §9):
//
//  - A candidate takes the Lease when it is absent, released (empty holderIdentity) or
//    expired. Expiry is judged by when THIS process last saw the Lease change (on its own
//    steady clock), plus leaseDurationSeconds; the remote renewTime is never compared with
//    the local clock, so clock skew between nodes cannot hand the Lease to two holders.
//  - Every write carries the resourceVersion last read; a 409 means someone else wrote first,
//    and the candidate simply tries again after the retry period.
//  - The leader renews every retry period. When it cannot renew for the renew deadline, it
//    stops leading and Run returns kLost (the manager then exits non-zero); the renew deadline
//    is shorter than the lease duration, so it stops before anyone else may take over.
//  - With release_on_cancel, a leader that is stopped writes the Lease back with an empty
//    holder and leaseDurationSeconds=1, so a successor takes over at its next retry.
//
//   LeaderElector elector(client, clock, {
//       .lease_namespace = "garden", .lease_name = "gardener-extension-gpu",
//       .callbacks = {.on_started_leading = [&](std::stop_token stop) { RunControllers(stop); }}});
//   if (elector.Run(stop) == LeaderElectionResult::kLost) return 1;
//
// Thread safety: Run is called once, from one thread; IsLeader(), leader() and identity() are
// safe to call from any thread at any time.

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"
#include "gpuext/kube/metrics.h"
#include "gpuext/logger.h"

namespace gpuext::kube {

struct LeaderCallbacks {
  // Runs on a thread of its own as soon as this process leads. `stop` is requested when
  // leadership ends (lost or Run stopped); the function must return soon after, because Run
  // waits for it before it releases the Lease or reports the end. May be empty.
  std::function<void(std::stop_token stop)> on_started_leading = {};
  // Runs on Run's thread once leading has ended and on_started_leading has returned. Unlike
  // client-go it does not run when this process never led. May be empty.
  std::function<void()> on_stopped_leading = {};
  // Runs on Run's thread whenever a different holder is observed, this process included.
  // Must not block. May be empty.
  std::function<void(const std::string& identity)> on_new_leader = {};
};

struct LeaderElectionOptions {
  std::string lease_namespace = {};
  std::string lease_name = {};
  // Empty: DefaultLeaderIdentity().
  std::string identity = {};
  // How long others wait after the last observed change before taking over.
  std::chrono::seconds lease_duration = std::chrono::seconds(15);
  // How long the leader keeps retrying a failed renewal before it gives up leading.
  std::chrono::milliseconds renew_deadline = std::chrono::seconds(10);
  // Pause between attempts (to acquire, or to renew).
  std::chrono::milliseconds retry_period = std::chrono::seconds(2);
  // Acquire attempts wait retry_period · (1 + random · jitter_factor), as client-go does, so
  // candidates that start together do not collide forever. 0 turns jitter off.
  double jitter_factor = 1.2;
  bool release_on_cancel = true;
  LeaderCallbacks callbacks = {};
  // Where leader_election_master_status{name=<lease name>} goes; nullptr: Registry::Default().
  metrics::Registry* registry = nullptr;
};

enum class LeaderElectionResult {
  kStopped,  // the stop token was triggered (whether or not this process led)
  kLost,     // this process led and could not renew within the renew deadline
};

// The coordination.k8s.io/v1 leases resource.
inline const Resource kLeases{"coordination.k8s.io", "v1", "leases", true};

// "<pod name>_<random uuid>": POD_NAME from the environment, else the host name, as
// controller-runtime does, with a fresh UUID so a restarted pod is a new candidate.
[[nodiscard]] std::string DefaultLeaderIdentity();

class LeaderElector {
 public:
  // `client` and `clock` must outlive the elector. Throws Error(kInvalidArgument) when the
  // lease name or namespace is empty, or unless lease_duration > renew_deadline >
  // jitter_factor · retry_period and retry_period > 0 (client-go's rules).
  LeaderElector(Client& client, Clock& clock, LeaderElectionOptions options);
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Blocks: tries to acquire until it succeeds or `stop`, then leads and renews until `stop`
  // or a renewal fails past the renew deadline. Errors talking to the API are logged and
  // retried, never thrown. Call once.
  [[nodiscard]] LeaderElectionResult Run(std::stop_token stop);

  // Whether the last record this process wrote or read names it as holder.
  [[nodiscard]] bool IsLeader() const;
  // The holder last observed ("" before the first read).
  [[nodiscard]] std::string leader() const;
  [[nodiscard]] const std::string& identity() const { return options_.identity; }

 private:
  // One attempt (client-go's tryAcquireOrRenew): true when this process holds the Lease now.
  bool TryAcquireOrRenew();
  bool TryCreate(const nlohmann::json& spec);
  bool TryUpdate(nlohmann::json lease, const nlohmann::json& spec);
  void Observe(const nlohmann::json& spec);
  [[nodiscard]] bool LeaseValidLocked(std::chrono::steady_clock::time_point now) const;
  [[nodiscard]] bool IsLeaderLocked() const;
  void ReportTransition();

  bool Acquire(std::stop_token stop);
  // Renews until stop (returns true) or the renew deadline passes (returns false).
  bool Renew(std::stop_token stop);
  // Keeps renewing once for every retry period, up to the renew deadline.
  bool RenewWithinDeadline(std::stop_token stop);
  void Lead(std::stop_token stop, LeaderElectionResult& result);
  void Release();
  [[nodiscard]] std::chrono::steady_clock::duration JitteredRetry();

  Client& client_;
  Clock& clock_;
  LeaderElectionOptions options_;
  Logger log_;
  metrics::Gauge& leader_status_;
  std::mt19937_64 random_;       // Confined to Run's thread.
  std::string reported_leader_;  // Confined to Run's thread.

  mutable std::mutex mutex_;             // Guards the observed state below.
  std::optional<nlohmann::json> lease_;  // the Lease as last read or written (resourceVersion)
  nlohmann::json observed_spec_;         // its spec
  std::chrono::steady_clock::time_point observed_time_{};  // when observed_spec_ last changed
};

}  // namespace gpuext::kube
