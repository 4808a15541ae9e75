// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private parts of KubeletSimulator (kubelet_simulator*.cpp): the state one sync pass works on,
// and the SIMULATED "container runtime" that turns a Pod template's volumes, mounts, command and
// env into local files, paths and a process.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/kube/client.h"
#include "gpuext/landscape/kubelet_simulator.h"
#include "gpuext/logger.h"
#include "gpuext/testing/process.h"

namespace gpuext::landscape {
namespace kubelet_internal {

inline const kube::Resource kKsNodes{"", "v1", "nodes", false};
inline const kube::Resource kKsPods{"", "v1", "pods", true};
inline const kube::Resource kKsConfigMaps{"", "v1", "configmaps", true};
inline const kube::Resource kKsSecrets{"", "v1", "secrets", true};
inline const kube::Resource kKsPersistentVolumeClaims{"", "v1", "persistentvolumeclaims", true};
inline const kube::Resource kKsServices{"", "v1", "services", true};
inline const kube::Resource kKsDaemonSets{"apps", "v1", "daemonsets", true};
inline const kube::Resource kKsDeployments{"apps", "v1", "deployments", true};
inline const kube::Resource kKsStatefulSets{"apps", "v1", "statefulsets", true};
inline const kube::Resource kKsJobs{"batch", "v1", "jobs", true};

inline constexpr const char* kKsDriverReadyLabel = "gpu.extensions.gardener.cloud/driver-ready";
inline constexpr const char* kKsGpuResource = "nvidia.com/gpu";
inline constexpr const char* kKsNodeAgent = "gpu-node-agent";
inline constexpr const char* kKsDriverCache = "gpu-driver-cache";

// A referenced ConfigMap or Secret does not exist yet: the pod waits (kubelet's
// ContainerCreating), it is not a failure.
class PodNotReady : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Who the pod is, for fieldRef env values and downwardAPI files.
struct PodIdentity {
  std::string ns = {};
  std::string name = {};
  std::string node = {};
  std::string service_account = {};
};

// Container path prefix -> local path, longest prefix first.
class MountTable {
 public:
  void Add(std::string container_path, std::filesystem::path local);
  // The local path for `path` when it lies under a mount; nullopt otherwise.
  [[nodiscard]] std::optional<std::filesystem::path> Map(std::string_view path) const;
  // "/p" and "--flag=/p" with the path mapped; anything else unchanged.
  [[nodiscard]] std::string MapArg(const std::string& arg) const;

 private:
  std::vector<std::pair<std::string, std::filesystem::path>> mounts_;  // sorted, longest first
};

// The SIMULATED container runtime for one pod: volumes as directories below `pod_dir`
// (volumes/<name>), hostPath volumes below `host_root`.
class PodSandbox {
 public:
  PodSandbox(kube::Client& shoot, std::filesystem::path pod_dir, std::filesystem::path host_root,
             PodIdentity who, const std::map<std::string, std::string>& tokens);

  // Writes every volume of `pod_spec` (and the claims of `claim_names`, kept across restarts).
  // Throws PodNotReady naming a missing ConfigMap/Secret.
  void PrepareVolumes(const nlohmann::json& pod_spec, const std::vector<std::string>& claim_names);
  // The mounts of one container.
  [[nodiscard]] MountTable Mounts(const nlohmann::json& container) const;
  // command + args with paths mapped; a program under a mount runs from there, one named by its
  // base name only (the image's PATH) from `bin_dir`.
  [[nodiscard]] std::vector<std::string> Argv(const nlohmann::json& container,
                                              const MountTable& mounts,
                                              const std::filesystem::path& bin_dir) const;
  // NAME=value of env (value, fieldRef), absolute paths mapped. PATH is left to the parent.
  [[nodiscard]] std::vector<std::string> Env(const nlohmann::json& container,
                                             const MountTable& mounts) const;
  // sha256 over every file below volumes/ except emptyDirs: a content change restarts the pod.
  [[nodiscard]] std::string VolumeDigest() const;
  [[nodiscard]] const std::filesystem::path& pod_dir() const { return pod_dir_; }

 private:
  void WriteKeyed(const std::filesystem::path& dir, const nlohmann::json& data, bool base64,
                  const nlohmann::json& items);
  void ConfigMapVolume(const std::filesystem::path& dir, const nlohmann::json& source);
  void SecretVolume(const std::filesystem::path& dir, const nlohmann::json& source);
  void ProjectedVolume(const std::filesystem::path& dir, const nlohmann::json& source);
  [[nodiscard]] std::string FieldRef(const std::string& path) const;

  kube::Client& shoot_;
  std::filesystem::path pod_dir_;
  std::filesystem::path host_root_;
  PodIdentity who_;
  const std::map<std::string, std::string>& tokens_;
  std::map<std::string, std::filesystem::path> volumes_;  // volume name -> local path
  std::set<std::string> empty_dirs_;
};

// The base name of a container's program (command[0], else the first arg): "gpu-node-agent".
[[nodiscard]] std::string ContainerProgram(const nlohmann::json& container);
// The first argument after the program (the sub-command): "run", "build", "copy-bundle".
[[nodiscard]] std::string ContainerSubcommand(const nlohmann::json& container);

// Scheduling predicates (nodeSelector plus required nodeAffinity terms; taints are not
// simulated, every pod here tolerates what our nodes have: nothing).
[[nodiscard]] bool NodeMatchesPodSpec(const nlohmann::json& node, const nlohmann::json& pod_spec);

// A local process of a simulated container, restarted by the sync when it exits.
struct LocalProcess {
  std::string id;                // "<kind>/<ns>/<name>[@node]"
  std::string digest;            // inputs it was started with (argv, env, volume contents)
  std::string args_digest = {};  // argv and env only (volumes may change in place)
  std::unique_ptr<testing::BackgroundProcess> process;
  std::chrono::steady_clock::time_point started = {};
  int restarts = 0;
};

// One Job being run by a thread of its own.
struct JobRun {
  std::string uid;
  std::jthread thread;
  std::atomic<bool> done{false};
};

}  // namespace kubelet_internal

struct KubeletSimulator::Impl {
  Impl(kube::Client& shoot_client, KubeletSimulatorOptions opts);

  // kubelet_simulator_workloads.cpp
  void SyncWorkloads();
  void SyncDaemonSet(const nlohmann::json& ds, const std::vector<nlohmann::json>& nodes,
                     std::set<std::string>& wanted);
  void SyncStatefulSet(const nlohmann::json& sts, std::set<std::string>& wanted);
  void EnsureClaim(const std::string& ns, const std::string& pvc_name,
                   const nlohmann::json& claim_template, const std::filesystem::path& dir);
  void SyncDeployment(const nlohmann::json& deploy);
  // Starts or restarts `id` when not running or its inputs changed. Returns whether it runs.
  bool EnsureProcess(const std::string& id, const std::vector<std::string>& argv,
                     const std::vector<std::string>& env, const std::string& digest,
                     const std::filesystem::path& log_file);
  void StopProcess(const std::string& id);
  // Logs why a pod cannot start yet, once per new reason (the sync runs every poll interval).
  void NoteWaiting(const std::string& id, const std::string& reason);
  void WriteStatusIfChanged(const kube::Resource& resource, const nlohmann::json& obj,
                            const nlohmann::json& status);
  void RefreshServiceMappings();

  // kubelet_simulator_jobs.cpp
  void SyncJobs();
  // On a Job thread; `routes` are the --connect-to entries when the Job was picked up.
  void RunJob(const nlohmann::json& job, const std::vector<std::string>& routes,
              std::stop_token stop);
  // The exit code, or -1 when killed (stop, deadline, Job deleted).
  int RunJobContainer(const nlohmann::json& job, kubelet_internal::PodSandbox& sandbox,
                      const nlohmann::json& container, const std::vector<std::string>& routes,
                      std::stop_token stop, std::chrono::steady_clock::time_point deadline);

  // kubelet_simulator_scheduler.cpp
  void SyncDevicePlugin(std::vector<nlohmann::json>& nodes);
  void SyncPods(const std::vector<nlohmann::json>& nodes);

  [[nodiscard]] std::vector<nlohmann::json> SimulatedNodes();
  [[nodiscard]] std::filesystem::path NodeDir(const std::string& node) const;
  void CountStat(const std::function<void(Stats&)>& change);

  kube::Client& shoot;
  const KubeletSimulatorOptions options;
  Logger log;

  std::mutex mu;  // serialises SyncOnce and the node changes; guards everything below
  std::map<std::string, SimulatedNode> nodes;
  std::map<std::string, kubelet_internal::LocalProcess> processes;  // by id
  std::map<std::string, int> service_ports;    // "<kind>/<ns>/<name>" -> loopback port
  std::vector<std::string> connect_to;         // --connect-to of the local Services
  std::map<std::string, std::string> waiting;  // process id -> why its pod waits
  std::map<std::string, std::unique_ptr<kubelet_internal::JobRun>> jobs;  // by Job uid
  std::set<std::string> finished_jobs;                                    // uids run to the end

  mutable std::mutex stats_mu;  // guards stats_value
  Stats stats_value;
};

}  // namespace gpuext::landscape
