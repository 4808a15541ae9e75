// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/container_runtime_actuator.h"

#include <algorithm>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actuator_support.h"
#include "agent_uninstall.h"
#include "gpuext/error.h"
#include "gpuext/gardener/cluster.h"
#include "gpuext/gardener/extension_reconciler.h"
#include "gpuext/gardener/managed_resource.h"
#include "gpuext/gpu/chart_values.h"
#include "gpuext/gpu/names.h"
#include "gpuext/gpu/node_config.h"
#include "gpuext/gpu/seed_secrets.h"
#include "gpuext/gpu/shoot_access.h"
#include "gpuext/gpu/shoot_plan.h"
#include "gpuext/gpu/shoot_secrets.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpu {
namespace {

using gardener::Outcome;
using internal::NamespaceOf;
using internal::RequireCluster;
using nlohmann::json;
namespace api = gpuruntime::api;

std::string PoolNameOf(const json& obj) {
  const json name = obj.value("/spec/workerPool/name"_json_pointer, json());
  if (!name.is_string() || name.get<std::string>().empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "spec.workerPool.name: Required value: the ContainerRuntime names no worker pool");
  }
  return name.get<std::string>();
}

// Whether another `nvidia` ContainerRuntime of the namespace still needs the shared objects.
bool OtherPoolsRemain(kube::Client& seed, const std::string& ns, const std::string& self) {
  const json list = seed.List(gardener::kContainerRuntimes, {.ns = ns});
  for (const json& item : list.value("items", json::array())) {
    if (item.value("/spec/type"_json_pointer, json()) != kRuntimeType ||
        item["metadata"].value("name", "") == self ||
        item["metadata"].contains("deletionTimestamp")) {
      continue;
    }
    return true;
  }
  return false;
}

}  // namespace

ContainerRuntimeActuator::ContainerRuntimeActuator(const api::ControllerConfiguration& component,
                                                   const ShootCharts& charts,
                                                   ActuatorOptions options)
    : component_(component), charts_(charts), options_(options) {}

Outcome ContainerRuntimeActuator::Reconcile(const gardener::ActuatorContext& ctx, const json& obj) {
  const gardener::Cluster& cluster = RequireCluster(ctx);
  const std::string ns = NamespaceOf(obj);
  const std::string pool_name = PoolNameOf(obj);
  const ShootPlan plan = PlanShoot(cluster, component_);
  const auto pool = std::find_if(plan.pools.begin(), plan.pools.end(),
                                 [&](const api::ResolvedPool& p) { return p.name == pool_name; });
  if (pool == plan.pools.end()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "spec.provider.workers: worker pool \"" + pool_name +
                    "\" has no nvidia container runtime in the shoot; add it to "
                    "cri.containerRuntimes or remove this ContainerRuntime");
  }

  // The Extension actuator creates the same Secrets; whoever comes first creates them.
  ManifestTrust trust;
  if (plan.cache.deploys_server() || !plan.cache.signing_key_seed_secret.empty()) {
    const CacheSecrets secrets = EnsureCacheSecrets(ctx.seed, ns, plan.cache, ctx.clock);
    trust.signing_public_key = secrets.signing_public_key;
    if (plan.cache.deploys_server()) {
      trust.cache_ca_bundle = secrets.ca_pem;
    }
  }
  const std::string& image = component_.images.node_agent;
  const std::string& kube = plan.kubernetes_version;
  gardener::ManagedResources mrs(ctx.seed, ctx.clock, std::string(kOrigin));

  const RenderedChart shared = charts_.Render(
      kNodeAgentChart, AgentSharedChartValues(image, trust.cache_ca_bundle), kAgentNamespace, kube);
  gardener::ManagedResourceSpec shared_spec{
      .ns = ns, .name = std::string(kAgentSharedMr), .data = {{"objects.yaml", shared.objects}}};
  if (plan.cache.mode == api::CacheMode::kS3 && plan.cache.s3.has_value()) {
    shared_spec.data["secrets.yaml"] =
        "---\n" +
        ToYaml(S3CredentialsSecret(ctx.seed, ns, *plan.cache.s3, kS3ReadSecret, kAgentNamespace));
  }
  mrs.Deploy(shared_spec);

  const api::AgentConfiguration agent = BuildAgentConfiguration(*pool, plan, trust);
  const json match_labels =
      obj.value("/spec/workerPool/selector/matchLabels"_json_pointer, json::object());
  const RenderedChart pool_chart = charts_.Render(
      kNodeAgentChart, AgentPoolChartValues(image, pool_name, match_labels, agent, plan.cache),
      kAgentNamespace, kube);
  const bool first = !mrs.CheckHealth(ns, AgentMrName(pool_name)).exists;
  mrs.Deploy(
      {.ns = ns, .name = AgentMrName(pool_name), .data = {{"objects.yaml", pool_chart.objects}}});
  if (first && options_.events != nullptr) {
    options_.events->Event(obj, kube::EventType::kNormal, "NodeAgentDeployed",
                           "gpu-node-agent-" + pool_name + " deployed for driver " +
                               agent.driver.version + " on the pool's nodes");
  }
  return Outcome::Done();
}

Outcome ContainerRuntimeActuator::Remove(const gardener::ActuatorContext& ctx, const json& obj,
                                         bool wait, bool keep_objects) {
  const std::string ns = NamespaceOf(obj);
  const std::string name = obj["metadata"]["name"].get<std::string>();
  const std::string pool_mr = AgentMrName(PoolNameOf(obj));
  gardener::ManagedResources mrs(ctx.seed, ctx.clock, std::string(kOrigin));
  if (wait && !keep_objects) {
    if (const std::optional<Outcome> pending = AwaitUninstall(ctx, obj, PoolNameOf(obj))) {
      return *pending;
    }
  }
  if (mrs.CheckHealth(ns, pool_mr).exists) {
    if (keep_objects) {
      mrs.SetKeepObjects(ns, pool_mr, true);
    }
    mrs.Destroy(ns, pool_mr);
    if (wait && mrs.CheckHealth(ns, pool_mr).exists) {
      ctx.log.Info("Waiting for resource-manager to remove the pool's node agent",
                   {{"managedResource", pool_mr}});
      return Outcome::RequeueAfter(options_.cleanup_poll);
    }
  }
  // Migration moves every pool at once and keeps the shoot's objects, so any pool may release
  // the shared MR; deletion keeps it while another pool still uses it.
  if (!keep_objects && OtherPoolsRemain(ctx.seed, ns, name)) {
    return Outcome::Done();
  }
  const std::string shared_mr(kAgentSharedMr);
  if (mrs.CheckHealth(ns, shared_mr).exists) {
    if (keep_objects) {
      mrs.SetKeepObjects(ns, shared_mr, true);
    }
    mrs.Destroy(ns, shared_mr);
    if (wait && mrs.CheckHealth(ns, shared_mr).exists) {
      return Outcome::RequeueAfter(options_.cleanup_poll);
    }
  }
  return Outcome::Done();
}

std::optional<Outcome> ContainerRuntimeActuator::AwaitUninstall(
    const gardener::ActuatorContext& ctx, const json& obj, const std::string& pool) {
  // A shoot being deleted or hibernated loses its nodes anyway; only a pool that drops the
  // runtime on a running shoot keeps nodes that must let go of the driver.
  if (!options_.shoot_client || !ctx.cluster.has_value() || ctx.cluster->IsBeingDeleted() ||
      ctx.cluster->IsHibernated()) {
    return std::nullopt;
  }
  const std::string ns = NamespaceOf(obj);
  const std::string pool_mr = AgentMrName(pool);
  gardener::ManagedResources mrs(ctx.seed, ctx.clock, std::string(kOrigin));
  std::optional<gardener::ManagedResourceContent> content = mrs.Read(ns, pool_mr);
  if (!content) {
    return std::nullopt;  // no agent was ever deployed: nothing to uninstall
  }
  const auto now = ctx.clock.Now();
  const std::string since_label(internal::kUninstallSinceLabel);
  const auto since = content->labels.find(since_label);
  if (since == content->labels.end()) {
    try {
      content->data["objects.yaml"] =
          internal::WithAgentUninstallMode(content->data["objects.yaml"], pool);
    } catch (const Error& e) {
      ctx.log.Error(e, "Cannot switch the node agent to uninstall; removing it without");
      return std::nullopt;
    }
    std::map<std::string, std::string> labels = content->labels;
    labels.erase("origin");  // Deploy sets it
    labels[since_label] = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    mrs.Deploy({.ns = ns, .name = pool_mr, .data = content->data, .labels = labels});
    ctx.log.Info("Uninstalling the driver from the pool's nodes", {{"pool", pool}});
    if (options_.events != nullptr) {
      options_.events->Event(obj, kube::EventType::kNormal, "DriverUninstalling",
                             "the node agents of pool " + pool +
                                 " unload and remove the driver before they are removed");
    }
    return Outcome::RequeueAfter(options_.cleanup_poll);
  }

  const auto started = std::chrono::system_clock::time_point(
      std::chrono::seconds(std::strtoll(since->second.c_str(), nullptr, 10)));
  const bool timed_out = now - started >= options_.uninstall_timeout;
  std::vector<std::string> waiting;
  try {
    const std::unique_ptr<kube::Client> shoot = options_.shoot_client(ctx.seed, ns);
    const json list =
        shoot->List(kShootNodes, {.label_selector = internal::PoolNodeSelector(obj, pool)});
    waiting = internal::NodesNotUninstalled(list.value("items", std::vector<json>()));
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kNotFound || e.code() == ErrorCode::kNotReady) {
      // No shoot access was ever set up (no kubeconfig or token): nothing can be observed.
      ctx.log.Info("No shoot access for the uninstall; removing the node agent",
                   {{"pool", pool}, {"reason", e.what()}});
      return std::nullopt;
    }
    ctx.log.Error(e, "Cannot read the pool's nodes for the uninstall");
    waiting = {"(shoot unreachable)"};
  } catch (const std::exception& e) {
    ctx.log.Error(e, "Cannot read the pool's nodes for the uninstall");
    waiting = {"(shoot unreachable)"};
  }
  if (waiting.empty()) {
    return std::nullopt;
  }
  if (!timed_out) {
    ctx.log.Info("Waiting for the pool's nodes to uninstall the driver",
                 {{"pool", pool}, {"waiting", std::to_string(waiting.size())}});
    return Outcome::RequeueAfter(options_.cleanup_poll);
  }
  std::string names;
  for (const std::string& name : waiting) {
    names += (names.empty() ? "" : ", ") + name;
  }
  if (options_.events != nullptr) {
    options_.events->Event(
        obj, kube::EventType::kWarning, "DriverUninstallTimedOut",
        "not every node of pool " + pool + " reported Uninstalled within " +
            std::to_string(options_.uninstall_timeout.count()) +
            " s; removing the node agent anyway (the driver stays loaded until the node "
            "reboots): " +
            names);
  }
  return std::nullopt;
}

Outcome ContainerRuntimeActuator::Delete(const gardener::ActuatorContext& ctx, const json& obj) {
  return Remove(ctx, obj, /*wait=*/true, /*keep_objects=*/false);
}

Outcome ContainerRuntimeActuator::ForceDelete(const gardener::ActuatorContext& ctx,
                                              const json& obj) {
  return Remove(ctx, obj, /*wait=*/false, /*keep_objects=*/false);
}

Outcome ContainerRuntimeActuator::Migrate(const gardener::ActuatorContext& ctx, const json& obj) {
  return Remove(ctx, obj, /*wait=*/true, /*keep_objects=*/true);
}

Outcome ContainerRuntimeActuator::Restore(const gardener::ActuatorContext& ctx, const json& obj) {
  return Reconcile(ctx, obj);
}

}  // namespace gpuext::gpu
