// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Step 5 of the node agent on a miss (DESIGN.md §13.3, §14.3): the cache server is asked for a
// build lease, so N nodes on one kernel cost one compile. The first asker gets "granted" (the
// server starts the builder Job), the others "held" with the build's progress; every node waits
// in phase WaitingForBuild and looks again after a short, growing, jittered delay.
#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "agent_impl.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent {

namespace {

std::string AgentBuildMissingMessage(const std::string& label, const std::string& detail) {
  return fmt::format(
      "no source holds {} ({}); the cache builds it on request, or upload it with `kubectl gpu "
      "cache`",
      label, detail.empty() ? "no sources configured" : detail);
}

// "held by build-1a2b3c4d5e (compile 40%)" or "" when the answer names neither.
std::string AgentBuildProgressText(const artifact::CacheLeaseAnswer& answer) {
  std::string out;
  if (!answer.holder.empty()) {
    out = "held by " + answer.holder;
  }
  if (!answer.phase.empty()) {
    out += fmt::format("{}({} {}%)", out.empty() ? "" : " ", answer.phase, answer.percent);
  }
  return out;
}

}  // namespace

std::chrono::seconds Agent::Impl::BuildWaitRetry() {
  const auto first = std::max<std::int64_t>(options.build_wait_first.count(), 1);
  const auto cap = std::max<std::int64_t>(options.build_wait_max.count(), first);
  std::int64_t base = first;
  for (int i = 1; i < build_waits && base < cap; ++i) {
    base *= 2;
  }
  base = std::min(base, cap);
  // ±20%, at least one second.
  std::uniform_int_distribution<std::int64_t> spread(-base / 5, base / 5);
  return std::chrono::seconds(std::max<std::int64_t>(base + spread(jitter), 1));
}

void Agent::Impl::RequestBuild(const artifact::ArtifactKey& key, const std::string& label,
                               const std::string& missing_detail) {
  const auto builder = std::find_if(env.sources.begin(), env.sources.end(),
                                    [](const AgentSource& s) { return bool(s.request_build); });
  if (builder == env.sources.end()) {
    throw AgentArtifactMissing(AgentBuildMissingMessage(label, missing_detail));
  }
  const std::string path = key.Path();
  const auto now = env.clock->Now();
  // A failed build is not asked for again before the server's retryAfter: the answer would be
  // the same failure, and the server counts the backoff, not the agent.
  if (const auto known = build_failures.find(path); known != build_failures.end()) {
    if (now < known->second.retry_at) {
      throw AgentBuildFailed(known->second.reason, known->second.message,
                             std::chrono::ceil<std::chrono::seconds>(known->second.retry_at - now));
    }
    build_failures.erase(known);
  }

  artifact::CacheLeaseAnswer answer;
  try {
    answer = builder->request_build(key, lease_requester);
  } catch (const std::exception& e) {
    options.logger.Error(e, "Cannot ask the cache server for a build",
                         {{"source", builder->name}, {"key", path}});
    throw AgentArtifactMissing(AgentBuildMissingMessage(label, missing_detail) + "; asking " +
                               builder->name + " for a build failed: " + DescribeException(e));
  }
  const LogFields fields = {{"source", builder->name},
                            {"key", path},
                            {"state", artifact::ToString(answer.state)},
                            {"holder", answer.holder},
                            {"job", answer.job}};
  switch (answer.state) {
    case artifact::CacheLeaseState::kAvailable:
      options.logger.Info("The cache server holds the part now; fetching", fields);
      return;
    case artifact::CacheLeaseState::kGranted:
    case artifact::CacheLeaseState::kHeld: {
      ++build_waits;
      options.logger.Info("Waiting for the cache server to build a part", fields);
      const std::string progress = AgentBuildProgressText(answer);
      const std::string message =
          answer.state == artifact::CacheLeaseState::kGranted
              ? fmt::format("{} builds {}: build {} started{}", builder->name, label,
                            answer.job.empty() ? answer.build_id : answer.job,
                            progress.empty() ? "" : ", " + progress)
              : fmt::format("{} builds {}{}", builder->name, label,
                            progress.empty() ? "" : ": " + progress);
      throw AgentWaitingForBuild(message);
    }
    case artifact::CacheLeaseState::kFailed: {
      const auto retry_at = ParseRfc3339(answer.retry_after);
      const auto retry_in = retry_at && *retry_at > now
                                ? std::chrono::ceil<std::chrono::seconds>(*retry_at - now)
                                : options.artifact_missing_retry;
      const std::string reason = answer.reason.empty() ? "BuildFailed" : answer.reason;
      const std::string message =
          fmt::format("{}: the build of {} failed: {}: {}; the cache builds it again after {}",
                      builder->name, label, reason, answer.message,
                      answer.retry_after.empty() ? "a while" : answer.retry_after);
      build_failures[path] = {.reason = reason, .message = message, .retry_at = now + retry_in};
      options.logger.Info("The cache server's build failed", fields);
      throw AgentBuildFailed(reason, message, retry_in);
    }
  }
}

}  // namespace gpuext::nodeagent
