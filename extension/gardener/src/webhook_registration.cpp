// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/webhook_registration.h"

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/patch.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;

const kube::Resource kNamespaces{"", "v1", "namespaces", false};

json SelectorOrEmpty(const json& selector) {
  return selector.is_null() ? json::object() : selector;
}

json BuildRule(const WebhookRule& rule) {
  return {{"operations", rule.operations},
          {"apiGroups", rule.api_groups},
          {"apiVersions", rule.api_versions},
          {"resources", rule.resources},
          {"scope", rule.scope.empty() ? std::string("*") : rule.scope}};
}

json BuildClientConfig(const WebhookDescription& hook, const std::string& ca_bundle_b64) {
  const bool has_service = hook.service.has_value();
  if (has_service == !hook.url.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "webhook " + hook.name + ": set exactly one of clientConfig service and url");
  }
  json config = json::object();
  if (has_service) {
    json service = {{"name", hook.service->name},
                    {"namespace", hook.service->ns},
                    {"port", hook.service->port}};
    if (!hook.service->path.empty()) {
      service["path"] = hook.service->path;
    }
    config["service"] = std::move(service);
  } else {
    config["url"] = hook.url;
  }
  if (!ca_bundle_b64.empty()) {
    config["caBundle"] = ca_bundle_b64;
  }
  return config;
}

json BuildWebhook(WebhookKind kind, const WebhookDescription& hook,
                  const std::string& ca_bundle_b64) {
  json rules = json::array();
  for (const WebhookRule& rule : hook.rules) {
    rules.push_back(BuildRule(rule));
  }
  json out = {{"name", hook.name},
              {"clientConfig", BuildClientConfig(hook, ca_bundle_b64)},
              {"rules", std::move(rules)},
              {"namespaceSelector", SelectorOrEmpty(hook.namespace_selector)},
              {"objectSelector", SelectorOrEmpty(hook.object_selector)},
              {"failurePolicy", hook.failure_policy},
              {"matchPolicy", hook.match_policy},
              {"sideEffects", hook.side_effects},
              {"timeoutSeconds", hook.timeout_seconds},
              {"admissionReviewVersions", hook.admission_review_versions}};
  if (kind == WebhookKind::kMutating) {
    out["reinvocationPolicy"] =
        hook.reinvocation_policy.empty() ? std::string("Never") : hook.reinvocation_policy;
  }
  return out;
}

json NamespaceOwnerReference(const std::string& name, const std::string& uid) {
  return {{"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"name", name},
          {"uid", uid},
          {"blockOwnerDeletion", false}};
}

// `existing` with everything `desired` owns taken from `desired` (see the header).
json Merge(const json& existing, const json& desired) {
  json merged = existing;
  json& meta = merged["metadata"];
  const json labels = desired["metadata"].value("labels", json::object());
  for (const auto& [key, value] : labels.items()) {
    meta["labels"][key] = value;
  }
  for (const json& ref : desired["metadata"].value("ownerReferences", json::array())) {
    json& refs = meta["ownerReferences"];
    if (!refs.is_array()) {
      refs = json::array();
    }
    bool found = false;
    for (json& have : refs) {
      if (have.value("uid", "") == ref.value("uid", "")) {
        have = ref;
        found = true;
      }
    }
    if (!found) {
      refs.push_back(ref);
    }
  }
  json webhooks = json::array();
  const json existing_hooks = existing.value("webhooks", json::array());
  for (const json& want : desired["webhooks"]) {
    json hook = json::object();
    for (const json& have : existing_hooks) {
      if (have.value("name", "") == want["name"]) {
        hook = have;
      }
    }
    for (const auto& [key, value] : want.items()) {
      hook[key] = value;
    }
    webhooks.push_back(std::move(hook));
  }
  merged["webhooks"] = std::move(webhooks);
  return merged;
}

}  // namespace

const kube::Resource& WebhookConfigurationResource(WebhookKind kind) {
  return kind == WebhookKind::kMutating ? kMutatingWebhookConfigurations
                                        : kValidatingWebhookConfigurations;
}

WebhookConfigurationDescription SeedOscWebhookDescription(const std::string& extension_namespace) {
  WebhookDescription osc{
      .name = "osc.nvidia-gpu.extensions.gardener.cloud",
      .rules = {{.operations = {"CREATE", "UPDATE"},
                 .api_groups = {"extensions.gardener.cloud"},
                 .api_versions = {"v1alpha1"},
                 .resources = {"operatingsystemconfigs"}}},
      .service = WebhookService{.name = "gardener-extension-gpu",
                                .ns = extension_namespace,
                                .port = 443,
                                .path = "/webhooks/osc"},
      .namespace_selector = {{"matchExpressions",
                              {{{"key", "extensions.gardener.cloud/nvidia-gpu"},
                                {"operator", "In"},
                                {"values", {"true"}}}}}},
      .failure_policy = "Fail",
      .timeout_seconds = 10,
      .side_effects = "None",
      .match_policy = "Exact",
      .admission_review_versions = {"v1", "v1beta1"},
  };
  return {.kind = WebhookKind::kMutating,
          .name = "gardener-extension-gpu",
          .labels = {{"app.kubernetes.io/name", "gardener-extension-gpu"}},
          .owner_namespace = extension_namespace,
          .webhooks = {std::move(osc)}};
}

json BuildWebhookConfiguration(const WebhookConfigurationDescription& desc,
                               const std::string& ca_bundle_pem, const std::string& owner_uid) {
  const std::string bundle = ca_bundle_pem.empty() ? std::string() : Base64Encode(ca_bundle_pem);
  json webhooks = json::array();
  for (const WebhookDescription& hook : desc.webhooks) {
    webhooks.push_back(BuildWebhook(desc.kind, hook, bundle));
  }
  json meta = {{"name", desc.name}};
  if (!desc.labels.empty()) {
    meta["labels"] = desc.labels;
  }
  if (desc.owner_namespace && !owner_uid.empty()) {
    meta["ownerReferences"] =
        json::array({NamespaceOwnerReference(*desc.owner_namespace, owner_uid)});
  }
  return {{"apiVersion", "admissionregistration.k8s.io/v1"},
          {"kind", desc.kind == WebhookKind::kMutating ? "MutatingWebhookConfiguration"
                                                       : "ValidatingWebhookConfiguration"},
          {"metadata", std::move(meta)},
          {"webhooks", std::move(webhooks)}};
}

json ReconcileWebhookConfiguration(kube::Client& client,
                                   const WebhookConfigurationDescription& desc,
                                   const std::string& ca_bundle_pem) {
  std::string owner_uid;
  if (desc.owner_namespace) {
    const auto ns = client.Get(kNamespaces, {.ns = "", .name = *desc.owner_namespace});
    if (!ns) {
      throw Error(ErrorCode::kNotReady, "webhook configuration " + desc.name +
                                            ": owner namespace " + *desc.owner_namespace +
                                            " does not exist");
    }
    owner_uid = (*ns)["metadata"].value("uid", "");
  }
  const json desired = BuildWebhookConfiguration(desc, ca_bundle_pem, owner_uid);
  const kube::Resource& resource = WebhookConfigurationResource(desc.kind);
  return kube::RetryOnConflict([&]() -> json {
    const auto existing = client.Get(resource, {.ns = "", .name = desc.name});
    if (!existing) {
      try {
        return client.Create(resource, desired);
      } catch (const kube::ApiError& e) {
        if (!kube::IsAlreadyExists(e)) {
          throw;
        }
        // Created by someone else in between: the retry reads and updates it.
        throw kube::ApiError(409, "Conflict", e.what());
      }
    }
    const json merged = Merge(*existing, desired);
    if (merged == *existing) {
      return *existing;
    }
    return client.Update(resource, merged);
  });
}

void DeleteWebhookConfiguration(kube::Client& client, WebhookKind kind, const std::string& name) {
  client.Delete(WebhookConfigurationResource(kind), {.ns = "", .name = name});
}

}  // namespace gpuext::gardener
