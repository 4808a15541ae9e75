// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The JSON bodies of the gpu-driver-cache HTTP API (DESIGN.md §14.3), shared by the server
// (gpuext::nodeagent::cache) and its clients (HttpCacheClient, UploadClient), so both sides
// read and write the same field names.
//
//   POST /v1/leases {"key": "kernel/580.95.05/6.12.72-cloud-amd64/open/amd64",
//                    "requester": {"node", "pool", "kernelRelease", "osVersion"}}
//   → {"state": "available"} | {"state": "granted", "build": {"id", "job"}}
//   | {"state": "held", "holder", "retryAfterSeconds", "progress": {"phase", "percent"}}
//   | {"state": "failed", "reason", "message", "retryAfter"}

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/nodeagent/artifact/manifest.h"

namespace gpuext::nodeagent::artifact {

// Who asks for a build: the node agent of one node.
struct LeaseRequester {
  std::string node = {};
  std::string pool = {};
  std::string kernel_release = {};
  std::string os_version = {};  // machine image version, picks the builder image
  friend bool operator==(const LeaseRequester&, const LeaseRequester&) = default;
};

struct LeaseRequest {
  std::string key = {};  // the key path
  LeaseRequester requester = {};
};

enum class CacheLeaseState { kAvailable, kGranted, kHeld, kFailed };
std::string_view ToString(CacheLeaseState state);  // "available", "granted", "held", "failed"

struct CacheLeaseAnswer {
  CacheLeaseState state = CacheLeaseState::kHeld;
  // granted: the build this call started.
  std::string build_id = {};
  std::string job = {};
  // held: who builds and how far it got.
  std::string holder = {};
  std::int64_t retry_after_seconds = 0;
  std::string phase = {};
  std::int64_t percent = 0;
  // failed: why, and not before when (RFC 3339) to ask again.
  std::string reason = {};
  std::string message = {};
  std::string retry_after = {};
};

// One build as GET /v1/builds/{key} reports it.
struct BuildStatus {
  std::string key = {};
  std::string phase = {};  // Pending, Running phases of the builder, Succeeded, Failed
  std::int64_t percent = 0;
  std::string holder = {};
  std::string started = {};  // RFC 3339; empty when unknown
  std::string reason = {};   // Failed only
  std::string message = {};  // Failed only: the log tail
  std::string retry_after = {};
};

// POST /v1/uploads/{id}/commit. The server re-derives `files` from the blobs and rejects a
// difference; `blobs` empty means every blob uploaded under the lease, in upload order.
struct CommitRequest {
  std::vector<std::string> blobs = {};
  std::vector<FileEntry> files = {};
  std::string vermagic = {};
  BuilderInfo builder = {};
};

// POST /v1/builds/{key}/failure (builder only, upload token): the build cannot succeed.
struct FailureReport {
  std::string reason = {};   // NoHeadersForKernel, CompileError, ...
  std::string message = {};  // log tail
};

// Encoders and strict decoders (a missing required field or a wrong type throws
// gpuext::Error(kInvalidArgument) naming the field).
[[nodiscard]] nlohmann::json ToJson(const LeaseRequest& request);
[[nodiscard]] LeaseRequest LeaseRequestFromJson(const nlohmann::json& json);
[[nodiscard]] nlohmann::json ToJson(const CacheLeaseAnswer& answer);
[[nodiscard]] CacheLeaseAnswer CacheLeaseAnswerFromJson(const nlohmann::json& json);
[[nodiscard]] nlohmann::json ToJson(const BuildStatus& status);
[[nodiscard]] BuildStatus BuildStatusFromJson(const nlohmann::json& json);
[[nodiscard]] nlohmann::json ToJson(const CommitRequest& request);
[[nodiscard]] CommitRequest CommitRequestFromJson(const nlohmann::json& json);
[[nodiscard]] nlohmann::json ToJson(const FailureReport& report);
[[nodiscard]] FailureReport FailureReportFromJson(const nlohmann::json& json);

}  // namespace gpuext::nodeagent::artifact
