// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// FilesystemBlobStore: the blob store over a directory (a PV, an NFS RWX share, the agent's
// local state dir), plus the build leases and failure records of DESIGN.md §14.4.
//
//   root/blobs/sha256/<2 hex>/<64 hex>   root/manifests/<key path>.json
//   root/leases/<sha256(key)>.json       root/failures/<sha256(key)>.json     root/tmp/
//
// Every write goes to root/tmp (the same filesystem) and is renamed into place, so readers never
// see partial files and a crash leaves only tmp/ litter (SweepStaleFiles). Safe for concurrent use
// by threads and processes sharing the directory.
//
// Leases: exactly one holder per key. A lease is created with exclusive-create semantics (the
// fully written file is link(2)ed to its name, which fails with EEXIST like
// open(O_CREAT|O_EXCL) but never exposes an empty file; also NFS-safe). Every later change of a
// lease file (renew, release, takeover of an expired lease) first creates a marker named after
// the exact content it replaces with open(O_CREAT|O_EXCL): only one process can move a given
// lease content on, so two racers for an expired lease cannot both win.
//
//   FilesystemBlobStore store(dir, clock);
//   LeaseAnswer a = store.AcquireLease(key, "shoot--p--s/build-6f1c", 2min);
//   if (a.state == LeaseState::kGranted) { ... store.RenewLease(key, a.lease.id, "compile", 2min) }

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/nodeagent/artifact/blob_store.h"

namespace gpuext::nodeagent::artifact {

struct Lease {
  std::string id = {};      // random; names this holding (heartbeats, upload tokens)
  std::string holder = {};  // "<cluster>/<job>" or a node name
  std::string key = {};     // the key path
  std::chrono::system_clock::time_point created = {};
  std::chrono::system_clock::time_point expires = {};
  std::string phase = {};
  std::int64_t generation = 0;  // bumped by every renew
};

enum class LeaseState { kGranted, kHeld };

struct LeaseAnswer {
  LeaseState state = LeaseState::kHeld;
  Lease lease = {};  // ours when granted, the current holder's when held
  bool took_over_expired = false;
};

// A failed build (§14.4): retry not before retry_after; kubectl gpu cache retry clears it.
struct FailureRecord {
  std::string key = {};
  std::string reason = {};   // NoHeadersForKernel, CompileError, ...
  std::string message = {};  // e.g. the build log tail
  std::int64_t attempts = 0;
  std::chrono::system_clock::time_point failed_at = {};
  std::chrono::system_clock::time_point retry_after = {};
};

// 10 min after the first failure, doubling per attempt, at most 6 h.
[[nodiscard]] std::chrono::seconds FailureBackoff(std::int64_t attempts);

class FilesystemBlobStore final : public BlobStore {
 public:
  // Creates the layout under `root` when missing. `clock` must outlive the store.
  FilesystemBlobStore(std::filesystem::path root, Clock& clock);

  [[nodiscard]] const std::filesystem::path& root() const { return root_; }

  [[nodiscard]] bool BlobExists(std::string_view digest) override;
  [[nodiscard]] std::optional<std::int64_t> BlobSize(std::string_view digest) override;
  bool GetBlob(std::string_view digest, const std::filesystem::path& dest) override;
  void PutBlob(std::string_view digest, const std::filesystem::path& source) override;
  [[nodiscard]] std::vector<std::string> ListBlobs() override;
  void DeleteBlob(std::string_view digest) override;

  [[nodiscard]] std::optional<std::string> GetManifest(const ArtifactKey& key) override;
  [[nodiscard]] bool ManifestExists(const ArtifactKey& key) override;
  void PutManifest(const ArtifactManifest& manifest) override;
  [[nodiscard]] std::vector<ArtifactKey> ListManifests(std::string_view prefix) override;
  void DeleteManifest(const ArtifactKey& key) override;

  // Grants a new lease, or takes over one that expired, or answers held with the live lease.
  [[nodiscard]] LeaseAnswer AcquireLease(const ArtifactKey& key, std::string_view holder,
                                         std::chrono::seconds ttl);
  // Extends our lease to now + ttl and records the phase. nullopt when the lease is no longer
  // ours (released, or taken over after it expired): the build must stop.
  [[nodiscard]] std::optional<Lease> RenewLease(const ArtifactKey& key, std::string_view lease_id,
                                                std::string_view phase, std::chrono::seconds ttl);
  // Returns false when the lease is not (or no longer) ours.
  bool ReleaseLease(const ArtifactKey& key, std::string_view lease_id);
  [[nodiscard]] std::optional<Lease> GetLease(const ArtifactKey& key);

  // Records one more failure and returns the record with its new retry_after.
  FailureRecord RecordFailure(const ArtifactKey& key, std::string_view reason,
                              std::string_view message);
  // The record, expired or not.
  [[nodiscard]] std::optional<FailureRecord> GetFailure(const ArtifactKey& key);
  // The record only while now < retry_after: the key must not be built yet.
  [[nodiscard]] std::optional<FailureRecord> ActiveFailure(const ArtifactKey& key);
  void ClearFailure(const ArtifactKey& key);

  // Removes tmp/ files and lease markers whose mtime is older than `age` (by the filesystem's
  // clock): litter of crashed writers. Run at start-up; `age` must exceed any write's duration.
  void SweepStaleFiles(std::chrono::seconds age);

 private:
  [[nodiscard]] std::filesystem::path TmpPath(std::string_view suffix) const;
  // Writes `content` to tmp/ and fsyncs it; returns the tmp path.
  [[nodiscard]] std::filesystem::path WriteTmp(const std::string& content) const;
  void Publish(const std::string& content, const std::filesystem::path& dest) const;
  [[nodiscard]] std::filesystem::path LeasePath(const ArtifactKey& key) const;
  [[nodiscard]] std::filesystem::path FailurePath(const ArtifactKey& key) const;
  // Claims the right to replace lease content `content`; false when another process has.
  [[nodiscard]] bool ClaimTransition(const ArtifactKey& key, const std::string& content) const;

  std::filesystem::path root_;
  Clock& clock_;
};

}  // namespace gpuext::nodeagent::artifact
