// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// S3BlobStore: the blob store in an S3 bucket (cache.mode=s3 readers on nodes, and the cache
// server's s3 backend), with the same layout as FilesystemBlobStore under cache.s3.prefix:
//
//   <prefix>blobs/sha256/<2 hex>/<64 hex>     <prefix>manifests/<key path>.json
//   <prefix>leases/<sha256(key)>.json         <prefix>failures/<sha256(key)>.json
//
// Lease and failure objects hold the same JSON as FilesystemBlobStore's files.
//
// Publishing order is the caller's (DESIGN.md §14.2): upload every blob first, the manifest
// last. PutManifest checks that each named blob exists, so a reader that sees a manifest can
// fetch all of its blobs; S3 has no rename, so a single PUT of the manifest is the atomic step.
//
// Downloads are verified: GetBlob streams into "<dest>.part", resumes an interrupted download
// with a Range request, checks size and sha256 and only then renames to `dest`. A blob whose
// bytes do not match its digest leaves neither `dest` nor the ".part" file behind.
//
// Leases (§14.4): with conditional writes (probed once, lazily: a second create of a probe key
// must answer 412) a lease is created with If-None-Match: * and replaced with If-Match: <etag>,
// so exactly one of any number of racers wins. Without them (e.g. the s3rver test server) the
// store logs that once and falls back to put, wait a random jitter, read back: the writer whose
// lease is read back holds it. Two racers can then both win only when one's read-back lands
// before the other's write, which the jitter makes rare; a duplicate build is harmless because
// publishing is content-addressed.
//
// A read-only store (cache.mode=s3 on nodes, credentials with read permission only) refuses
// every write, delete and lease change with a clear error before any request is made; reads
// (GetLease, GetFailure, ActiveFailure included) work.
//
//   S3BlobStore store(S3ClientConfig{...}, clock, {.read_only = true});
//   if (auto text = store.GetManifest(key)) { ... store.GetBlob(digest, dir / "blob") ... }
//
// Safe for concurrent use by threads; processes and clusters sharing the bucket coordinate
// through the leases.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/logger.h"
#include "gpuext/nodeagent/artifact/blob_store.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/s3_client.h"

namespace gpuext::nodeagent::artifact {

struct S3StoreOptions {
  // Refuse writes, deletes and leases (a consumer with read-only credentials).
  bool read_only = false;
  // Fallback lease acquisition: wait settle + random(0, settle) between write and read-back.
  // Must exceed the time one PUT takes to become visible to a GET (S3 is read-after-write
  // consistent, so a request round trip suffices).
  std::chrono::milliseconds lease_settle = std::chrono::milliseconds(500);
  Logger logger = Logger::Root().WithName("s3-store");
  // Called by the fallback acquisition after it found no live lease and before it writes its
  // own: lets a test line up racers deterministically.
  std::function<void()> before_lease_write_for_test = {};
};

class S3BlobStore final : public BlobStore {
 public:
  // Creates the client (throws gpuext::Error(kConfigurationProblem) for a bad configuration).
  // Makes no request. `clock` must outlive the store.
  S3BlobStore(S3ClientConfig config, Clock& clock, S3StoreOptions options = {});

  [[nodiscard]] S3Client& client() { return client_; }
  [[nodiscard]] bool read_only() const { return options_.read_only; }

  [[nodiscard]] bool BlobExists(std::string_view digest) override;
  [[nodiscard]] std::optional<std::int64_t> BlobSize(std::string_view digest) override;
  // Downloads through "<dest>.part" (resuming what an earlier attempt left), verifies size and
  // digest, renames to dest. false when the blob is absent. Throws gpuext::Error(kInternal)
  // when the stored bytes do not match the digest; neither dest nor the .part file remain then.
  bool GetBlob(std::string_view digest, const std::filesystem::path& dest) override;
  // Hashes the file first (a mismatch throws kInvalidArgument and stores nothing), then
  // uploads it, as multipart above the client's threshold. An existing blob is a no-op.
  void PutBlob(std::string_view digest, const std::filesystem::path& source) override;
  [[nodiscard]] std::vector<std::string> ListBlobs() override;
  void DeleteBlob(std::string_view digest) override;

  [[nodiscard]] std::optional<std::string> GetManifest(const ArtifactKey& key) override;
  [[nodiscard]] bool ManifestExists(const ArtifactKey& key) override;
  void PutManifest(const ArtifactManifest& manifest) override;
  [[nodiscard]] std::vector<ArtifactKey> ListManifests(std::string_view prefix) override;
  void DeleteManifest(const ArtifactKey& key) override;

  // FilesystemBlobStore's lease and failure semantics (fs_store.h), over the bucket.
  [[nodiscard]] LeaseAnswer AcquireLease(const ArtifactKey& key, std::string_view holder,
                                         std::chrono::seconds ttl);
  [[nodiscard]] std::optional<Lease> RenewLease(const ArtifactKey& key, std::string_view lease_id,
                                                std::string_view phase, std::chrono::seconds ttl);
  bool ReleaseLease(const ArtifactKey& key, std::string_view lease_id);
  [[nodiscard]] std::optional<Lease> GetLease(const ArtifactKey& key);

  FailureRecord RecordFailure(const ArtifactKey& key, std::string_view reason,
                              std::string_view message);
  [[nodiscard]] std::optional<FailureRecord> GetFailure(const ArtifactKey& key);
  [[nodiscard]] std::optional<FailureRecord> ActiveFailure(const ArtifactKey& key);
  void ClearFailure(const ArtifactKey& key);

  // Whether the endpoint honours If-None-Match: * on PUT. Probes once (two creates of a random
  // key under leases/, then deletes it) and remembers the answer. Requires a writable store.
  [[nodiscard]] bool ConditionalWritesSupported();

 private:
  // Throws gpuext::Error(kConfigurationProblem) naming `operation` when the store is read-only.
  void RequireWritable(std::string_view operation) const;
  [[nodiscard]] std::string LeaseObject(const ArtifactKey& key) const;
  [[nodiscard]] std::string FailureObject(const ArtifactKey& key) const;
  // The two acquisition strategies; both return nullopt when a race was lost and the caller
  // should look again.
  std::optional<LeaseAnswer> AcquireConditional(const ArtifactKey& key, const Lease& mine);
  std::optional<LeaseAnswer> AcquireByReadBack(const ArtifactKey& key, const Lease& mine);
  // Replaces the lease object (conditionally on `etag` when supported); false when lost.
  bool ReplaceLease(const ArtifactKey& key, const Lease& lease, const std::string& etag);
  // Downloads into `part`, resuming from its current size.
  [[nodiscard]] bool DownloadPart(const std::string& object, const std::filesystem::path& part,
                                  std::int64_t size);

  S3Client client_;
  Clock& clock_;
  S3StoreOptions options_;
  std::mutex probe_mu_;                     // guards conditional_writes_
  std::optional<bool> conditional_writes_;  // the probe's answer once known
};

}  // namespace gpuext::nodeagent::artifact
