// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// KubeletSimulator: nodes (Node objects and SIMULATED host trees), the sync pass and its loop.
#include "gpuext/landscape/kubelet_simulator.h"

#include <condition_variable>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/testing/host_tree.h"
#include "gpuext/time_format.h"
#include "kubelet_simulator_internal.h"

namespace gpuext::landscape {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kubelet_internal;

namespace {

// Distinct PCI addresses for a node's GPUs: 0000:18:00.0, 0000:19:00.0, ...
std::string KsGpuAddress(int index) { return fmt::format("0000:{:02x}:00.0", 0x18 + index); }

// Writes the boot-time state of a node's host: Garden Linux, an idle kernel, its GPUs.
void KsWriteBootedHost(const fs::path& root, const SimulatedNode& node) {
  testing::HostTree tree(root);
  tree.GardenLinux(node.garden_linux_version)
      .IdleKernel()
      .File("sys/module/firmware_class/parameters/path", "");
  for (int i = 0; i < node.gpus; ++i) {
    tree.H100(KsGpuAddress(i));
  }
}

json KsNodeObject(const SimulatedNode& node) {
  json labels = {{"kubernetes.io/hostname", node.name},
                 {"kubernetes.io/arch", node.arch},
                 {"kubernetes.io/os", "linux"},
                 {"worker.gardener.cloud/pool", node.pool},
                 // The legacy pool label gardener still sets; ContainerRuntime
                 // workerPool.selector (and so the agent DaemonSet) matches on it.
                 {"worker.garden.sapcloud.io/group", node.pool},
                 {"worker.gardener.cloud/cri-name", "containerd"},
                 {"node.gardener.cloud/simulated", "true"}};
  for (const auto& [k, v] : node.labels) {
    labels[k] = v;
  }
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", node.name}, {"labels", labels}}},
          {"spec", json::object()}};
}

json KsNodeStatus(const SimulatedNode& node) {
  const std::string now = FormatRfc3339(std::chrono::system_clock::now());
  const json resources = {{"cpu", "8"}, {"memory", "64Gi"}, {"pods", "110"}};
  return {{"capacity", resources},
          {"allocatable", resources},
          {"nodeInfo",
           {{"kernelVersion", node.kernel_release},
            {"osImage", "Garden Linux " + node.garden_linux_version + " (SIMULATED)"},
            {"operatingSystem", "linux"},
            {"architecture", node.arch},
            {"containerRuntimeVersion", "containerd://SIMULATED"},
            {"kubeletVersion", "v1.31.0-simulated"}}},
          {"conditions",
           {{{"type", "Ready"},
             {"status", "True"},
             {"reason", "KubeletReady"},
             {"message", "SIMULATED kubelet is posting ready status"},
             {"lastHeartbeatTime", now},
             {"lastTransitionTime", now}}}}};
}

}  // namespace

KubeletSimulator::Impl::Impl(kube::Client& shoot_client, KubeletSimulatorOptions opts)
    : shoot(shoot_client), options(std::move(opts)), log(options.logger) {}

fs::path KubeletSimulator::Impl::NodeDir(const std::string& node) const {
  return options.work_dir / "nodes" / node;
}

void KubeletSimulator::Impl::CountStat(const std::function<void(Stats&)>& change) {
  std::lock_guard lock(stats_mu);
  change(stats_value);
}

std::vector<json> KubeletSimulator::Impl::SimulatedNodes() {
  std::vector<json> out;
  for (const auto& [name, node] : nodes) {
    if (auto obj = shoot.Get(kKsNodes, {"", name})) {
      out.push_back(std::move(*obj));
    }
  }
  return out;
}

KubeletSimulator::KubeletSimulator(kube::Client& shoot, KubeletSimulatorOptions options)
    : impl_(std::make_unique<Impl>(shoot, std::move(options))) {
  fs::create_directories(impl_->options.work_dir);
}

KubeletSimulator::~KubeletSimulator() {
  std::map<std::string, std::unique_ptr<JobRun>> jobs;
  {
    std::lock_guard lock(impl_->mu);
    jobs.swap(impl_->jobs);
  }
  for (auto& [uid, run] : jobs) {
    run->thread.request_stop();
  }
  jobs.clear();  // joins; each Job thread kills its process on stop
  std::lock_guard lock(impl_->mu);
  for (auto& [id, p] : impl_->processes) {
    impl_->log.Info("Stopping SIMULATED container process", {{"id", id}});
  }
  impl_->processes.clear();  // BackgroundProcess: SIGTERM, then SIGKILL
}

void KubeletSimulator::AddNode(const SimulatedNode& node) {
  if (node.name.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "SimulatedNode.name: required");
  }
  std::lock_guard lock(impl_->mu);
  if (impl_->nodes.contains(node.name)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("SimulatedNode.name: node {} exists already", node.name));
  }
  const fs::path root = impl_->NodeDir(node.name) / "host";
  fs::create_directories(root);
  KsWriteBootedHost(root, node);
  impl_->shoot.Create(kKsNodes, KsNodeObject(node));
  impl_->shoot.Patch(kKsNodes, {"", node.name}, kube::PatchType::kMerge,
                     {{"status", KsNodeStatus(node)}}, kube::Subresource::kStatus);
  impl_->nodes[node.name] = node;
  impl_->log.Info("SIMULATED node added", {{"node", node.name},
                                           {"pool", node.pool},
                                           {"kernel", node.kernel_release},
                                           {"gpus", node.gpus},
                                           {"hostRoot", root.string()}});
}

void KubeletSimulator::SetKernel(const std::string& node, const std::string& kernel_release) {
  std::lock_guard lock(impl_->mu);
  const auto it = impl_->nodes.find(node);
  if (it == impl_->nodes.end()) {
    throw Error(ErrorCode::kNotFound, "SIMULATED node " + node + " does not exist");
  }
  // The reboot: processes on the node end, tmpfs and kernel state are gone.
  for (auto p = impl_->processes.begin(); p != impl_->processes.end();) {
    p = p->first.ends_with("@" + node) ? impl_->processes.erase(p) : std::next(p);
  }
  it->second.kernel_release = kernel_release;
  const fs::path root = impl_->NodeDir(node) / "host";
  for (const char* volatile_dir : {"run", "dev", "proc", "sys/module"}) {
    fs::remove_all(root / volatile_dir);
  }
  KsWriteBootedHost(root, it->second);
  impl_->shoot.Patch(kKsNodes, {"", node}, kube::PatchType::kMerge,
                     {{"status", KsNodeStatus(it->second)}}, kube::Subresource::kStatus);
  impl_->log.Info("SIMULATED node rebooted into a new kernel",
                  {{"node", node}, {"kernel", kernel_release}});
}

void KubeletSimulator::RemoveNode(const std::string& node) {
  std::lock_guard lock(impl_->mu);
  if (impl_->nodes.erase(node) == 0) {
    return;
  }
  for (auto p = impl_->processes.begin(); p != impl_->processes.end();) {
    p = p->first.ends_with("@" + node) ? impl_->processes.erase(p) : std::next(p);
  }
  impl_->shoot.Delete(kKsNodes, {"", node});
  impl_->log.Info("SIMULATED node removed", {{"node", node}});
}

void KubeletSimulator::SyncOnce() {
  std::lock_guard lock(impl_->mu);
  // Each step is its own catch boundary: one broken object must not stop the others.
  const auto step = [&](const char* name, const std::function<void()>& run) {
    try {
      run();
    } catch (const std::exception& e) {
      impl_->log.Error(e, "SIMULATED kubelet step failed", {{"step", name}});
    }
  };
  step("workloads", [&] { impl_->SyncWorkloads(); });
  step("jobs", [&] { impl_->SyncJobs(); });
  std::vector<json> nodes;
  step("device-plugin", [&] {
    nodes = impl_->SimulatedNodes();
    impl_->SyncDevicePlugin(nodes);
  });
  step("scheduler", [&] { impl_->SyncPods(nodes); });
  int running = 0;
  for (auto& [id, p] : impl_->processes) {
    running += id.starts_with("agent/") && p.process && p.process->Running() ? 1 : 0;
  }
  impl_->CountStat([&](Stats& s) { s.agents_running = running; });
}

void KubeletSimulator::Run(std::stop_token stop) {
  impl_->log.Info("SIMULATED kubelet running",
                  {{"pollIntervalMs", impl_->options.poll_interval.count()}});
  std::mutex wait_mu;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    SyncOnce();
    std::unique_lock lock(wait_mu);
    wake.wait_for(lock, stop, impl_->options.poll_interval, [] { return false; });
  }
}

KubeletSimulator::Stats KubeletSimulator::stats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->stats_value;
}

fs::path KubeletSimulator::HostRoot(const std::string& node) const {
  return impl_->NodeDir(node) / "host";
}

std::vector<std::string> KubeletSimulator::ConnectTo() const {
  std::lock_guard lock(impl_->mu);
  return impl_->connect_to;
}

}  // namespace gpuext::landscape
