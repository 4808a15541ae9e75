// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// KubeletSimulator: the SIMULATED nodes of a local landscape's shoot (DESIGN.md §21.2 "Node
// simulator", docs/landscape.md). The shoot is a kube-emulator: it stores objects, but nothing
// runs Pods. This class plays kubelet, the scheduler, the Job and workload controllers' status
// writes, and the NVIDIA device plugin, as thinly as it can, and runs OUR real binaries as local
// processes wherever a real kubelet would run our containers:
//
//   - per simulated node and matching DaemonSet whose container is `gpu-node-agent run`: the
//     real agent with --kernel-backend=simulated over the node's SIMULATED host tree;
//   - the StatefulSet whose container is `gpu-driver-cache`: the real cache server on a loopback
//     port (reached through `--connect-to`, so TLS still checks the Service name);
//   - each Job whose containers are `gpu-node-agent copy-bundle` / `gpu-node-agent build`: the
//     real commands, with the Job's volumes as directories under work_dir.
//
// Volumes become files under work_dir (ConfigMaps, Secrets, projected tokens, emptyDirs,
// claims), hostPath volumes map into the node's host tree, and every absolute path in a
// container's command, args and env that lies under one of its mounts is rewritten to the local
// directory. Everything else in the shoot (other DaemonSets, Deployments, StatefulSets) only
// gets a status saying all replicas are ready.
//
//   KubeletSimulator kubelet(shoot, {.work_dir = dir, .bin_dir = "build/bin",
//                                    .shoot_kubeconfig = kubeconfig,
//                                    .service_account_tokens = {{"gpu-node-agent/gpu-node-agent",
//                                                                token}}});
//   kubelet.AddNode({.name = "gpu-1", .pool = "gpu", .kernel_release = "6.1.0-56-amd64"});
//   std::jthread loop([&](std::stop_token stop) { kubelet.Run(stop); });
//
// Thread safety: every method is safe for concurrent use (one mutex serialises the sync pass
// and the node changes; Jobs run on their own threads; stats() has its own lock).

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "gpuext/kube/client.h"
#include "gpuext/logger.h"

namespace gpuext::landscape {

// One SIMULATED node: a Node object plus a host tree (sysfs with NVIDIA PCI devices, procfs,
// /etc/os-release of Garden Linux) under work_dir/nodes/<name>/host.
struct SimulatedNode {
  std::string name = {};
  std::string pool = {};            // label worker.gardener.cloud/pool
  std::string kernel_release = {};  // e.g. 6.1.0-56-amd64: nodeInfo and the agent's kernel
  std::string garden_linux_version = "1877.3";
  int gpus = 1;  // H100s on the PCI bus; 0 makes a CPU node
  std::string arch = "amd64";
  std::map<std::string, std::string> labels = {};  // extra Node labels
};

struct KubeletSimulatorOptions {
  std::filesystem::path work_dir = {};          // host trees, pod volumes, process logs
  std::filesystem::path bin_dir = {};           // gpu-node-agent, gpu-driver-cache
  std::filesystem::path shoot_kubeconfig = {};  // handed to the processes as --kubeconfig
  std::filesystem::path headers_root = "/";     // real kernel headers for builds
  std::chrono::milliseconds poll_interval = std::chrono::milliseconds(500);
  // ServiceAccount tokens by "<namespace>/<name>", written into projected token volumes. The
  // kube-emulator has no TokenRequest API; it authenticates (and TokenReview accepts) the
  // tokens it was started with, so the landscape starts the shoot emulator with e.g.
  // system:serviceaccount:gpu-node-agent:gpu-node-agent=<token> and passes the same here.
  std::map<std::string, std::string> service_account_tokens = {};
  Logger logger = Logger::Root().WithName("kubelet-simulator");
};

class KubeletSimulator {
 public:
  // What happened, for the demo narration and e2e assertions.
  struct Stats {
    int agents_started = 0;  // agent processes started (restarts included)
    int agents_stopped = 0;
    int agents_running = 0;
    int caches_started = 0;
    int jobs_started = 0;
    int builds_started = 0;  // Jobs running `gpu-node-agent build`
    int builds_succeeded = 0;
    int builds_failed = 0;
    std::map<std::string, int> builds_per_key = {};  // artifact key path -> builds
    int pods_bound = 0;
  };

  // `shoot` (the shoot emulator's client) must outlive the simulator. Creates work_dir.
  KubeletSimulator(kube::Client& shoot, KubeletSimulatorOptions options);
  // Stops every process it started and joins the Job threads.
  ~KubeletSimulator();
  KubeletSimulator(const KubeletSimulator&) = delete;
  KubeletSimulator& operator=(const KubeletSimulator&) = delete;

  // Creates the Node (labels kubernetes.io/{hostname,arch,os}, worker.gardener.cloud/pool,
  // worker.gardener.cloud/cri-name=containerd; status nodeInfo with the kernel and Garden Linux,
  // condition Ready) and its host tree. Throws gpuext::Error(kInvalidArgument) for an empty or
  // duplicate name.
  void AddNode(const SimulatedNode& node);
  // OS upgrade: the node reboots into `kernel_release`. Its volatile host state (run/, loaded
  // modules, device nodes) is reset, nodeInfo.kernelVersion is updated, and its agents restart
  // at the next sync. Throws Error(kNotFound) for an unknown node.
  void SetKernel(const std::string& node, const std::string& kernel_release);
  // Stops the node's processes and deletes the Node object (its host tree stays for reading).
  void RemoveNode(const std::string& node);

  // One pass: workloads (agents, cache, statuses), Jobs, device plugin, scheduler. A failure of
  // one object is logged and does not stop the pass.
  void SyncOnce();
  // SyncOnce every poll_interval until `stop`.
  void Run(std::stop_token stop);

  [[nodiscard]] Stats stats() const;
  // The host tree of a node (work_dir/nodes/<name>/host).
  [[nodiscard]] std::filesystem::path HostRoot(const std::string& node) const;
  // The --connect-to entries of the Services this simulator serves locally
  // ("<svc>.<ns>.svc:<port>:127.0.0.1:<local port>").
  [[nodiscard]] std::vector<std::string> ConnectTo() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpuext::landscape
