// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The elector's loops: acquire, lead (renew), stop. The Lease record itself is in
// leader_election_record.cpp.
#include "gpuext/kube/leader_election.h"

#include <thread>

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::kube {

namespace {

LeaderElectionOptions Validated(LeaderElectionOptions options) {
  if (options.lease_name.empty() || options.lease_namespace.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "leader election needs a lease name and namespace");
  }
  if (options.identity.empty()) {
    options.identity = DefaultLeaderIdentity();
  }
  using Millis = std::chrono::duration<double, std::milli>;
  if (options.retry_period <= std::chrono::milliseconds::zero() ||
      options.lease_duration <= options.renew_deadline ||
      Millis(options.renew_deadline) <= Millis(options.retry_period) * options.jitter_factor ||
      options.jitter_factor < 0) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("leader election needs lease duration ({}s) > renew deadline ({}ms) "
                            "> jitter factor ({}) x retry period ({}ms) > 0",
                            options.lease_duration.count(), options.renew_deadline.count(),
                            options.jitter_factor, options.retry_period.count()));
  }
  return options;
}

}  // namespace

LeaderElector::LeaderElector(Client& client, Clock& clock, LeaderElectionOptions options)
    : client_(client),
      clock_(clock),
      options_(Validated(std::move(options))),
      log_(Logger::Root()
               .WithName("leader-election")
               .WithValues({
                   {"lease", options_.lease_namespace + "/" + options_.lease_name},
                   {"identity", options_.identity},
               })),
      leader_status_(
          (options_.registry != nullptr ? *options_.registry : metrics::Registry::Default())
              .Gauges("leader_election_master_status",
                      "1 while this process holds the lease named by the label, "
                      "0 otherwise.",
                      {"name"})
              .WithLabelValues({options_.lease_name})),
      random_(std::random_device{}()) {}

LeaderElectionResult LeaderElector::Run(std::stop_token stop) {
  if (!Acquire(stop)) {
    return LeaderElectionResult::kStopped;
  }
  LeaderElectionResult result = LeaderElectionResult::kStopped;
  Lead(stop, result);
  return result;
}

bool LeaderElector::Acquire(std::stop_token stop) {
  log_.Info("Trying to acquire the lease");
  while (!stop.stop_requested()) {
    const bool acquired = TryAcquireOrRenew();
    ReportTransition();
    if (acquired) {
      log_.Info("Acquired the lease");
      return true;
    }
    if (!clock_.SleepFor(JitteredRetry(), stop)) {
      break;
    }
  }
  return false;
}

void LeaderElector::Lead(std::stop_token stop, LeaderElectionResult& result) {
  leader_status_.Set(1);
  std::stop_source leading;
  std::jthread work;
  if (options_.callbacks.on_started_leading) {
    work = std::jthread([this, token = leading.get_token()] {
      // Boundary of the leading thread (STYLE.md §6): an escaping exception would terminate.
      try {
        options_.callbacks.on_started_leading(token);
      } catch (const std::exception& e) {
        log_.Error(e, "OnStartedLeading failed");
      } catch (...) {
        log_.Error("OnStartedLeading failed with an unknown exception");
      }
    });
  }
  const bool stopped = Renew(stop);
  result = stopped ? LeaderElectionResult::kStopped : LeaderElectionResult::kLost;
  if (!stopped) {
    log_.Error("Failed to renew the lease within the renew deadline; leadership lost");
  }
  // The guarded work must end before the lease is released, or two processes could act at
  // once (the warning on client-go's ReleaseOnCancel).
  leading.request_stop();
  if (work.joinable()) {
    work.join();
  }
  if (options_.release_on_cancel) {
    Release();
  }
  leader_status_.Set(0);
  if (options_.callbacks.on_stopped_leading) {
    options_.callbacks.on_stopped_leading();
  }
}

bool LeaderElector::Renew(std::stop_token stop) {
  while (RenewWithinDeadline(stop)) {
    if (!clock_.SleepFor(options_.retry_period, stop)) {
      return true;
    }
  }
  return stop.stop_requested();
}

bool LeaderElector::RenewWithinDeadline(std::stop_token stop) {
  const auto deadline = clock_.SteadyNow() + options_.renew_deadline;
  while (!stop.stop_requested()) {
    const bool renewed = TryAcquireOrRenew();
    ReportTransition();
    if (renewed) {
      return true;
    }
    if (!clock_.SleepFor(options_.retry_period, stop) || clock_.SteadyNow() >= deadline) {
      return false;
    }
  }
  return false;
}

void LeaderElector::ReportTransition() {
  const std::string holder = leader();
  if (holder.empty() || holder == reported_leader_) {
    return;
  }
  reported_leader_ = holder;
  log_.Info("New leader observed", {{"leader", holder}});
  if (options_.callbacks.on_new_leader) {
    options_.callbacks.on_new_leader(holder);
  }
}

std::chrono::steady_clock::duration LeaderElector::JitteredRetry() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double factor = 1.0 + unit(random_) * options_.jitter_factor;
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double, std::milli>(options_.retry_period) * factor);
}

}  // namespace gpuext::kube
