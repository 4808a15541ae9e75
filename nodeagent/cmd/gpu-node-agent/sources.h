// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The artifact sources of an AgentConfiguration (§8.5 cache.sources) as BlobStores, in order.

#include <memory>
#include <string>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/gpuruntime/api/agent_config.h"
#include "gpuext/kube/client.h"
#include "gpuext/logger.h"
#include "gpuext/nodeagent/agent.h"
#include "gpuext/nodeagent/artifact/blob_store.h"

namespace gpuext::nodeagent::cmd {

struct SourceSettings {
  std::string ns = {};          // where S3 credentials Secrets live (the agent's namespace)
  std::string token_file = {};  // projected token for the cache server's lease API
  // --connect-to entries for the cache server source (HttpCacheOptions::connect_to).
  std::vector<std::string> connect_to = {};
};

struct BuiltSources {
  std::vector<std::unique_ptr<artifact::BlobStore>> owned = {};
  std::vector<AgentSource> sources = {};  // borrowing from `owned`
};

// A source that cannot be set up (an S3 Secret missing, no endpoint) is logged and left out, so
// the others and the node-local cache still serve. `client` reads S3 credentials Secrets; may be
// null when there is no cluster (S3 sources are then left out).
[[nodiscard]] BuiltSources BuildSources(const gpuruntime::api::AgentConfiguration& config,
                                        kube::Client* client, const SourceSettings& settings,
                                        Clock& clock, const Logger& logger);

}  // namespace gpuext::nodeagent::cmd
