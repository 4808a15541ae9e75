// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The extension heartbeat (DESIGN.md §7), as gardener's extensions/pkg/controller/heartbeat
// keeps it: Lease `gardener-extension-heartbeat` in the extension's namespace with
// holderIdentity = the extension name, leaseDurationSeconds = the renew interval and
// renewTime = now (MicroTime). gardenlet reads it to tell whether the extension is alive.
//
//   Heartbeat heartbeat(seed, clock, {.extension_name = "gardener-extension-gpu",
//                                     .ns = "extension-gpu-abc"}, log);
//   std::jthread loop([&](std::stop_token stop) { heartbeat.Run(stop); });
//
// Like gardener, the Lease is renewed four times per interval (every 7.5 s for the default
// 30 s), so a lagging renewal never lets renewTime + leaseDurationSeconds pass.

#include <chrono>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"
#include "gpuext/logger.h"

namespace gpuext::gardener {

inline constexpr const char* kHeartbeatLeaseName = "gardener-extension-heartbeat";

struct HeartbeatOptions {
  std::string extension_name = {};  // holderIdentity
  std::string ns = {};              // --heartbeat-namespace: where the extension runs
  // --heartbeat-renew-interval-seconds; written as leaseDurationSeconds.
  std::chrono::seconds renew_interval = std::chrono::seconds(30);
  // How often Run renews; zero means renew_interval / 4 (gardener's choice).
  std::chrono::steady_clock::duration renew_period = std::chrono::steady_clock::duration::zero();
};

class Heartbeat {
 public:
  // `client` and `clock` must outlive the Heartbeat.
  Heartbeat(kube::Client& client, Clock& clock, HeartbeatOptions options, Logger log);

  // Creates the Lease or updates its spec (holderIdentity, leaseDurationSeconds, renewTime);
  // other fields and metadata stay. Conflicts (a concurrent writer, a create race) are retried
  // with a fresh read. Returns the stored Lease; throws kube::ApiError/gpuext::Error otherwise.
  nlohmann::json RenewOnce();

  // Renews at once and then every renew period until `stop`; a failed renewal is logged and
  // retried at the next period (the loop never ends on an error).
  void Run(std::stop_token stop);

  // The period Run waits between renewals.
  [[nodiscard]] std::chrono::steady_clock::duration RenewPeriod() const;

 private:
  kube::Client& client_;
  Clock& clock_;
  const HeartbeatOptions options_;
  const Logger log_;
};

}  // namespace gpuext::gardener
