// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Registering our admission webhooks with kube-apiserver (DESIGN.md §7, §12 "Registration"):
// a declarative description becomes a MutatingWebhookConfiguration or
// ValidatingWebhookConfiguration with our caBundle injected, and Reconcile keeps the object in
// the cluster equal to it.
//
//   WebhookConfigurationDescription desc = SeedOscWebhookDescription("extension-gpu-abc");
//   ReconcileWebhookConfiguration(client, desc, rotation.certs.ca_bundle);   // create or update
//   DeleteWebhookConfiguration(client, desc.kind, desc.name);                // on uninstall
//
// Only our own configuration object is ever written (RBAC allows update/patch on that name
// alone, §19.2).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/kube/client.h"
#include "gpuext/kube/resource.h"

namespace gpuext::gardener {

inline const kube::Resource kMutatingWebhookConfigurations{"admissionregistration.k8s.io", "v1",
                                                           "mutatingwebhookconfigurations", false};
inline const kube::Resource kValidatingWebhookConfigurations{
    "admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", false};

enum class WebhookKind { kMutating, kValidating };

// One admissionregistration.k8s.io/v1 RuleWithOperations.
struct WebhookRule {
  std::vector<std::string> operations = {};  // CREATE, UPDATE, DELETE, CONNECT, *
  std::vector<std::string> api_groups = {};
  std::vector<std::string> api_versions = {};
  std::vector<std::string> resources = {};  // plural, "pods/status" for a subresource
  std::string scope = "*";                  // Cluster, Namespaced, *
};

// clientConfig.service.
struct WebhookService {
  std::string name = {};
  std::string ns = {};
  int port = 443;
  std::string path = {};
};

// One entry of webhooks[]. Exactly one of `service` and `url` is set.
struct WebhookDescription {
  std::string name = {};  // a fully qualified name, e.g. "osc.nvidia-gpu.extensions.gardener.cloud"
  std::vector<WebhookRule> rules = {};
  std::optional<WebhookService> service = std::nullopt;
  std::string url = {};
  // LabelSelector objects; null means "everything" ({}).
  nlohmann::json namespace_selector = nullptr;
  nlohmann::json object_selector = nullptr;
  std::string failure_policy = "Fail";  // Fail, Ignore
  int timeout_seconds = 10;
  std::string side_effects = "None";
  std::string match_policy = "Exact";  // Exact, Equivalent
  std::vector<std::string> admission_review_versions = {"v1", "v1beta1"};
  std::string reinvocation_policy = "Never";  // mutating only: Never, IfNeeded
};

struct WebhookConfigurationDescription {
  WebhookKind kind = WebhookKind::kMutating;
  std::string name = {};
  std::map<std::string, std::string> labels = {};
  // When set, the configuration is owned by this Namespace (the extension's), with
  // blockOwnerDeletion=false, so it goes away with the extension (DESIGN.md §7). Reconcile
  // resolves its uid.
  std::optional<std::string> owner_namespace = std::nullopt;
  std::vector<WebhookDescription> webhooks = {};
};

// The seed OSC webhook of DESIGN.md §12: MutatingWebhookConfiguration `gardener-extension-gpu`
// with `osc.nvidia-gpu.extensions.gardener.cloud` on operatingsystemconfigs CREATE/UPDATE in
// namespaces labelled `extensions.gardener.cloud/nvidia-gpu=true`, served by Service
// `gardener-extension-gpu` in `extension_namespace` at /webhooks/osc.
[[nodiscard]] WebhookConfigurationDescription SeedOscWebhookDescription(
    const std::string& extension_namespace);

// The resource for a kind.
[[nodiscard]] const kube::Resource& WebhookConfigurationResource(WebhookKind kind);

// The configuration object for `desc` with `ca_bundle_pem` (PEM, base64'd here) in every
// clientConfig. Every field kube-apiserver would default is written explicitly (empty
// selectors, rule scope, reinvocationPolicy), so the object reads back unchanged. Throws
// Error(kInvalidArgument) naming the webhook when a client config is missing or ambiguous.
// `owner_uid` fills the owner reference when desc.owner_namespace is set.
[[nodiscard]] nlohmann::json BuildWebhookConfiguration(const WebhookConfigurationDescription& desc,
                                                       const std::string& ca_bundle_pem,
                                                       const std::string& owner_uid = {});

// Creates the configuration, or updates it (get + update with the read resourceVersion,
// retried on conflict) when it differs from the desired one. Fields we do not own survive:
// labels, annotations and owner references others added, and keys inside a webhook entry our
// description does not set (e.g. matchConditions). Entries of webhooks[] not in the
// description are removed: the list is ours. Writes nothing when the object is already as
// desired. Returns the object as stored.
nlohmann::json ReconcileWebhookConfiguration(kube::Client& client,
                                             const WebhookConfigurationDescription& desc,
                                             const std::string& ca_bundle_pem);

// Deletes the configuration; absent is fine.
void DeleteWebhookConfiguration(kube::Client& client, WebhookKind kind, const std::string& name);

}  // namespace gpuext::gardener
