// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/extension_actuator.h"

#include <algorithm>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "actuator_support.h"
#include "gpuext/error.h"
#include "gpuext/gardener/cluster.h"
#include "gpuext/gardener/extension_reconciler.h"
#include "gpuext/gardener/managed_resource.h"
#include "gpuext/gpu/chart_values.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpu/provider_status.h"
#include "gpuext/gpu/seed_secrets.h"
#include "gpuext/gpu/shoot_access.h"
#include "gpuext/gpu/shoot_plan.h"
#include "gpuext/gpu/shoot_secrets.h"
#include "gpuext/gpuruntime/registry.h"
#include "gpuext/nfdrules/generator.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpu {
namespace {

using gardener::Outcome;
using internal::NamespaceOf;
using internal::RequireCluster;
using internal::YamlStream;
using nlohmann::json;
namespace api = gpuruntime::api;

}  // namespace

const std::vector<std::string>& ExtensionManagedResources() {
  static const std::vector<std::string> names = {
      std::string(kNfdCrdsMr), std::string(kOperatorCrdsMr), std::string(kSharedMr),
      std::string(kNfdMr),     std::string(kDriverCacheMr),  std::string(kOperatorMr)};
  return names;
}

ExtensionActuator::ExtensionActuator(const api::ControllerConfiguration& component,
                                     const ShootCharts& charts, ActuatorOptions options)
    : component_(component), charts_(charts), options_(options) {}

Outcome ExtensionActuator::Reconcile(const gardener::ActuatorContext& ctx, const json& obj) {
  const gardener::Cluster& cluster = RequireCluster(ctx);
  const std::string ns = NamespaceOf(obj);
  // Everything the user wrote is checked before anything is written.
  const ShootPlan plan = PlanOrReport(cluster, obj);
  for (const std::string& warning : plan.warnings) {
    ctx.log.Info("Configuration advice", {{"warning", warning}});
  }
  const std::string& kube = plan.kubernetes_version;

  std::optional<CacheSecrets> secrets;
  std::string key_id;
  if (plan.cache.deploys_server() || !plan.cache.signing_key_seed_secret.empty()) {
    secrets = EnsureCacheSecrets(ctx.seed, ns, plan.cache, ctx.clock);
    key_id = nodeagent::artifact::PublicKey::FromBase64(secrets->signing_public_key).KeyId();
  }

  // The health check reads the shoot's nodes with this token (docs/controllers.md).
  EnsureShootAccessSecret(ctx.seed, ns);

  gardener::ManagedResources mrs(ctx.seed, ctx.clock, std::string(kOrigin));
  const RenderedChart nfd =
      charts_.Render(kNfdChart, NfdChartValues(plan), kOperatorNamespace, kube);
  const RenderedChart op =
      charts_.Render(kOperatorChart, OperatorChartValues(plan), kOperatorNamespace, kube);
  if (const std::vector<std::string> overridden = OverriddenOperatorValues(plan);
      !overridden.empty()) {
    std::string paths;
    for (const std::string& path : overridden) {
      paths += (paths.empty() ? "" : "; ") + path;
    }
    ctx.log.Info("operatorValues set values the extension owns; ours are used", {{"paths", paths}});
    Record(obj, kube::EventType::kWarning, "OperatorValuesOverridden",
           "providerConfig.operatorValues: the extension sets these itself and ignores yours: " +
               paths);
  }
  const RenderedChart shared =
      charts_.Render(kSharedChart, SharedChartValues(plan), kAgentNamespace, kube);

  mrs.Deploy({.ns = ns, .name = std::string(kNfdCrdsMr), .data = {{"crds.yaml", nfd.crds}}});
  mrs.Deploy({.ns = ns, .name = std::string(kOperatorCrdsMr), .data = {{"crds.yaml", op.crds}}});
  mrs.Deploy(
      {.ns = ns, .name = std::string(kSharedMr), .data = {{"objects.yaml", shared.objects}}});
  mrs.Deploy({.ns = ns,
              .name = std::string(kNfdMr),
              .data = {{"objects.yaml", nfd.objects},
                       {"nodefeaturerules.yaml", YamlStream(ShootNodeFeatureRules())}}});
  if (plan.cache.deploys_server()) {
    const RenderedChart cache = charts_.Render(
        kDriverCacheChart, DriverCacheChartValues(plan, component_, ns), kCacheNamespace, kube);
    std::vector<json> cache_secrets = {
        ShootSecret(kCacheTlsSecret, kCacheNamespace,
                    {{kCaDataKey, secrets->ca_pem},
                     {kTlsCertDataKey, secrets->tls_cert_pem},
                     {kTlsKeyDataKey, secrets->tls_key_pem}}),
        ShootSecret(kSigningKeySecret, kCacheNamespace,
                    {{kSigningKeyDataKey, secrets->signing_key_pem}}),
        ShootSecret(kUploadHmacSecret, kCacheNamespace,
                    {{kHmacDataKey, secrets->upload_hmac_key}})};
    if (plan.cache.s3.has_value()) {
      cache_secrets.push_back(
          S3CredentialsSecret(ctx.seed, ns, *plan.cache.s3, kS3ServerSecret, kCacheNamespace));
    }
    mrs.Deploy(
        {.ns = ns,
         .name = std::string(kDriverCacheMr),
         .data = {{"objects.yaml", cache.objects}, {"secrets.yaml", YamlStream(cache_secrets)}}});
  } else {
    mrs.Destroy(ns, std::string(kDriverCacheMr));
  }
  mrs.Deploy({.ns = ns, .name = std::string(kOperatorMr), .data = {{"objects.yaml", op.objects}}});

  const json previous =
      obj.contains("status") ? obj["status"].value("providerStatus", json()) : json();
  const json status = BuildProviderStatus(plan, cluster.shoot(), previous, ctx.clock.Now(), key_id);
  if (status != previous) {
    RecordChanges(obj, previous, status);
    ctx.seed.Patch(gardener::kExtensions, {ns, obj["metadata"]["name"].get<std::string>()},
                   kube::PatchType::kMerge, {{"status", {{"providerStatus", status}}}},
                   kube::Subresource::kStatus);
  }
  return Outcome::Done();
}

Outcome ExtensionActuator::RemoveAll(const gardener::ActuatorContext& ctx, const json& obj,
                                     bool wait, bool keep_objects) {
  const std::string ns = NamespaceOf(obj);
  gardener::ManagedResources mrs(ctx.seed, ctx.clock, std::string(kOrigin));
  const std::vector<std::string>& names = ExtensionManagedResources();
  // Backwards, one at a time when waiting: the operator goes before NFD, the CRDs go last, so no
  // custom resource loses its CRD while its controller still runs.
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    if (!mrs.CheckHealth(ns, *it).exists) {
      continue;
    }
    if (keep_objects) {
      mrs.SetKeepObjects(ns, *it, true);
    }
    mrs.Destroy(ns, *it);
    if (wait && mrs.CheckHealth(ns, *it).exists) {
      ctx.log.Info("Waiting for resource-manager to remove a ManagedResource",
                   {{"managedResource", *it}});
      return Outcome::RequeueAfter(options_.cleanup_poll);
    }
  }
  if (!keep_objects) {
    DeleteCacheSecrets(ctx.seed, ns);
    ctx.seed.Delete(gardener::kSecretsResource, {ns, std::string(kShootAccessSecret)});
    Record(obj, kube::EventType::kNormal, "GPUStackRemoved",
           "removed the GPU stack (NFD, GPU operator, driver cache) from the shoot");
  }
  return Outcome::Done();
}

ShootPlan ExtensionActuator::PlanOrReport(const gardener::Cluster& cluster, const json& obj) {
  try {
    return PlanShoot(cluster, component_);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kConfigurationProblem) {
      Record(obj, kube::EventType::kWarning, "InvalidConfiguration", e.what());
    }
    throw;
  }
}

void ExtensionActuator::Record(const json& obj, kube::EventType type, std::string_view reason,
                               std::string_view message) {
  if (options_.events != nullptr) {
    options_.events->Event(obj, type, reason, message);
  }
}

void ExtensionActuator::RecordChanges(const json& obj, const json& previous, const json& status) {
  std::string pools;
  for (const json& pool : status["pools"]) {
    pools += (pools.empty() ? "" : ", ") + pool.value("name", "") + " (driver " +
             pool.value("driverVersion", "") + ")";
  }
  if (previous.is_null() || previous.value("pools", json()) != status["pools"] ||
      previous.value("cache", json()) != status["cache"]) {
    Record(obj, kube::EventType::kNormal, "GPUStackDeployed",
           "GPU stack written for " + (pools.empty() ? std::string("no GPU pool") : pools) +
               "; cache " + status["cache"].value("mode", ""));
  }
  const json before =
      previous.is_object() ? previous.value("removedPools", json::array()) : json::array();
  for (const json& removed : status.value("removedPools", json::array())) {
    if (std::find(before.begin(), before.end(), removed) == before.end()) {
      Record(obj, kube::EventType::kNormal, "GPUPoolRemoved",
             "worker pool " + removed.value("name", "") +
                 " no longer has the nvidia runtime; its nodes drop the GPU configuration");
    }
  }
}

Outcome ExtensionActuator::Delete(const gardener::ActuatorContext& ctx, const json& obj) {
  return RemoveAll(ctx, obj, /*wait=*/true, /*keep_objects=*/false);
}

Outcome ExtensionActuator::ForceDelete(const gardener::ActuatorContext& ctx, const json& obj) {
  return RemoveAll(ctx, obj, /*wait=*/false, /*keep_objects=*/false);
}

Outcome ExtensionActuator::Migrate(const gardener::ActuatorContext& ctx, const json& obj) {
  return RemoveAll(ctx, obj, /*wait=*/true, /*keep_objects=*/true);
}

Outcome ExtensionActuator::Restore(const gardener::ActuatorContext& ctx, const json& obj) {
  return Reconcile(ctx, obj);
}

}  // namespace gpuext::gpu
