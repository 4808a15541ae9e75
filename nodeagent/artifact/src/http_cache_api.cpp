// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/http_cache_api.h"

#include <exception>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"

namespace gpuext::nodeagent::artifact {

namespace {

using nlohmann::json;

[[noreturn]] void HttpCacheApiInvalid(std::string_view what, std::string_view field,
                                      std::string_view message) {
  throw Error(ErrorCode::kInvalidArgument, fmt::format("{}: {}: {}", what, field, message));
}

const json& HttpCacheApiObject(const json& value, std::string_view what) {
  if (!value.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("{}: must be a JSON object", what));
  }
  return value;
}

std::string HttpCacheApiString(const json& object, const char* name, bool required,
                               std::string_view what) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) {
      HttpCacheApiInvalid(what, name, "is required");
    }
    return {};
  }
  if (!it->is_string()) {
    HttpCacheApiInvalid(what, name, "must be a string");
  }
  return it->get<std::string>();
}

std::int64_t HttpCacheApiInteger(const json& object, const char* name, std::string_view what) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    return 0;
  }
  if (!it->is_number_integer()) {
    HttpCacheApiInvalid(what, name, "must be an integer");
  }
  return it->get<std::int64_t>();
}

// Commit bodies carry manifest pieces (files, builder); they are checked by the manifest's own
// strict decoder inside a placeholder manifest, so both agree on every rule.
constexpr std::string_view kHttpCacheApiPlaceholderKey = "userspace/580.95.05/amd64";

}  // namespace

std::string_view ToString(CacheLeaseState state) {
  switch (state) {
    case CacheLeaseState::kAvailable:
      return "available";
    case CacheLeaseState::kGranted:
      return "granted";
    case CacheLeaseState::kHeld:
      return "held";
    case CacheLeaseState::kFailed:
      return "failed";
  }
  return "held";
}

json ToJson(const LeaseRequest& request) {
  return {{"key", request.key},
          {"requester",
           {{"node", request.requester.node},
            {"pool", request.requester.pool},
            {"kernelRelease", request.requester.kernel_release},
            {"osVersion", request.requester.os_version}}}};
}

LeaseRequest LeaseRequestFromJson(const json& value) {
  constexpr std::string_view kWhat = "lease request";
  HttpCacheApiObject(value, kWhat);
  LeaseRequest r;
  r.key = HttpCacheApiString(value, "key", true, kWhat);
  if (const auto it = value.find("requester"); it != value.end() && !it->is_null()) {
    HttpCacheApiObject(*it, "lease request: requester");
    r.requester.node = HttpCacheApiString(*it, "node", false, "lease request: requester");
    r.requester.pool = HttpCacheApiString(*it, "pool", false, "lease request: requester");
    r.requester.kernel_release =
        HttpCacheApiString(*it, "kernelRelease", false, "lease request: requester");
    r.requester.os_version =
        HttpCacheApiString(*it, "osVersion", false, "lease request: requester");
  }
  return r;
}

json ToJson(const CacheLeaseAnswer& a) {
  json out = {{"state", std::string(ToString(a.state))}};
  switch (a.state) {
    case CacheLeaseState::kAvailable:
      break;
    case CacheLeaseState::kGranted:
      out["build"] = {{"id", a.build_id}, {"job", a.job}};
      break;
    case CacheLeaseState::kHeld:
      out["holder"] = a.holder;
      out["retryAfterSeconds"] = a.retry_after_seconds;
      out["progress"] = {{"phase", a.phase}, {"percent", a.percent}};
      break;
    case CacheLeaseState::kFailed:
      out["reason"] = a.reason;
      out["message"] = a.message;
      out["retryAfter"] = a.retry_after;
      break;
  }
  return out;
}

CacheLeaseAnswer CacheLeaseAnswerFromJson(const json& value) {
  constexpr std::string_view kWhat = "lease answer";
  HttpCacheApiObject(value, kWhat);
  CacheLeaseAnswer a;
  const std::string state = HttpCacheApiString(value, "state", true, kWhat);
  if (state == "available") {
    a.state = CacheLeaseState::kAvailable;
  } else if (state == "granted") {
    a.state = CacheLeaseState::kGranted;
    const auto it = value.find("build");
    if (it == value.end()) {
      HttpCacheApiInvalid(kWhat, "build", "is required for state granted");
    }
    HttpCacheApiObject(*it, "lease answer: build");
    a.build_id = HttpCacheApiString(*it, "id", true, "lease answer: build");
    a.job = HttpCacheApiString(*it, "job", false, "lease answer: build");
  } else if (state == "held") {
    a.state = CacheLeaseState::kHeld;
    a.holder = HttpCacheApiString(value, "holder", false, kWhat);
    a.retry_after_seconds = HttpCacheApiInteger(value, "retryAfterSeconds", kWhat);
    if (const auto it = value.find("progress"); it != value.end() && it->is_object()) {
      a.phase = HttpCacheApiString(*it, "phase", false, "lease answer: progress");
      a.percent = HttpCacheApiInteger(*it, "percent", "lease answer: progress");
    }
  } else if (state == "failed") {
    a.state = CacheLeaseState::kFailed;
    a.reason = HttpCacheApiString(value, "reason", false, kWhat);
    a.message = HttpCacheApiString(value, "message", false, kWhat);
    a.retry_after = HttpCacheApiString(value, "retryAfter", false, kWhat);
  } else {
    HttpCacheApiInvalid(kWhat, "state",
                        fmt::format("\"{}\" is none of available, granted, held, failed", state));
  }
  return a;
}

json ToJson(const BuildStatus& s) {
  json out = {{"key", s.key}, {"phase", s.phase}, {"percent", s.percent}};
  if (!s.holder.empty()) {
    out["holder"] = s.holder;
  }
  if (!s.started.empty()) {
    out["started"] = s.started;
  }
  if (!s.reason.empty()) {
    out["reason"] = s.reason;
  }
  if (!s.message.empty()) {
    out["message"] = s.message;
  }
  if (!s.retry_after.empty()) {
    out["retryAfter"] = s.retry_after;
  }
  return out;
}

BuildStatus BuildStatusFromJson(const json& value) {
  constexpr std::string_view kWhat = "build status";
  HttpCacheApiObject(value, kWhat);
  BuildStatus s;
  s.key = HttpCacheApiString(value, "key", true, kWhat);
  s.phase = HttpCacheApiString(value, "phase", true, kWhat);
  s.percent = HttpCacheApiInteger(value, "percent", kWhat);
  s.holder = HttpCacheApiString(value, "holder", false, kWhat);
  s.started = HttpCacheApiString(value, "started", false, kWhat);
  s.reason = HttpCacheApiString(value, "reason", false, kWhat);
  s.message = HttpCacheApiString(value, "message", false, kWhat);
  s.retry_after = HttpCacheApiString(value, "retryAfter", false, kWhat);
  return s;
}

json ToJson(const CommitRequest& request) {
  ArtifactManifest pieces;
  pieces.key = ArtifactKey::Parse(kHttpCacheApiPlaceholderKey);
  pieces.files = request.files;
  pieces.builder = request.builder;
  const json encoded = ManifestToJson(pieces);
  json out = {
      {"blobs", request.blobs}, {"files", encoded.at("files")}, {"builder", encoded.at("builder")}};
  if (!request.vermagic.empty()) {
    out["vermagic"] = request.vermagic;
  }
  return out;
}

CommitRequest CommitRequestFromJson(const json& value) {
  constexpr std::string_view kWhat = "commit";
  HttpCacheApiObject(value, kWhat);
  CommitRequest r;
  if (const auto it = value.find("blobs"); it != value.end() && !it->is_null()) {
    if (!it->is_array()) {
      HttpCacheApiInvalid(kWhat, "blobs", "must be an array of digests");
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& d = (*it)[i];
      if (!d.is_string() || !IsSha256Digest(d.get<std::string>())) {
        HttpCacheApiInvalid(kWhat, fmt::format("blobs[{}]", i),
                            "must be sha256:<64 lower-case hex>");
      }
      r.blobs.push_back(d.get<std::string>());
    }
  }
  r.vermagic = HttpCacheApiString(value, "vermagic", false, kWhat);
  json placeholder = {{"apiVersion", kManifestApiVersion},
                      {"kind", kManifestKind},
                      {"key", KeyToJson(ArtifactKey::Parse(kHttpCacheApiPlaceholderKey))},
                      {"created", "1970-01-01T00:00:00Z"},
                      {"builder", value.contains("builder") ? value["builder"] : json::object()},
                      {"blobs", json::array()},
                      {"files", value.contains("files") ? value["files"] : json::array()}};
  try {
    const ArtifactManifest m = ManifestFromJson(placeholder);
    r.files = m.files;
    r.builder = m.builder;
  } catch (const Error&) {
    std::throw_with_nested(Error(ErrorCode::kInvalidArgument, "commit: files or builder"));
  }
  return r;
}

json ToJson(const FailureReport& report) {
  return {{"reason", report.reason}, {"message", report.message}};
}

FailureReport FailureReportFromJson(const json& value) {
  constexpr std::string_view kWhat = "failure report";
  HttpCacheApiObject(value, kWhat);
  FailureReport r;
  r.reason = HttpCacheApiString(value, "reason", true, kWhat);
  r.message = HttpCacheApiString(value, "message", false, kWhat);
  return r;
}

}  // namespace gpuext::nodeagent::artifact
