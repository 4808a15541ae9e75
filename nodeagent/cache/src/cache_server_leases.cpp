// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// CacheServer leases (DESIGN.md §14.4): exactly one build per key, heartbeats, failures, and
// the build status the agents poll.
#include <fmt/format.h>

#include "cache_server_impl.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::cache {

namespace {

using artifact::CacheLeaseAnswer;
using artifact::CacheLeaseState;
using nlohmann::json;

std::string CacheLeasesBearer(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
    return {};
  }
  return header.substr(kBearer.size());
}

// A failure message is a log tail: keep its end.
std::string CacheLeasesTail(const std::string& text, std::size_t max = 16384) {
  return text.size() <= max ? text : text.substr(text.size() - max);
}

}  // namespace

int CacheServer::Impl::ActiveBuilds() {
  const auto now = deps.clock.Now();
  std::lock_guard lock(builds_mutex);
  int active = 0;
  for (auto& [path, record] : builds) {
    if (!record.active) {
      continue;
    }
    const auto lease = deps.store.GetLease(artifact::ArtifactKey::Parse(path));
    if (!lease || lease->id != record.lease_id || lease->expires <= now) {
      // Released elsewhere, taken over, or the builder stopped heartbeating.
      record.active = false;
      record.phase = "Abandoned";
      continue;
    }
    ++active;
  }
  return active;
}

void CacheServer::Impl::FinishBuild(const std::string& key, const std::string& lease_id,
                                    bool succeeded, const std::string& reason,
                                    const std::string& message) {
  std::lock_guard lock(builds_mutex);
  CacheBuildRecord& record = builds[key];
  if (record.key.empty() || record.lease_id != lease_id) {
    record = CacheBuildRecord{.key = key, .lease_id = lease_id};
    record.started = deps.clock.Now();
    record.started_steady = deps.clock.SteadyNow();
  }
  record.active = false;
  record.phase = succeeded ? "Succeeded" : "Failed";
  record.percent = succeeded ? 100 : record.percent;
  record.reason = reason;
  record.message = message;
  builds_total.WithLabelValues({succeeded ? "succeeded" : "failed"}).Inc();
  if (succeeded) {
    build_duration.WithLabelValues({}).Observe(
        std::chrono::duration<double>(deps.clock.SteadyNow() - record.started_steady).count());
  }
}

void CacheServer::Impl::Authenticate(const httplib::Request& req) {
  const std::string token = CacheLeasesBearer(req);
  if (token.empty()) {
    throw CacheHttpError(401,
                         "a bearer token is required: the projected ServiceAccount token of "
                         "gpu-node-agent with audience gpu-driver-cache");
  }
  if (!deps.authenticator.Authenticate(token)) {
    throw CacheHttpError(401,
                         "the bearer token was not accepted: only the ServiceAccount "
                         "gpu-node-agent/gpu-node-agent (audience gpu-driver-cache) may request "
                         "builds");
  }
}

void CacheServer::Impl::PostPrebuild(const httplib::Request& req, httplib::Response& res) {
  Authenticate(req);
  const json body = json::parse(req.body);
  if (!body.is_object()) {
    throw CacheHttpError(400, "prebuild: the body must be a JSON object");
  }
  const std::string driver = body.value("driverVersion", std::string());
  const std::string kernel = body.value("kernelRelease", std::string());
  const std::string type = body.value("moduleType", std::string("open"));
  const std::string arch = body.value("arch", std::string("amd64"));
  if (kernel.empty()) {
    throw CacheHttpError(400,
                         "prebuild: kernelRelease is required (prebuilds by osVersion alone are "
                         "not supported by this server yet)");
  }
  std::string path = fmt::format("kernel/{}/{}/{}/{}", driver, kernel, type, arch);
  artifact::LeaseRequest request{
      .key = path,
      .requester = {.node = "prebuild",
                    .pool = body.value("pool", std::string()),
                    .kernel_release = kernel,
                    .os_version = body.value("osVersion", std::string())}};
  WriteJson(res, 200, artifact::ToJson(DecideLease(request)));
}

void CacheServer::Impl::PostLease(const httplib::Request& req, httplib::Response& res) {
  Authenticate(req);
  artifact::LeaseRequest request;
  try {
    request = artifact::LeaseRequestFromJson(json::parse(req.body));
  } catch (const Error& e) {
    throw CacheHttpError(400, e.what());
  }
  WriteJson(res, 200, artifact::ToJson(DecideLease(request)));
}

CacheLeaseAnswer CacheServer::Impl::DecideLease(const artifact::LeaseRequest& request) {
  artifact::ArtifactKey key;
  try {
    key = artifact::ArtifactKey::Parse(request.key);
  } catch (const Error& e) {
    throw CacheHttpError(400, e.what());
  }
  const auto now = deps.clock.Now();
  if (deps.store.ManifestExists(key)) {
    requests.WithLabelValues({"lease", "hit"}).Inc();
    return {.state = CacheLeaseState::kAvailable};
  }
  requests.WithLabelValues({"lease", "miss"}).Inc();
  if (const auto failure = deps.store.ActiveFailure(key)) {
    return {.state = CacheLeaseState::kFailed,
            .reason = failure->reason,
            .message = failure->message,
            .retry_after = FormatRfc3339(failure->retry_after)};
  }
  if (deps.launcher == nullptr) {
    return {.state = CacheLeaseState::kFailed,
            .reason = "BuildsDisabled",
            .message =
                "this cache does not build (builds.enabled is false); publish the "
                "artifact into the cache's store, or enable builds",
            .retry_after = FormatRfc3339(now + std::chrono::hours(1))};
  }
  if (std::string why = deps.launcher->CannotBuild(key); !why.empty()) {
    return {.state = CacheLeaseState::kFailed,
            .reason = "NoBuildSource",
            .message = std::move(why),
            .retry_after = FormatRfc3339(now + std::chrono::minutes(10))};
  }
  const auto held = [&](const artifact::Lease& lease) {
    CacheLeaseAnswer a{.state = CacheLeaseState::kHeld,
                       .holder = lease.holder,
                       .retry_after_seconds = options.held_retry_after_seconds,
                       .phase = lease.phase};
    std::lock_guard lock(builds_mutex);
    if (const auto it = builds.find(key.Path());
        it != builds.end() && it->second.lease_id == lease.id) {
      a.percent = it->second.percent;
    }
    return a;
  };
  if (const auto current = deps.store.GetLease(key); current && current->expires > now) {
    return held(*current);
  }

  const std::string job = BuildJobName(key);
  artifact::LeaseAnswer acquired;
  {
    std::lock_guard lock(lease_mutex);
    if (ActiveBuilds() >= options.max_concurrent_builds) {
      return {.state = CacheLeaseState::kHeld,
              .holder = "queued",
              .retry_after_seconds = 3 * options.held_retry_after_seconds,
              .phase = "Queued"};
    }
    acquired = deps.store.AcquireLease(
        key, options.cluster.empty() ? job : options.cluster + "/" + job, options.lease_ttl);
    if (acquired.state == artifact::LeaseState::kHeld) {
      return held(acquired.lease);
    }
    std::lock_guard builds_lock(builds_mutex);
    builds[key.Path()] = CacheBuildRecord{.key = key.Path(),
                                          .lease_id = acquired.lease.id,
                                          .job = job,
                                          .holder = acquired.lease.holder,
                                          .phase = "Pending",
                                          .percent = 0,
                                          .started = now,
                                          .started_steady = deps.clock.SteadyNow()};
  }
  const artifact::Lease& lease = acquired.lease;
  BuildRequest build{
      .key = key,
      .lease = lease,
      .job_name = job,
      .upload_url = options.public_url + "/v1/uploads/" + lease.id,
      .token = deps.tokens.Issue(
          {.lease_id = lease.id, .key = key.Path(), .expires = now + options.token_validity}),
      .requester = request.requester,
      .took_over_expired = acquired.took_over_expired};
  try {
    deps.launcher->Launch(build);
  } catch (const std::exception&) {
    (void)deps.store.ReleaseLease(key, lease.id);
    {
      std::lock_guard lock(builds_mutex);
      builds.erase(key.Path());
    }
    std::throw_with_nested(Error(ErrorCode::kRetryableInfraDependencies,
                                 fmt::format("starting the build of {} failed", key.Path())));
  }
  log.Info("Build started", {{"key", key.Path()},
                             {"job", job},
                             {"lease", lease.id},
                             {"node", request.requester.node},
                             {"tookOver", acquired.took_over_expired}});
  return {.state = CacheLeaseState::kGranted, .build_id = lease.id, .job = job};
}

void CacheServer::Impl::Heartbeat(const httplib::Request& req, httplib::Response& res) {
  const std::string lease_id = req.matches[1];
  const UploadClaims claims = CheckUploadToken(req, lease_id, 409);
  const artifact::ArtifactKey key = artifact::ArtifactKey::Parse(claims.key);
  const json body = json::parse(req.body.empty() ? "{}" : req.body);
  const std::string phase = body.value("phase", std::string("Running"));
  const std::int64_t percent = std::clamp<std::int64_t>(body.value("percent", 0), 0, 100);
  const auto renewed = deps.store.RenewLease(key, lease_id, phase, options.lease_ttl);
  if (!renewed) {
    throw CacheHttpError(
        409, fmt::format("the lease of {} is no longer held by this build; stop", key.Path()));
  }
  {
    std::lock_guard lock(builds_mutex);
    CacheBuildRecord& record = builds[key.Path()];
    if (record.lease_id != lease_id) {
      // A build started before this server's restart.
      record = CacheBuildRecord{.key = key.Path(),
                                .lease_id = lease_id,
                                .job = {},
                                .holder = renewed->holder,
                                .phase = phase,
                                .percent = percent,
                                .started = renewed->created,
                                .started_steady = deps.clock.SteadyNow()};
    }
    record.phase = phase;
    record.percent = percent;
  }
  WriteJson(res, 200, {{"expires", FormatRfc3339(renewed->expires)}});
}

void CacheServer::Impl::ReportFailure(const httplib::Request& req, httplib::Response& res) {
  const artifact::ArtifactKey key = artifact::ArtifactKey::Parse(req.matches[1].str());
  const TokenCheck check = deps.tokens.Verify(CacheLeasesBearer(req), deps.clock.Now());
  if (check.claims.lease_id.empty()) {
    throw CacheHttpError(401, "an upload token is required");
  }
  const UploadClaims claims = CheckUploadToken(req, check.claims.lease_id, 403);
  if (claims.key != key.Path()) {
    throw CacheHttpError(403, "the upload token belongs to another key");
  }
  const artifact::FailureReport report = artifact::FailureReportFromJson(json::parse(req.body));
  const std::string message = CacheLeasesTail(report.message);
  const artifact::FailureRecord record = deps.store.RecordFailure(key, report.reason, message);
  (void)deps.store.ReleaseLease(key, claims.lease_id);
  FinishBuild(key.Path(), claims.lease_id, false, report.reason, message);
  log.Info("Build failed", {{"key", key.Path()},
                            {"reason", report.reason},
                            {"attempts", record.attempts},
                            {"retryAfter", FormatRfc3339(record.retry_after)}});
  WriteJson(res, 200,
            {{"reason", record.reason}, {"retryAfter", FormatRfc3339(record.retry_after)}});
}

std::optional<artifact::BuildStatus> CacheServer::Impl::BuildStatusOf(
    const artifact::ArtifactKey& key) {
  const std::string path = key.Path();
  std::optional<CacheBuildRecord> record;
  {
    std::lock_guard lock(builds_mutex);
    if (const auto it = builds.find(path); it != builds.end()) {
      record = it->second;
    }
  }
  artifact::BuildStatus status{.key = path};
  if (record) {
    status.started = FormatRfc3339(record->started);
    status.holder = record->holder;
  }
  const auto now = deps.clock.Now();
  if (const auto lease = deps.store.GetLease(key); lease && lease->expires > now) {
    status.phase = lease->phase;
    status.holder = lease->holder;
    status.started = FormatRfc3339(lease->created);
    status.percent = record && record->lease_id == lease->id ? record->percent : 0;
    return status;
  }
  if (deps.store.ManifestExists(key)) {
    status.phase = "Succeeded";
    status.percent = 100;
    return status;
  }
  if (const auto failure = deps.store.ActiveFailure(key)) {
    status.phase = "Failed";
    status.reason = failure->reason;
    status.message = failure->message;
    status.retry_after = FormatRfc3339(failure->retry_after);
    return status;
  }
  if (record) {
    status.phase = record->phase == "Succeeded" || !record->active ? record->phase : "Abandoned";
    status.percent = record->percent;
    status.reason = record->reason;
    status.message = record->message;
    return status;
  }
  return std::nullopt;
}

}  // namespace gpuext::nodeagent::cache
