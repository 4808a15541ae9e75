// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Manager: runs the controllers and other Runnables of one binary (controller-runtime's
// manager, DESIGN.md §6, STYLE.md §9).
//
//   kube::ShutdownSignals signals;
//   HttpClient client(config, {.observer = RestClientMetricsObserver(registry, config.server)});
//   kube::Manager manager(client, {.bind_address = ":8080", .leader_election = true,
//                                  .leader_election_namespace = "garden",
//                                  .leader_election_id = "gardener-extension-gpu"});
//   manager.AddController("shoot", reconciler).For(kShoots);
//   return ExitCode(manager.Run(signals.token()));
//
// Run, in order:
//   1. /healthz, /readyz and /metrics are served over plain HTTP on bind_address from
//      construction until destruction (port() is known at once; "" serves nothing), so the
//      final metrics stay readable after Run returned;
//   2. starts the cache's informers and waits (cache_sync_timeout) until they synced; /readyz
//      answers 200 from then on (and while every added readyz check passes);
//   3. starts the runnables that need no leader election;
//   4. with leader election on, campaigns for the coordination.k8s.io/v1 Lease
//      (leader_election.h: 15 s / 10 s / 2 s, identity "<POD_NAME or host>_<uuid>") and starts
//      the leader-only runnables (every controller) only once this process leads; without it,
//      starts them at once;
//   5. blocks until `stop` (or Stop()), a runnable throws, or leadership is lost;
//   6. shuts down gracefully: every runnable is asked to stop (controllers stop intake and let
//      the reconciles in flight finish); runnables still running at graceful_shutdown_timeout
//      are Abort()ed (ReconcileContext::stop fires) and then joined; the Lease is released
//      (holder cleared) so a successor takes over at once; the informers stop. One
//      graceful-shutdown budget covers all of it.
//
// Thread safety: configure (AddController, Add, Add*Check) before Run, from one thread; Run
// once. Stop, IsLeader, Ready and port are safe from any thread at any time.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/kube/cache.h"
#include "gpuext/kube/client.h"
#include "gpuext/kube/controller.h"
#include "gpuext/kube/leader_election.h"
#include "gpuext/kube/metrics.h"
#include "gpuext/kube/reconciler.h"
#include "gpuext/kube/runnable.h"
#include "gpuext/logger.h"

namespace gpuext::kube {

struct ManagerOptions {
  // host:port for /healthz, /readyz and /metrics (":8080" = every interface); port 0 picks a
  // free port (see Manager::port()); "" serves nothing.
  std::string bind_address = ":8080";

  bool leader_election = false;
  std::string leader_election_namespace = {};
  std::string leader_election_id = {};        // the Lease name
  std::string leader_election_identity = {};  // empty: DefaultLeaderIdentity()
  std::chrono::seconds lease_duration = std::chrono::seconds(15);
  std::chrono::milliseconds renew_deadline = std::chrono::seconds(10);
  std::chrono::milliseconds retry_period = std::chrono::seconds(2);
  double leader_election_jitter = 1.2;  // see LeaderElectionOptions::jitter_factor
  // Write the Lease back with no holder on shutdown, so a successor need not wait for expiry.
  bool leader_election_release_on_cancel = true;

  // How long Run waits (real time) for the informers to sync before it fails.
  std::chrono::milliseconds cache_sync_timeout = std::chrono::minutes(2);
  // How long shutdown waits (real time) for runnables before it aborts them.
  std::chrono::milliseconds graceful_shutdown_timeout = std::chrono::seconds(30);

  CacheOptions cache = {};
  // Time for the cache, the controllers and the Lease; nullptr: RealClock::Instance(). Must
  // outlive the manager.
  Clock* clock = nullptr;
  // Where every metric goes and what /metrics serves; nullptr: Registry::Default().
  metrics::Registry* registry = nullptr;
  Logger log = Logger::Root();
};

enum class ManagerResult {
  kStopped,             // stop requested; everything wound down within the deadline
  kLeaderElectionLost,  // this process led and could not renew the Lease
  kFailed,              // the caches did not sync in time, or a runnable threw (logged)
  kShutdownTimedOut,    // stopped, but runnables had to be aborted at the deadline
};

// 0 for kStopped, 1 otherwise: what main returns.
[[nodiscard]] int ExitCode(ManagerResult result);
[[nodiscard]] const char* ToString(ManagerResult result);

// A named health or readiness check: returns normally when healthy, throws (any exception,
// whose message is shown) when not.
using HealthCheck = std::function<void()>;

class Manager {
 public:
  // `client` must outlive the manager. Binds bind_address; throws Error(kInvalidArgument) for
  // a bad address or leader-election settings, Error(kInternal) when the port is taken.
  explicit Manager(Client& client, ManagerOptions options = {});
  // Stops a Run still going and waits for it.
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // A controller on this manager's cache, clock, registry and logger (options left unset take
  // those), run as a leader-only runnable. The reference lives as long as the manager.
  Controller& AddController(const std::string& name, Reconciler& reconciler,
                            ControllerOptions options = {});
  // Runs `runnable` (leader-only when it says NeedLeaderElection()).
  void Add(std::unique_ptr<Runnable> runnable);
  // Adds a check to /healthz or /readyz. Throws Error(kInvalidArgument) for a name the
  // endpoint already has. Safe while the endpoints are being served.
  void AddHealthzCheck(const std::string& name, HealthCheck check);
  void AddReadyzCheck(const std::string& name, HealthCheck check);

  // Runs everything until stop; see the file comment. Call once.
  [[nodiscard]] ManagerResult Run(std::stop_token stop);
  // Requests the same as the stop token of Run.
  void Stop();

  [[nodiscard]] Cache& cache() { return cache_; }
  [[nodiscard]] Client& client() { return client_; }
  [[nodiscard]] metrics::Registry& registry() { return registry_; }
  [[nodiscard]] Clock& clock() { return clock_; }
  // The port /healthz, /readyz and /metrics are served on (0 when bind_address is "").
  [[nodiscard]] int port() const;
  // Whether this process holds the Lease (always true without leader election, once Run
  // started the leader-only runnables).
  [[nodiscard]] bool IsLeader() const;
  // What /readyz answers: caches synced and every readyz check passes.
  [[nodiscard]] bool Ready() const;
  // The leader-election identity ("" without leader election).
  [[nodiscard]] std::string identity() const;

 private:
  class Group;
  class Server;

  // Starts the leader-only group; returns when `stop` fires, after that group has stopped.
  void Lead(std::stop_token stop);
  void Fail(const std::string& what);
  // Blocks until `stop` fires; returns false then.
  static bool Wait(std::stop_token stop);
  // The graceful-shutdown deadline: fixed by the first call, timeout from then.
  std::chrono::steady_clock::time_point ShutdownDeadline();

  Client& client_;
  const ManagerOptions options_;
  Clock& clock_;
  metrics::Registry& registry_;
  const Logger log_;
  Cache cache_;

  std::vector<std::unique_ptr<Runnable>> runnables_;  // configured before Run
  using HealthChecks = std::vector<std::pair<std::string, HealthCheck>>;
  // A copy of the /readyz (ready) or /healthz checks: the server runs them while the binary
  // may still be adding checks.
  [[nodiscard]] HealthChecks ChecksOf(bool ready) const;

  mutable std::mutex checks_mu_;  // Guards healthz_ and readyz_.
  HealthChecks healthz_;
  HealthChecks readyz_;
  std::unique_ptr<LeaderElector> elector_;  // null without leader election
  std::unique_ptr<Server> server_;          // null when bind_address is ""

  std::atomic<bool> synced_{false};
  std::atomic<bool> leading_{false};
  std::atomic<bool> timed_out_{false};
  std::stop_source stop_;  // Stop(), a failed runnable, or lost leadership
  std::mutex failure_mu_;  // Guards failure_ and shutdown_deadline_.
  std::string failure_;
  std::optional<std::chrono::steady_clock::time_point> shutdown_deadline_;
  std::atomic<bool> running_{false};
};

}  // namespace gpuext::kube
