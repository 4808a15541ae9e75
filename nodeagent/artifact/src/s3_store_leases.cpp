// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// S3BlobStore: build leases and failure records (DESIGN.md §14.4), and the conditional-write
// probe that picks the lease strategy.
#include <random>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/s3_store.h"
#include "gpuext/sha256.h"
#include "gpuext/time_format.h"
#include "lease_records.h"

namespace gpuext::nodeagent::artifact {

namespace {

using internal::FailureFromJsonText;
using internal::FailureToJsonText;
using internal::LeaseFromJsonText;
using internal::LeaseToJsonText;
using internal::RandomLeaseHex;
using nlohmann::json;

constexpr int kS3LeaseRounds = 8;

}  // namespace

std::string S3BlobStore::LeaseObject(const ArtifactKey& key) const {
  return "leases/" + key.PathSha256() + ".json";
}

std::string S3BlobStore::FailureObject(const ArtifactKey& key) const {
  return "failures/" + key.PathSha256() + ".json";
}

bool S3BlobStore::ConditionalWritesSupported() {
  std::lock_guard lock(probe_mu_);
  if (conditional_writes_) {
    return *conditional_writes_;
  }
  RequireWritable("the conditional-write probe");
  const std::string probe = "leases/probe-" + RandomLeaseHex(12) + ".json";
  bool supported = false;
  try {
    // A fresh key: the first create must succeed; a second create must be refused with 412.
    if (client_.PutObjectIfAbsent(probe, "{}")) {
      supported = !client_.PutObjectIfAbsent(probe, "{}").has_value();
    }
  } catch (const S3Error& e) {
    if (e.http_status() != 501 && e.http_status() != 400) {
      throw;  // credentials, bucket, network: not an answer about conditional writes
    }
  }
  client_.DeleteObject(probe);
  if (!supported) {
    options_.logger.Info(
        "S3 endpoint ignores conditional writes; leases fall back to put-then-read-back with "
        "jitter, so a rare duplicate build is possible",
        {{"bucket", client_.config().bucket}, {"endpoint", client_.config().endpoint}});
  }
  conditional_writes_ = supported;
  return supported;
}

LeaseAnswer S3BlobStore::AcquireLease(const ArtifactKey& key, std::string_view holder,
                                      std::chrono::seconds ttl) {
  RequireWritable("AcquireLease");
  const bool conditional = ConditionalWritesSupported();
  // A few rounds: each lost race means another holder changed the lease, which we then read.
  for (int round = 0; round < kS3LeaseRounds; ++round) {
    const auto now = clock_.Now();
    const Lease mine{.id = RandomLeaseHex(16),
                     .holder = std::string(holder),
                     .key = key.Path(),
                     .created = now,
                     .expires = now + ttl,
                     .phase = "Pending",
                     .generation = 0};
    auto answer = conditional ? AcquireConditional(key, mine) : AcquireByReadBack(key, mine);
    if (answer) {
      return *std::move(answer);
    }
  }
  throw Error(ErrorCode::kConflict,
              fmt::format("lease for {}: too much contention, try again", key.Path()));
}

std::optional<LeaseAnswer> S3BlobStore::AcquireConditional(const ArtifactKey& key,
                                                           const Lease& mine) {
  const std::string object = LeaseObject(key);
  const std::string body = LeaseToJsonText(mine);
  if (client_.PutObjectIfAbsent(object, body)) {
    return LeaseAnswer{LeaseState::kGranted, mine, false};
  }
  const auto current = client_.GetObject(object);
  if (!current) {
    return std::nullopt;  // released meanwhile
  }
  const auto lease = LeaseFromJsonText(current->body);
  // An unreadable lease cannot be renewed by anyone; treat it like an expired one.
  if (lease && lease->expires > mine.created) {
    return LeaseAnswer{LeaseState::kHeld, *lease, false};
  }
  if (client_.PutObjectIfMatch(object, body, current->etag)) {
    return LeaseAnswer{LeaseState::kGranted, mine, true};
  }
  return std::nullopt;  // someone else renewed, released or took it over first
}

std::optional<LeaseAnswer> S3BlobStore::AcquireByReadBack(const ArtifactKey& key,
                                                          const Lease& mine) {
  const std::string object = LeaseObject(key);
  bool took_over = false;
  if (const auto current = client_.GetObject(object)) {
    const auto lease = LeaseFromJsonText(current->body);
    if (lease && lease->expires > mine.created) {
      return LeaseAnswer{LeaseState::kHeld, *lease, false};
    }
    took_over = true;
  }
  if (options_.before_lease_write_for_test) {
    options_.before_lease_write_for_test();
  }
  client_.PutObject(object, LeaseToJsonText(mine), {{"Content-Type", "application/json"}});
  // Let a racer's write land before we read: the last write wins, and every racer reads it back.
  std::mt19937_64 rng(std::random_device{}());
  const auto settle = options_.lease_settle;
  const auto jitter = std::chrono::milliseconds(
      std::uniform_int_distribution<std::int64_t>(0, settle.count())(rng));
  clock_.SleepUntil(clock_.SteadyNow() + settle + jitter, std::stop_token());
  const auto back = client_.GetObject(object);
  if (!back) {
    return std::nullopt;  // the winner already released it: look again
  }
  const auto lease = LeaseFromJsonText(back->body);
  if (lease && lease->id == mine.id) {
    return LeaseAnswer{LeaseState::kGranted, mine, took_over};
  }
  if (lease && lease->expires > clock_.Now()) {
    return LeaseAnswer{LeaseState::kHeld, *lease, false};
  }
  return std::nullopt;
}

bool S3BlobStore::ReplaceLease(const ArtifactKey& key, const Lease& lease,
                               const std::string& etag) {
  const std::string body = LeaseToJsonText(lease);
  if (ConditionalWritesSupported()) {
    return client_.PutObjectIfMatch(LeaseObject(key), body, etag).has_value();
  }
  client_.PutObject(LeaseObject(key), body, {{"Content-Type", "application/json"}});
  return true;
}

std::optional<Lease> S3BlobStore::RenewLease(const ArtifactKey& key, std::string_view lease_id,
                                             std::string_view phase, std::chrono::seconds ttl) {
  RequireWritable("RenewLease");
  const auto current = client_.GetObject(LeaseObject(key));
  if (!current) {
    return std::nullopt;
  }
  auto lease = LeaseFromJsonText(current->body);
  if (!lease || lease->id != lease_id) {
    return std::nullopt;
  }
  lease->expires = clock_.Now() + ttl;
  lease->phase = std::string(phase);
  ++lease->generation;
  if (!ReplaceLease(key, *lease, current->etag)) {
    return std::nullopt;
  }
  return lease;
}

bool S3BlobStore::ReleaseLease(const ArtifactKey& key, std::string_view lease_id) {
  RequireWritable("ReleaseLease");
  const auto current = client_.GetObject(LeaseObject(key));
  if (!current) {
    return false;
  }
  const auto lease = LeaseFromJsonText(current->body);
  if (!lease || lease->id != lease_id) {
    return false;
  }
  client_.DeleteObject(LeaseObject(key));
  return true;
}

std::optional<Lease> S3BlobStore::GetLease(const ArtifactKey& key) {
  const auto current = client_.GetObject(LeaseObject(key));
  return current ? LeaseFromJsonText(current->body) : std::nullopt;
}

FailureRecord S3BlobStore::RecordFailure(const ArtifactKey& key, std::string_view reason,
                                         std::string_view message) {
  RequireWritable("RecordFailure");
  FailureRecord record = GetFailure(key).value_or(FailureRecord{});
  record.key = key.Path();
  record.reason = std::string(reason);
  record.message = std::string(message);
  ++record.attempts;
  record.failed_at = clock_.Now();
  record.retry_after = record.failed_at + FailureBackoff(record.attempts);
  client_.PutObject(FailureObject(key), FailureToJsonText(record),
                    {{"Content-Type", "application/json"}});
  return record;
}

std::optional<FailureRecord> S3BlobStore::GetFailure(const ArtifactKey& key) {
  const auto current = client_.GetObject(FailureObject(key));
  return current ? FailureFromJsonText(current->body) : std::nullopt;
}

std::optional<FailureRecord> S3BlobStore::ActiveFailure(const ArtifactKey& key) {
  auto record = GetFailure(key);
  if (record && clock_.Now() < record->retry_after) {
    return record;
  }
  return std::nullopt;
}

void S3BlobStore::ClearFailure(const ArtifactKey& key) {
  RequireWritable("ClearFailure");
  client_.DeleteObject(FailureObject(key));
}

}  // namespace gpuext::nodeagent::artifact
