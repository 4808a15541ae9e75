// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "sources.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/http_cache_store.h"
#include "gpuext/nodeagent/artifact/s3_store.h"

namespace gpuext::nodeagent::cmd {

namespace {

using gpuruntime::api::AgentCacheSource;
using gpuruntime::api::CacheSourceType;

const kube::Resource kSourcesSecrets{"", "v1", "secrets", true};

std::string SourceSecretValue(const nlohmann::json& secret, const std::string& key,
                              const std::string& name, bool required) {
  const auto data = secret.value("data", nlohmann::json::object());
  if (!data.contains(key)) {
    if (required) {
      throw Error(ErrorCode::kConfigurationProblem,
                  fmt::format("Secret {} has no key {}; add it (S3 access key pair)", name, key));
    }
    return {};
  }
  return Base64Decode(data[key].get<std::string>());
}

std::unique_ptr<artifact::BlobStore> MakeS3Source(const AgentCacheSource& s, std::size_t index,
                                                  kube::Client* client,
                                                  const SourceSettings& settings, Clock& clock) {
  if (client == nullptr) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("cache.sources[{}]: S3 credentials need the Kubernetes API", index));
  }
  if (s.endpoint.empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("cache.sources[{}].endpoint is empty; the agent needs the S3 "
                            "endpoint URL",
                            index));
  }
  const auto secret = client->Get(kSourcesSecrets, {settings.ns, s.credentials_secret});
  if (!secret) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("cache.sources[{}].credentialsSecret: Secret {}/{} not found", index,
                            settings.ns, s.credentials_secret));
  }
  artifact::S3ClientConfig config{
      .endpoint = s.endpoint,
      .region = s.region,
      .bucket = s.bucket,
      .prefix = s.prefix,
      .force_path_style = s.force_path_style,
      .credentials = {.access_key_id =
                          SourceSecretValue(*secret, "accessKeyId", s.credentials_secret, true),
                      .secret_access_key =
                          SourceSecretValue(*secret, "secretAccessKey", s.credentials_secret, true),
                      .session_token =
                          SourceSecretValue(*secret, "securityToken", s.credentials_secret, false)},
      .credentials_source = "Secret " + settings.ns + "/" + s.credentials_secret};
  return std::make_unique<artifact::S3BlobStore>(std::move(config), clock,
                                                 artifact::S3StoreOptions{.read_only = true});
}

}  // namespace

BuiltSources BuildSources(const gpuruntime::api::AgentConfiguration& config, kube::Client* client,
                          const SourceSettings& settings, Clock& clock, const Logger& logger) {
  BuiltSources out;
  for (std::size_t i = 0; i < config.cache.sources.size(); ++i) {
    const AgentCacheSource& s = config.cache.sources[i];
    try {
      std::unique_ptr<artifact::BlobStore> store;
      std::string name;
      BuildLeaseFunc request_build;
      switch (s.type) {
        case CacheSourceType::kFilesystem:
          store = std::make_unique<artifact::FilesystemBlobStore>(s.path, clock);
          name = "filesystem " + s.path;
          break;
        case CacheSourceType::kServer: {
          auto server = std::make_unique<artifact::HttpCacheBlobStore>(
              artifact::HttpCacheClient({.base_url = s.url,
                                         .ca_pem = s.ca_bundle,
                                         .token_file = settings.token_file,
                                         .connect_to = settings.connect_to}));
          // The only source that builds what it lacks (§13.3 step 5); `owned` keeps it alive.
          request_build = [client = &server->client()](const artifact::ArtifactKey& key,
                                                       const artifact::LeaseRequester& who) {
            return client->RequestLease(key, who);
          };
          store = std::move(server);
          name = "server " + s.url;
          break;
        }
        case CacheSourceType::kS3:
          store = MakeS3Source(s, i, client, settings, clock);
          name = "s3 " + s.bucket;
          break;
      }
      out.sources.push_back(
          {.name = name, .store = store.get(), .request_build = std::move(request_build)});
      out.owned.push_back(std::move(store));
    } catch (const std::exception& e) {
      logger.Error(e, "Cache source left out", {{"index", i}, {"type", ToString(s.type)}});
    }
  }
  return out;
}

}  // namespace gpuext::nodeagent::cmd
