// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runnable: something the Manager runs for the life of the process (controller-runtime's
// manager.Runnable plus LeaderElectionRunnable). Controllers are runnables; so is anything
// else a binary wants started after the caches synced (a cache GC loop, a prebuild trigger).
//
//   manager.Add(std::make_unique<RunnableFunc>([&](std::stop_token stop) { GcLoop(stop); },
//                                              /*need_leader_election=*/false));

#include <functional>
#include <stop_token>
#include <utility>

namespace gpuext::kube {

class Runnable {
 public:
  virtual ~Runnable() = default;

  // Runs until `stop` is requested, then returns once its work has wound down. Throwing
  // stops the whole manager (Run returns ManagerResult::kFailed). Called at most once.
  virtual void Start(std::stop_token stop) = 0;

  // true: started only while this process holds the leader-election Lease.
  [[nodiscard]] virtual bool NeedLeaderElection() const { return true; }

  // Called (from another thread) when the graceful-shutdown deadline passed while Start still
  // runs: the runnable should give up what it waits for and return at once.
  virtual void Abort() {}
};

// A Runnable from a function.
class RunnableFunc final : public Runnable {
 public:
  using Func = std::function<void(std::stop_token stop)>;
  explicit RunnableFunc(Func func, bool need_leader_election = true)
      : func_(std::move(func)), need_leader_election_(need_leader_election) {}

  void Start(std::stop_token stop) override { func_(std::move(stop)); }
  [[nodiscard]] bool NeedLeaderElection() const override { return need_leader_election_; }

 private:
  const Func func_;
  const bool need_leader_election_;
};

}  // namespace gpuext::kube
