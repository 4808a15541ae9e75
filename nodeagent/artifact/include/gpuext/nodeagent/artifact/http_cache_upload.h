// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// UploadClient: the builder Job's side of the gpu-driver-cache API (DESIGN.md §14.3, §14.5
// step 6). It holds the one-time upload token of one lease (from the per-Job Secret) and the
// upload URL `https://<cache>/v1/uploads/<lease id>` given on the command line.
//
//   UploadClient up({.upload_url = flags.upload, .token = ReadToken(flags.token_file),
//                    .ca_file = flags.ca_file});
//   std::string digest = up.PutBlob(packed_file);          // streamed, hashed by the server
//   if (!up.Heartbeat("compile", 40)) { stop: the lease was lost }
//   std::string manifest = up.Commit({.files = packed.files, .vermagic = v, .builder = b});
//
// Failures throw gpuext::Error (kInfraUnauthorized for a rejected token, kInvalidArgument for a
// rejected blob or commit, kRetryableInfraDependencies for transport errors and 5xx).

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/nodeagent/artifact/http_cache_api.h"

namespace gpuext::nodeagent::artifact {

struct UploadClientOptions {
  std::string upload_url = {};  // "https://gpu-driver-cache.gpu-driver-cache.svc/v1/uploads/<id>"
  std::string token = {};       // the upload token (never logged)
  std::string ca_pem = {};
  std::filesystem::path ca_file = {};
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  std::chrono::milliseconds stall_timeout = std::chrono::seconds(60);
  // curl's --connect-to entries, as HttpCacheOptions::connect_to.
  std::vector<std::string> connect_to = {};
};

class UploadClient {
 public:
  // Throws gpuext::Error(kInvalidArgument) when the URL does not end in /v1/uploads/<id>.
  explicit UploadClient(UploadClientOptions options);

  [[nodiscard]] const std::string& lease_id() const { return lease_id_; }

  // PUT /v1/uploads/{id}/blobs/sha256:{hex}; hashes the file first. Returns the digest.
  std::string PutBlob(const std::filesystem::path& file) const;
  // POST /v1/leases/{id}/heartbeat. False when the lease is gone (released or taken over):
  // the build must stop.
  bool Heartbeat(std::string_view phase, int percent) const;
  // POST /v1/uploads/{id}/commit. Returns the signed manifest's JSON text.
  std::string Commit(const CommitRequest& request) const;
  // POST /v1/builds/{key}/failure: records the failure (with backoff) and ends the lease.
  void ReportFailure(std::string_view key_path, const FailureReport& report) const;

 private:
  UploadClientOptions options_;
  std::string base_url_;  // "https://host"
  std::string lease_id_;
};

// sha256:<hex> of a file, streamed.
[[nodiscard]] std::string FileDigest(const std::filesystem::path& file);

}  // namespace gpuext::nodeagent::artifact
