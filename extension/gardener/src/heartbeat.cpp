// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/heartbeat.h"

#include <utility>

#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/leader_election.h"
#include "gpuext/kube/patch.h"
#include "gpuext/time_format.h"

namespace gpuext::gardener {

using nlohmann::json;

Heartbeat::Heartbeat(kube::Client& client, Clock& clock, HeartbeatOptions options, Logger log)
    : client_(client), clock_(clock), options_(std::move(options)), log_(std::move(log)) {
  if (options_.extension_name.empty() || options_.ns.empty() ||
      options_.renew_interval <= std::chrono::seconds::zero()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "heartbeat: extension name, namespace and a positive renew interval are required");
  }
}

std::chrono::steady_clock::duration Heartbeat::RenewPeriod() const {
  if (options_.renew_period > std::chrono::steady_clock::duration::zero()) {
    return options_.renew_period;
  }
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.renew_interval) /
         4;
}

json Heartbeat::RenewOnce() {
  const kube::ObjectKey key{.ns = options_.ns, .name = kHeartbeatLeaseName};
  return kube::RetryOnConflict(
      [&]() -> json {
        const json spec = {{"holderIdentity", options_.extension_name},
                           {"leaseDurationSeconds", options_.renew_interval.count()},
                           {"renewTime", FormatRfc3339Micro(clock_.Now())}};
        auto lease = client_.Get(kube::kLeases, key);
        if (!lease) {
          const json fresh = {{"apiVersion", "coordination.k8s.io/v1"},
                              {"kind", "Lease"},
                              {"metadata", {{"name", key.name}, {"namespace", key.ns}}},
                              {"spec", spec}};
          try {
            return client_.Create(kube::kLeases, fresh);
          } catch (const kube::ApiError& e) {
            if (!kube::IsAlreadyExists(e)) {
              throw;
            }
            // Created by another replica in between: read it again and update.
            throw kube::ApiError(409, "Conflict", e.what());
          }
        }
        for (const auto& [field, value] : spec.items()) {
          (*lease)["spec"][field] = value;
        }
        return client_.Update(kube::kLeases, *lease);
      },
      {}, clock_);
}

void Heartbeat::Run(std::stop_token stop) {
  log_.Info("Starting heartbeat", {{"namespace", options_.ns}, {"lease", kHeartbeatLeaseName}});
  while (!stop.stop_requested()) {
    try {
      RenewOnce();
      log_.Debug("Renewed heartbeat lease");
    } catch (const std::exception& e) {
      log_.Error(e, "Renewing the heartbeat lease failed; retrying at the next period");
    }
    if (!clock_.SleepFor(RenewPeriod(), stop)) {
      break;
    }
  }
}

}  // namespace gpuext::gardener
