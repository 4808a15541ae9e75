// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// KubeletSimulator's workloads: the node agent per matching node (DaemonSets), the driver cache
// (StatefulSet) as local processes of the real binaries, and "all replicas ready" statuses for
// every other DaemonSet, Deployment and StatefulSet.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gpuext/files.h"
#include "gpuext/nodeagent/cache/config.h"
#include "gpuext/sha256.h"
#include "gpuext/yaml_json.h"
#include "kubelet_simulator_internal.h"

namespace gpuext::landscape {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kubelet_internal;

namespace {

// The agent's default --cache-token-file: where the chart mounts the projected token.
constexpr const char* kKsAgentCacheToken = "/var/run/secrets/gpu-driver-cache/token";
// A crashed container is started again after this long (kubelet's CrashLoopBackOff, short).
constexpr auto kKsRestartBackoff = std::chrono::seconds(5);

std::string KsMeta(const json& obj, const char* key) {
  return obj.value("metadata", json::object()).value(key, std::string());
}

std::int64_t KsGeneration(const json& obj) {
  return obj.value("metadata", json::object()).value("generation", std::int64_t{1});
}

std::int64_t KsReplicas(const json& obj) {
  const json spec = obj.value("spec", json::object());
  return spec.contains("replicas") && spec["replicas"].is_number_integer()
             ? spec["replicas"].get<std::int64_t>()
             : 1;
}

// The first container running `<program> <subcommand>`, or null.
const json* KsFindContainer(const json& pod_spec, const std::string& program,
                            const std::string& subcommand) {
  const auto it = pod_spec.find("containers");
  if (it == pod_spec.end() || !it->is_array()) {
    return nullptr;
  }
  for (const json& c : *it) {
    if (ContainerProgram(c) == program &&
        (subcommand.empty() || ContainerSubcommand(c) == subcommand)) {
      return &c;
    }
  }
  return nullptr;
}

std::string KsDigest(const std::string& volumes, const std::vector<std::string>& argv,
                     const std::vector<std::string>& env) {
  std::string all = volumes;
  for (const auto* list : {&argv, &env}) {
    for (const std::string& s : *list) {
      all += "\n" + s;
    }
  }
  return Sha256Hex(all);
}

// The cache server's config.yaml, rewritten for a local process: listen on the loopback port,
// every file path through the container's mounts (defaults are the chart's mount paths).
void KsRewriteCacheConfig(const fs::path& file, const MountTable& mounts, int port,
                          const fs::path& local_root) {
  const std::string text = ReadFileIfExists(file).value_or("");
  json doc = text.empty() ? json::object() : ParseYaml(text);
  if (!doc.is_object()) {
    doc = json::object();
  }
  const nodeagent::cache::CacheServerConfig defaults;
  json& server = doc["server"];
  if (!server.is_object()) {
    server = json::object();
  }
  server["listen"] = fmt::format("127.0.0.1:{}", port);
  const auto map = [&](json& parent, const char* key, const fs::path& fallback) {
    const std::string value = parent.value(key, fallback.string());
    if (value.starts_with(local_root.string() + "/")) {
      return;  // mapped already (the file was rewritten by an earlier pass)
    }
    if (const auto local = mounts.Map(value)) {
      parent[key] = local->string();
    }
  };
  map(server, "dataDir", defaults.data_dir);
  map(server, "signingKeyFile", defaults.signing_key_file);
  map(server, "uploadHMACFile", defaults.upload_hmac_file);
  json& tls = server["tls"];
  if (!tls.is_object()) {
    tls = json::object();
  }
  map(tls, "certFile", defaults.tls_cert_file);
  map(tls, "keyFile", defaults.tls_key_file);
  if (server.contains("auth") && server["auth"].contains("sharedTokenFile")) {
    map(server["auth"], "sharedTokenFile", "");
  }
  WriteFileAtomically(file, ToYaml(doc), 0644);
}

// The config file a gpu-driver-cache container reads (its --config flag, else the default).
std::optional<fs::path> KsCacheConfigFile(const json& container, const MountTable& mounts) {
  std::string path = "/etc/gpu-driver-cache/config/config.yaml";
  const json args = container.value("args", json::array());
  for (const json& a : args) {
    const std::string arg = a.is_string() ? a.get<std::string>() : "";
    if (arg.starts_with("--config=")) {
      path = arg.substr(std::string_view("--config=").size());
    }
  }
  return mounts.Map(path);
}

}  // namespace

void KubeletSimulator::Impl::WriteStatusIfChanged(const kube::Resource& resource, const json& obj,
                                                  const json& status) {
  const json current = obj.value("status", json::object());
  bool same = true;
  for (const auto& [k, v] : status.items()) {
    same = same && current.contains(k) && current[k] == v;
  }
  if (same) {
    return;
  }
  shoot.Patch(resource, {KsMeta(obj, "namespace"), KsMeta(obj, "name")}, kube::PatchType::kMerge,
              {{"status", status}}, kube::Subresource::kStatus);
}

bool KubeletSimulator::Impl::EnsureProcess(const std::string& id,
                                           const std::vector<std::string>& argv,
                                           const std::vector<std::string>& env,
                                           const std::string& digest, const fs::path& log_file) {
  const auto now = std::chrono::steady_clock::now();
  int restarts = 0;
  if (const auto it = processes.find(id); it != processes.end()) {
    LocalProcess& p = it->second;
    const bool running = p.process && p.process->Running();
    if (running && p.digest == digest) {
      return true;
    }
    if (!running && now - p.started < kKsRestartBackoff) {
      return false;
    }
    restarts = p.restarts + 1;
    log.Info(running ? "Restarting SIMULATED container: its inputs changed"
                     : "Restarting SIMULATED container: the process exited",
             {{"id", id},
              {"exitCode", running ? 0 : p.process->Stop(0, std::chrono::milliseconds(0))},
              {"restarts", restarts},
              {"log", log_file.string()}});
    processes.erase(it);  // stops it (SIGTERM, then SIGKILL)
  }
  waiting.erase(id);
  fs::create_directories(log_file.parent_path());
  LocalProcess p{.id = id,
                 .digest = digest,
                 .process = std::make_unique<testing::BackgroundProcess>(argv, env, log_file),
                 .started = now,
                 .restarts = restarts};
  log.Info("Started SIMULATED container as a local process of the real binary",
           {{"id", id}, {"program", argv.front()}, {"log", log_file.string()}});
  processes[id] = std::move(p);
  CountStat([&](Stats& s) {
    if (id.starts_with("agent/")) {
      ++s.agents_started;
    } else {
      ++s.caches_started;
    }
  });
  return true;
}

void KubeletSimulator::Impl::NoteWaiting(const std::string& id, const std::string& reason) {
  std::string& last = waiting[id];
  if (last != reason) {
    log.Info("SIMULATED pod waits for its volumes", {{"id", id}, {"reason", reason}});
    last = reason;
  }
}

void KubeletSimulator::Impl::StopProcess(const std::string& id) {
  if (processes.erase(id) > 0) {
    log.Info("Stopped SIMULATED container", {{"id", id}});
    if (id.starts_with("agent/")) {
      CountStat([](Stats& s) { ++s.agents_stopped; });
    }
  }
}

void KubeletSimulator::Impl::SyncDaemonSet(const json& ds, const std::vector<json>& node_objects,
                                           std::set<std::string>& wanted) {
  const std::string ns = KsMeta(ds, "namespace");
  const std::string name = KsMeta(ds, "name");
  const json spec = ds.value("/spec/template/spec"_json_pointer, json::object());
  const json* agent = KsFindContainer(spec, kKsNodeAgent, "run");
  std::int64_t desired = 0;
  std::int64_t ready = 0;
  for (const json& node_obj : node_objects) {
    if (!NodeMatchesPodSpec(node_obj, spec)) {
      continue;
    }
    ++desired;
    const std::string node = KsMeta(node_obj, "name");
    if (agent == nullptr) {
      ++ready;  // not ours: SIMULATED as running
      continue;
    }
    const std::string id = fmt::format("agent/{}/{}@{}", ns, name, node);
    wanted.insert(id);
    const SimulatedNode& sim = nodes.at(node);
    const fs::path pod_dir = NodeDir(node) / "pods" / (ns + "_" + name);
    const fs::path host_root = NodeDir(node) / "host";
    const PodIdentity who{.ns = ns,
                          .name = name + "-" + node,
                          .node = node,
                          .service_account = spec.value("serviceAccountName", "default")};
    // Inputs first (a probe sandbox), so a running agent's volumes are only rewritten when it
    // is restarted with new ones.
    const auto build = [&](const fs::path& dir, std::vector<std::string>& argv,
                           std::vector<std::string>& env) {
      PodSandbox sandbox(shoot, dir, host_root, who, options.service_account_tokens);
      sandbox.PrepareVolumes(spec, {});
      const MountTable mounts = sandbox.Mounts(*agent);
      argv = sandbox.Argv(*agent, mounts, options.bin_dir);
      env = sandbox.Env(*agent, mounts);
      // What the SIMULATED node needs on top of the DaemonSet's own flags.
      argv.insert(
          argv.end(),
          {"--kernel-backend=simulated", "--host-root=" + host_root.string(), "--node-name=" + node,
           "--kubeconfig=" + options.shoot_kubeconfig.string(), "--namespace=" + ns,
           "--simulated-kernel-release=" + sim.kernel_release, "--log-format=text"});
      if (const auto token = mounts.Map(kKsAgentCacheToken)) {
        argv.push_back("--cache-token-file=" + token->string());
      }
      for (const std::string& entry : connect_to) {
        argv.push_back("--connect-to=" + entry);
      }
      return sandbox.VolumeDigest();
    };
    try {
      std::vector<std::string> argv;
      std::vector<std::string> env;
      const std::string digest = KsDigest(build(pod_dir / "probe", argv, env), argv, env);
      const std::string args_digest = KsDigest("", argv, env);
      if (const auto it = processes.find(id);
          it != processes.end() && it->second.process->Running()) {
        if (it->second.digest == digest) {
          ++ready;
          continue;
        }
        if (it->second.args_digest == args_digest) {
          // kubelet rewrites ConfigMap and Secret volumes of a running pod in place; the agent
          // watches its configuration file.
          build(pod_dir / "run", argv, env);
          it->second.digest = digest;
          log.Info("Updated the volumes of a running SIMULATED container in place", {{"id", id}});
          ++ready;
          continue;
        }
      }
      build(pod_dir / "run", argv, env);
      ready += EnsureProcess(id, argv, env, digest, pod_dir / "agent.log") ? 1 : 0;
      if (const auto it = processes.find(id); it != processes.end()) {
        it->second.args_digest = args_digest;
      }
    } catch (const PodNotReady& e) {
      NoteWaiting(id, e.what());
    }
  }
  WriteStatusIfChanged(kKsDaemonSets, ds,
                       {{"desiredNumberScheduled", desired},
                        {"currentNumberScheduled", desired},
                        {"updatedNumberScheduled", desired},
                        {"numberReady", ready},
                        {"numberAvailable", ready},
                        {"numberUnavailable", desired - ready},
                        {"numberMisscheduled", 0},
                        {"observedGeneration", KsGeneration(ds)}});
}

// The StatefulSet controller's PersistentVolumeClaim for a claim template, bound at once. The
// claim's data lives in `dir` for as long as that PVC (by UID) exists: a PVC deleted with its
// namespace takes the data with it, as a dynamically provisioned volume would.
void KubeletSimulator::Impl::EnsureClaim(const std::string& ns, const std::string& pvc_name,
                                         const json& claim_template, const fs::path& dir) {
  std::optional<json> pvc = shoot.Get(kKsPersistentVolumeClaims, {ns, pvc_name});
  if (!pvc) {
    pvc = shoot.Create(kKsPersistentVolumeClaims,
                       {{"apiVersion", "v1"},
                        {"kind", "PersistentVolumeClaim"},
                        {"metadata", {{"name", pvc_name}, {"namespace", ns}}},
                        {"spec", claim_template.value("spec", json::object())}});
    shoot.Patch(kKsPersistentVolumeClaims, {ns, pvc_name}, kube::PatchType::kMerge,
                {{"status", {{"phase", "Bound"}}}}, kube::Subresource::kStatus);
  }
  const std::string uid = (*pvc)["metadata"].value("uid", "");
  const fs::path uid_file = dir.parent_path() / (dir.filename().string() + ".uid");
  if (ReadFileIfExists(uid_file).value_or("") != uid) {
    fs::remove_all(dir);  // another PVC than the one this data belonged to
    fs::create_directories(dir);
    WriteFileAtomically(uid_file, uid, 0644);
  }
}

void KubeletSimulator::Impl::SyncStatefulSet(const json& sts, std::set<std::string>& wanted) {
  const std::string ns = KsMeta(sts, "namespace");
  const std::string name = KsMeta(sts, "name");
  const json spec = sts.value("/spec/template/spec"_json_pointer, json::object());
  const json* cache = KsFindContainer(spec, kKsDriverCache, "");
  std::int64_t ready = KsReplicas(sts);
  if (cache != nullptr) {
    // One replica runs (the filesystem backend allows only one anyway).
    const std::string id = fmt::format("cache/{}/{}", ns, name);
    wanted.insert(id);
    if (!service_ports.contains(id)) {
      service_ports[id] = testing::FreeLoopbackPort();
    }
    const int port = service_ports[id];
    std::vector<std::string> claims;
    const fs::path pod_dir = options.work_dir / "pods" / ns / (name + "-0");
    const json templates = sts.value("/spec/volumeClaimTemplates"_json_pointer, json::array());
    for (const json& t : templates) {
      claims.push_back(KsMeta(t, "name"));
      EnsureClaim(ns, KsMeta(t, "name") + "-" + name + "-0", t,
                  pod_dir / "run" / "claims" / KsMeta(t, "name"));
    }
    const PodIdentity who{.ns = ns,
                          .name = name + "-0",
                          .node = "",
                          .service_account = spec.value("serviceAccountName", "default")};
    const auto build = [&](const fs::path& dir, std::vector<std::string>& argv,
                           std::vector<std::string>& env) {
      PodSandbox sandbox(shoot, dir, dir / "host", who, options.service_account_tokens);
      sandbox.PrepareVolumes(spec, claims);
      const MountTable mounts = sandbox.Mounts(*cache);
      if (const auto config = KsCacheConfigFile(*cache, mounts)) {
        KsRewriteCacheConfig(*config, mounts, port, options.work_dir);
      }
      argv = sandbox.Argv(*cache, mounts, options.bin_dir);
      argv.insert(argv.end(),
                  {"--kubeconfig=" + options.shoot_kubeconfig.string(), "--log-format=text"});
      env = sandbox.Env(*cache, mounts);
      return sandbox.VolumeDigest();
    };
    ready = 0;
    try {
      std::vector<std::string> argv;
      std::vector<std::string> env;
      const std::string digest = KsDigest(build(pod_dir / "probe", argv, env), argv, env);
      if (const auto it = processes.find(id);
          it != processes.end() && it->second.digest == digest && it->second.process->Running()) {
        ready = 1;
      } else {
        // The claims stay in run/claims across restarts, as a PersistentVolume would.
        build(pod_dir / "run", argv, env);
        ready = EnsureProcess(id, argv, env, digest, pod_dir / "server.log") ? 1 : 0;
      }
    } catch (const PodNotReady& e) {
      NoteWaiting(id, e.what());
    }
  }
  WriteStatusIfChanged(kKsStatefulSets, sts,
                       {{"replicas", KsReplicas(sts)},
                        {"readyReplicas", ready},
                        {"currentReplicas", ready},
                        {"updatedReplicas", ready},
                        {"availableReplicas", ready},
                        {"observedGeneration", KsGeneration(sts)}});
}

void KubeletSimulator::Impl::SyncDeployment(const json& deploy) {
  const std::int64_t replicas = KsReplicas(deploy);
  WriteStatusIfChanged(kKsDeployments, deploy,
                       {{"replicas", replicas},
                        {"readyReplicas", replicas},
                        {"availableReplicas", replicas},
                        {"updatedReplicas", replicas},
                        {"observedGeneration", KsGeneration(deploy)},
                        {"conditions",
                         {{{"type", "Available"},
                           {"status", "True"},
                           {"reason", "MinimumReplicasAvailable"},
                           {"message", "SIMULATED: every replica is ready"}}}}});
}

void KubeletSimulator::Impl::RefreshServiceMappings() {
  std::vector<std::string> entries;
  const json services = shoot.List(kKsServices, {});
  for (const auto& [id, port] : service_ports) {
    if (!processes.contains(id)) {
      continue;
    }
    // id = "cache/<ns>/<name>": Services of that namespace whose selector picks the pods.
    const auto first = id.find('/');
    const auto second = id.find('/', first + 1);
    const std::string ns = id.substr(first + 1, second - first - 1);
    const std::string name = id.substr(second + 1);
    const auto sts = shoot.Get(kKsStatefulSets, {ns, name});
    if (!sts) {
      continue;
    }
    const json labels = sts->value("/spec/template/metadata/labels"_json_pointer, json::object());
    for (const json& svc : services["items"]) {
      const json selector = svc.value("/spec/selector"_json_pointer, json::object());
      if (KsMeta(svc, "namespace") != ns || selector.empty()) {
        continue;
      }
      bool match = true;
      for (const auto& [k, v] : selector.items()) {
        match = match && labels.contains(k) && labels[k] == v;
      }
      if (!match) {
        continue;
      }
      const json ports = svc.value("/spec/ports"_json_pointer, json::array());
      for (const json& p : ports) {
        entries.push_back(fmt::format("{}.{}.svc:{}:127.0.0.1:{}", KsMeta(svc, "name"), ns,
                                      p.value("port", 0), port));
      }
    }
  }
  std::sort(entries.begin(), entries.end());
  if (entries != connect_to) {
    log.Info("SIMULATED Service routing changed",
             {{"connectTo", fmt::format("{}", fmt::join(entries, " "))}});
    connect_to = std::move(entries);
  }
}

void KubeletSimulator::Impl::SyncWorkloads() {
  const std::vector<json> node_objects = SimulatedNodes();
  std::set<std::string> wanted;
  const auto each = [&](const kube::Resource& resource, const std::function<void(const json&)>& f) {
    const json list = shoot.List(resource, {});
    for (const json& obj : list["items"]) {
      try {
        f(obj);
      } catch (const std::exception& e) {
        log.Error(e, "SIMULATED workload sync failed",
                  {{"resource", resource.resource},
                   {"namespace", KsMeta(obj, "namespace")},
                   {"name", KsMeta(obj, "name")}});
      }
    }
  };
  // Servers first: the agents' --connect-to names their loopback ports.
  each(kKsStatefulSets, [&](const json& sts) { SyncStatefulSet(sts, wanted); });
  RefreshServiceMappings();
  each(kKsDaemonSets, [&](const json& ds) { SyncDaemonSet(ds, node_objects, wanted); });
  each(kKsDeployments, [&](const json& d) { SyncDeployment(d); });
  std::vector<std::string> gone;
  for (const auto& [id, p] : processes) {
    if (!wanted.contains(id)) {
      gone.push_back(id);
    }
  }
  for (const std::string& id : gone) {
    StopProcess(id);
  }
  if (!gone.empty()) {
    RefreshServiceMappings();
  }
}

}  // namespace gpuext::landscape
