// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The seam between a granted lease and whatever builds the key (DESIGN.md §14.4–14.5): the
// server calls Launch once per granted lease (also after taking over a dead builder's expired
// lease). JobBuildLauncher (job_launcher.h) creates the batch/v1 Job; tests record calls.

#include <string>

#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/http_cache_api.h"
#include "gpuext/nodeagent/artifact/key.h"

namespace gpuext::nodeagent::cache {

struct BuildRequest {
  artifact::ArtifactKey key = {};
  artifact::Lease lease = {};
  std::string job_name = {};    // "build-<sha256(key)[:10]>"
  std::string upload_url = {};  // "https://<cache>/v1/uploads/<lease id>"
  std::string token = {};       // the upload token; secret
  artifact::LeaseRequester requester = {};
  bool took_over_expired = false;  // a previous builder died
};

class BuildLauncher {
 public:
  virtual ~BuildLauncher() = default;
  // Starts the build. Throws gpuext::Error when it cannot; the server then releases the lease
  // and answers 503, so the next request tries again.
  virtual void Launch(const BuildRequest& request) = 0;

  // Why this launcher can never build `key` (no configured source fits it), or empty when it
  // can. The server answers such a key with state Failed (reason NoBuildSource) instead of
  // leasing it and launching a build that cannot work.
  [[nodiscard]] virtual std::string CannotBuild(const artifact::ArtifactKey& key) const {
    (void)key;
    return {};
  }
};

// "build-" + the first 10 hex characters of the key path's sha256 (§14.5).
[[nodiscard]] std::string BuildJobName(const artifact::ArtifactKey& key);

}  // namespace gpuext::nodeagent::cache
