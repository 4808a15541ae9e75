// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "registration.h"

namespace gpuext::admission {

gardener::WebhookConfigurationDescription ShootWebhookDescription(gardener::WebhookKind kind,
                                                                  const Options& options) {
  const bool mutating = kind == gardener::WebhookKind::kMutating;
  const std::string path = mutating ? kMutatePath : kValidatePath;
  gardener::WebhookConfigurationDescription desc{.kind = kind, .name = kConfigurationName};
  // One entry per label; the names differ in their first segment only.
  const std::pair<const char*, const char*> entries[] = {{"runtime", kRuntimeLabel},
                                                         {"extension", kExtensionLabel}};
  for (const auto& [prefix, label] : entries) {
    gardener::WebhookDescription hook{.name = std::string(prefix) +
                                              (mutating ? ".mutate" : ".validate") +
                                              ".shoot.nvidia-gpu.extensions.gardener.cloud",
                                      .rules = {{.operations = {"CREATE", "UPDATE"},
                                                 .api_groups = {"core.gardener.cloud"},
                                                 .api_versions = {"v1beta1"},
                                                 .resources = {"shoots"},
                                                 .scope = "Namespaced"}},
                                      .object_selector = {{"matchLabels", {{label, "true"}}}},
                                      .failure_policy = "Fail",
                                      .timeout_seconds = 10};
    if (options.webhook_config_mode == "url") {
      hook.url = "https://" + options.webhook_config_url + path;
    } else {
      hook.service = gardener::WebhookService{.name = options.webhook_config_service_name,
                                              .ns = options.webhook_config_namespace,
                                              .port = options.webhook_config_service_port,
                                              .path = path};
    }
    desc.webhooks.push_back(std::move(hook));
  }
  return desc;
}

}  // namespace gpuext::admission
