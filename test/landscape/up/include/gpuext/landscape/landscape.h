// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Landscape: the whole GPU story on one machine (DESIGN.md §21, issue "make demo"). Real
// components wherever a user would have them, simulators (named so) only for the hardware and
// the Gardener control plane:
//
//   real: kube-emulator as garden+seed and as shoot (HTTPS, admission webhooks), the garden
//         admission `gpu-admission`, the extension `gardener-extension-gpu` (controllers and
//         OSC webhook), the charts it renders, `gpu-driver-cache`, `gpu-node-agent` (run and
//         build), kbuild on this machine's kernel headers;
//   simulated: gardenlet (GardenletSimulator, driven by a Shoot watch loop here),
//         gardener-resource-manager (ResourceManagerSimulator) incl. its token requestor, the
//         shoot's kubelets, scheduler and device plugin (KubeletSimulator), the GPU and the
//         kernel's module loader (the agent's --kernel-backend=simulated).
//
//   Landscape landscape({.work_dir = ".demo", .bin_dir = "build/bin", ...});
//   landscape.Start();                       // everything up; kubeconfigs in work_dir
//   ... kubectl --kubeconfig .demo/garden.kubeconfig apply -f example/shoot.yaml ...
//   landscape.Stop();
//
// Thread safety: Start/Stop from one thread; the accessors are safe once Start returned.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gpuext/kube/client.h"
#include "gpuext/landscape/kubelet_simulator.h"

namespace gpuext::landscape {

struct LandscapeOptions {
  std::filesystem::path work_dir;    // kubeconfigs, logs, certificates, node host roots
  std::filesystem::path bin_dir;     // our binaries (build/bin)
  std::filesystem::path source_dir;  // the repository (charts, hack/crds, test/testdata)
  std::filesystem::path shared_dir;  // ../shared (upstream CRD fixtures)
  // The shoot's nodes; default: DefaultNodes().
  std::vector<SimulatedNode> nodes = {};
  // The root of /lib/modules and /usr/src builds use. Empty: a SIMULATED root under work_dir
  // with this machine's kernel headers and SimulatedNewerRelease() of them.
  std::filesystem::path headers_root = {};
  std::chrono::milliseconds poll_interval = std::chrono::milliseconds(500);
  // How long gardenlet waits for an extension object (gardenlet: 3 minutes).
  std::chrono::milliseconds extension_timeout = std::chrono::minutes(3);
};

// The seed namespace of a shoot, as the gardenlet simulator names it.
inline constexpr const char* kProjectNamespace = "garden-dev";

// 3 GPU nodes of pool "gpu" on this machine's kernel, 1 GPU node on `newer_release` (two
// builds), and 1 CPU node of pool "cpu".
[[nodiscard]] std::vector<SimulatedNode> DefaultNodes(const std::string& kernel_release,
                                                      const std::string& newer_release);

// The SIMULATED kernel update of `real_release` the landscape offers besides the real one:
// 6.1.0-56-amd64 → 6.1.0-57-amd64 (Debian's ABI number + 1).
[[nodiscard]] std::string SimulatedNewerRelease(const std::string& real_release);

// The newest kernel release under <headers_root>/lib/modules that has a build directory.
[[nodiscard]] std::string InstalledKernelRelease(const std::filesystem::path& headers_root);

// What the Shoot loop did, for narration and assertions.
struct GardenletLoopStats {
  int reconciles = 0;
  int reconcile_errors = 0;
  int deletions = 0;
  std::string last_error = {};
};

class Landscape {
 public:
  explicit Landscape(LandscapeOptions options);
  ~Landscape();  // Stop()
  Landscape(const Landscape&) = delete;
  Landscape& operator=(const Landscape&) = delete;

  // Starts the emulators, the real processes and the simulator loops; returns once the
  // garden admission webhook and the extension are serving. Throws Error naming the part that
  // failed and its log file.
  void Start();
  // Stops loops and processes (SIGTERM), then the emulators. Idempotent.
  void Stop();

  [[nodiscard]] kube::Client& garden() const;  // garden and seed are one emulator
  [[nodiscard]] kube::Client& seed() const;
  [[nodiscard]] kube::Client& shoot() const;
  [[nodiscard]] KubeletSimulator& kubelet() const;
  [[nodiscard]] GardenletLoopStats gardenlet_stats() const;
  [[nodiscard]] std::filesystem::path garden_kubeconfig() const;
  [[nodiscard]] std::filesystem::path shoot_kubeconfig() const;
  // This machine's kernel release and the SIMULATED newer one (an OS upgrade moves nodes there
  // with kubelet().SetKernel).
  [[nodiscard]] std::string kernel_release() const;
  [[nodiscard]] std::string newer_kernel_release() const;
  // Log files of the real processes, by component name.
  [[nodiscard]] std::map<std::string, std::filesystem::path> logs() const;
  // Every credential the landscape handed out (tokens, keys), for the secrets scan.
  [[nodiscard]] std::vector<std::string> secrets() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpuext::landscape
