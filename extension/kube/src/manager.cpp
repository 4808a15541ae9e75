// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/manager.h"

#include <condition_variable>
#include <exception>
#include <string_view>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "manager_server.h"

namespace gpuext::kube {

int ExitCode(ManagerResult result) { return result == ManagerResult::kStopped ? 0 : 1; }

const char* ToString(ManagerResult result) {
  switch (result) {
    case ManagerResult::kStopped:
      return "stopped";
    case ManagerResult::kLeaderElectionLost:
      return "leader election lost";
    case ManagerResult::kFailed:
      return "failed";
    case ManagerResult::kShutdownTimedOut:
      return "shutdown timed out";
  }
  return "unknown";
}

// Runnables started together and stopped together, each on a thread of its own.
class Manager::Group {
 public:
  Group(Logger log, std::function<void(const std::string&)> on_error)
      : log_(std::move(log)), on_error_(std::move(on_error)) {}
  ~Group() { (void)StopAndWait(std::chrono::steady_clock::now()); }
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  void Start(const std::vector<Runnable*>& runnables) {
    for (Runnable* r : runnables) {
      {
        std::lock_guard lock(mu_);
        ++running_;
        runnables_.push_back(r);
      }
      threads_.emplace_back([this, r] {
        // Boundary: a runnable that throws stops the manager; the error is logged here, once.
        try {
          r->Start(stop_.get_token());
        } catch (const std::exception& e) {
          log_.Error(e, "Runnable failed");
          on_error_(e.what());
        } catch (...) {
          log_.Error("Runnable failed", {{"error", "unknown exception"}});
          on_error_("unknown exception");
        }
        std::lock_guard lock(mu_);
        --running_;
        done_.notify_all();
      });
    }
  }

  // Asks every runnable to stop and waits (real time) until `deadline`; runnables still running
  // then are aborted and joined. Returns false when the deadline was missed.
  [[nodiscard]] bool StopAndWait(std::chrono::steady_clock::time_point deadline) {
    stop_.request_stop();
    bool in_time = true;
    {
      std::unique_lock lock(mu_);
      if (!done_.wait_until(lock, deadline, [&] { return running_ == 0; })) {
        in_time = false;
        log_.Error("Runnables did not stop within the graceful shutdown timeout; aborting them",
                   {{"running", running_}});
        for (Runnable* r : runnables_) {
          r->Abort();
        }
      }
    }
    for (auto& t : threads_) {
      if (t.joinable()) {
        t.join();
      }
    }
    return in_time;
  }

 private:
  const Logger log_;
  const std::function<void(const std::string&)> on_error_;
  std::stop_source stop_;
  std::mutex mu_;  // Guards running_ and runnables_.
  std::condition_variable done_;
  int running_ = 0;
  std::vector<Runnable*> runnables_;
  std::vector<std::jthread> threads_;  // Last: joined before the state they use goes away.
};

namespace {

Clock& ClockOf(const ManagerOptions& options) {
  return options.clock != nullptr ? *options.clock : RealClock::Instance();
}
metrics::Registry& RegistryOf(const ManagerOptions& options) {
  return options.registry != nullptr ? *options.registry : metrics::Registry::Default();
}

}  // namespace

Manager::Manager(Client& client, ManagerOptions options)
    : client_(client),
      options_(std::move(options)),
      clock_(ClockOf(options_)),
      registry_(RegistryOf(options_)),
      log_(options_.log.WithName("manager")),
      cache_(client, options_.cache, clock_, options_.log.WithName("cache")) {
  if (options_.leader_election) {
    elector_ = std::make_unique<LeaderElector>(
        client_, clock_,
        LeaderElectionOptions{
            .lease_namespace = options_.leader_election_namespace,
            .lease_name = options_.leader_election_id,
            .identity = options_.leader_election_identity,
            .lease_duration = options_.lease_duration,
            .renew_deadline = options_.renew_deadline,
            .retry_period = options_.retry_period,
            .jitter_factor = options_.leader_election_jitter,
            .release_on_cancel = options_.leader_election_release_on_cancel,
            .callbacks = {.on_started_leading = [this](std::stop_token stop) { Lead(stop); }},
            .registry = &registry_,
        });
  }
  if (!options_.bind_address.empty()) {
    server_ = std::make_unique<Server>(options_.bind_address, *this);
  }
}

Manager::~Manager() {
  Stop();
  running_.wait(true);
  server_.reset();  // its handlers read the members below it
}

Controller& Manager::AddController(const std::string& name, Reconciler& reconciler,
                                   ControllerOptions options) {
  if (options.clock == nullptr) {
    options.clock = &clock_;
  }
  if (options.registry == nullptr) {
    options.registry = &registry_;
  }
  options.log = options_.log;
  auto controller = std::make_unique<Controller>(name, cache_, reconciler, std::move(options));
  Controller& ref = *controller;
  runnables_.push_back(std::move(controller));
  return ref;
}

void Manager::Add(std::unique_ptr<Runnable> runnable) { runnables_.push_back(std::move(runnable)); }

namespace {

void AddCheck(std::vector<std::pair<std::string, HealthCheck>>& checks, const char* endpoint,
              const std::string& name, HealthCheck check) {
  // "ping" (and "informer-sync" on /readyz) are built-in lines of the answer.
  const bool reserved =
      name == "ping" || (std::string_view(endpoint) == "readyz" && name == "informer-sync");
  bool taken = reserved || name.empty();
  for (const auto& entry : checks) {
    taken = taken || entry.first == name;
  }
  if (taken) {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("/{} check name '{}' is empty, reserved or already used", endpoint, name));
  }
  checks.emplace_back(name, std::move(check));
}

}  // namespace

void Manager::AddHealthzCheck(const std::string& name, HealthCheck check) {
  std::lock_guard lock(checks_mu_);
  AddCheck(healthz_, "healthz", name, std::move(check));
}

void Manager::AddReadyzCheck(const std::string& name, HealthCheck check) {
  std::lock_guard lock(checks_mu_);
  AddCheck(readyz_, "readyz", name, std::move(check));
}

Manager::HealthChecks Manager::ChecksOf(bool ready) const {
  std::lock_guard lock(checks_mu_);
  return ready ? readyz_ : healthz_;
}

void Manager::Stop() { stop_.request_stop(); }

int Manager::port() const { return server_ ? server_->port() : 0; }

bool Manager::IsLeader() const { return leading_; }

bool Manager::Ready() const {
  if (!synced_) {
    return false;
  }
  for (const auto& [name, check] : ChecksOf(/*ready=*/true)) {
    try {
      check();
    } catch (...) {
      return false;
    }
  }
  return true;
}

std::string Manager::identity() const { return elector_ ? elector_->identity() : std::string(); }

void Manager::Fail(const std::string& what) {
  {
    std::lock_guard lock(failure_mu_);
    if (failure_.empty()) {
      failure_ = what.empty() ? std::string("runnable failed") : what;
    }
  }
  stop_.request_stop();
}

void Manager::Lead(std::stop_token stop) {
  std::vector<Runnable*> leader_only;
  for (const auto& r : runnables_) {
    if (r->NeedLeaderElection()) {
      leader_only.push_back(r.get());
    }
  }
  log_.Info("Became leader, starting leader-only runnables", {{"count", leader_only.size()}});
  Group group(log_, [this](const std::string& what) { Fail(what); });
  leading_ = true;
  group.Start(leader_only);
  Wait(stop);
  // Leadership ended (lost, or the manager stops): stop the controllers before the elector
  // releases or gives up the Lease, so no two processes reconcile at once.
  if (!group.StopAndWait(ShutdownDeadline())) {
    timed_out_ = true;
  }
  leading_ = false;
}

std::chrono::steady_clock::time_point Manager::ShutdownDeadline() {
  // One graceful-shutdown budget for every group, counted from the first group that stops.
  std::lock_guard lock(failure_mu_);
  if (!shutdown_deadline_) {
    shutdown_deadline_ = std::chrono::steady_clock::now() + options_.graceful_shutdown_timeout;
  }
  return *shutdown_deadline_;
}

bool Manager::Wait(std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  return cv.wait(lock, stop, [] { return false; });
}

ManagerResult Manager::Run(std::stop_token stop) {
  if (running_.exchange(true)) {
    throw Error(ErrorCode::kInvalidArgument, "Manager::Run called twice");
  }
  const std::stop_callback forward(stop, [this] { stop_.request_stop(); });
  const std::stop_token token = stop_.get_token();
  log_.Info("Starting manager", {{"port", port()}, {"leaderElection", elector_ != nullptr}});

  std::atomic<bool> lost{false};
  {
    Group others(log_, [this](const std::string& what) { Fail(what); });
    std::jthread election;
    cache_.Start();
    if (!cache_.WaitForCacheSync(token, options_.cache_sync_timeout)) {
      if (!token.stop_requested()) {
        log_.Error("Timed out waiting for caches to sync",
                   {{"timeout", fmt::format("{}ms", options_.cache_sync_timeout.count())}});
        Fail("timed out waiting for caches to sync");
      }
    } else {
      synced_ = true;
      log_.Info("Caches synced");
      std::vector<Runnable*> rest;
      for (const auto& r : runnables_) {
        if (!r->NeedLeaderElection()) {
          rest.push_back(r.get());
        }
      }
      others.Start(rest);
      if (elector_) {
        election = std::jthread([this, &lost](std::stop_token election_stop) {
          if (elector_->Run(election_stop) == LeaderElectionResult::kLost) {
            log_.Error("Leader election lost");
            lost = true;
            stop_.request_stop();
          }
        });
      } else {
        Lead(token);
      }
      Wait(token);
    }

    log_.Info("Stopping manager");
    const auto deadline = ShutdownDeadline();
    if (election.joinable()) {
      // Lead() stops the leader-only runnables first; then the elector releases the Lease.
      election.request_stop();
      election.join();
    }
    if (!others.StopAndWait(deadline)) {
      timed_out_ = true;
    }
  }
  cache_.Stop();
  synced_ = false;

  ManagerResult result = ManagerResult::kStopped;
  std::string failure;
  {
    std::lock_guard lock(failure_mu_);
    failure = failure_;
  }
  if (lost) {
    result = ManagerResult::kLeaderElectionLost;
  } else if (!failure.empty()) {
    result = ManagerResult::kFailed;
  } else if (timed_out_) {
    result = ManagerResult::kShutdownTimedOut;
  }
  log_.Info("Manager stopped", {{"result", ToString(result)}});
  running_ = false;
  running_.notify_all();
  return result;
}

}  // namespace gpuext::kube
