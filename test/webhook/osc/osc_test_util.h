// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Fixtures of the OSC webhook tests: a component configuration with one machine image line per
// containerd dialect, shoots with GPU and CPU pools, the Cluster wrapping them, gardenlet's
// reconcile OSC for a pool, and our Extension with removedPools.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/gpuruntime/api/component_config.h"

namespace gpuext::webhook::testing {

// gardenlinux image versions by containerd dialect (see Component()).
inline constexpr char kImageContainerd16[] = "1595.0.0";  // config v2, no CDI
inline constexpr char kImageContainerd17[] = "1650.1.0";  // config v2, enable_cdi in config
inline constexpr char kImageContainerd2[] = "1877.5.0";   // config v3, CDI built in
inline constexpr char kImageUnlisted[] = "9000.0.0";      // matches no containerd rule
inline constexpr char kSandboxImage[] = "registry.k8s.io/pause:3.10";
inline constexpr char kShootNamespace[] = "shoot--dev--gpu";

// Branches 570 (570.195.03) and 580 (580.95.05, the default); gardenlinux >= 1592 with the
// three dialects above.
inline const gpuruntime::api::ControllerConfiguration& Component() {
  static const gpuruntime::api::ControllerConfiguration kConfig =
      gpuruntime::api::LoadControllerConfiguration(R"(
apiVersion: config.gpu.extensions.gardener.cloud/v1alpha1
kind: ControllerConfiguration
images:
  nodeAgent: example.invalid/gpu-node-agent@sha256:1111111111111111111111111111111111111111111111111111111111111111
  driverCache: example.invalid/gpu-driver-cache@sha256:2222222222222222222222222222222222222222222222222222222222222222
driver:
  defaultBranch: "580"
  branches:
  - branch: "570"
    version: 570.195.03
    sources:
      open: {url: "https://example.invalid/{version}.tar.gz", sha256: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
  - branch: "580"
    version: 580.95.05
    sources:
      open: {url: "https://example.invalid/{version}.tar.gz", sha256: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}
machineImages:
- name: gardenlinux
  versions: ">= 1592"
  containerd:
  - {versions: "< 1600", configVersion: 2, cdi: none}
  - {versions: ">= 1600, < 1877", configVersion: 2, cdi: enableInConfig}
  - {versions: ">= 1877, < 3000", configVersion: 3, cdi: builtin}
  builder: {image: "example.invalid/kmodbuild", tag: "{arch}-{major}.{minor}"}
)");
  return kConfig;
}

// A worker pool; `nvidia` adds the runtime with `pool_config` as its providerConfig (null: none).
inline nlohmann::json Worker(const std::string& name, const std::string& image_version, bool nvidia,
                             const nlohmann::json& pool_config = nullptr) {
  nlohmann::json worker = {{"name", name},
                           {"machine",
                            {{"type", nvidia ? "p4d.24xlarge" : "m5.large"},
                             {"image", {{"name", "gardenlinux"}, {"version", image_version}}}}},
                           {"minimum", 1},
                           {"maximum", 2},
                           {"cri", {{"name", "containerd"}}}};
  if (nvidia) {
    nlohmann::json runtime = {{"type", "nvidia"}};
    if (!pool_config.is_null()) {
      runtime["providerConfig"] = pool_config;
    }
    worker["cri"]["containerRuntimes"] = nlohmann::json::array({{{"type", "gvisor"}}, runtime});
  }
  return worker;
}

inline nlohmann::json Shoot(nlohmann::json workers) {
  return {{"apiVersion", "core.gardener.cloud/v1beta1"},
          {"kind", "Shoot"},
          {"metadata", {{"name", "gpu"}, {"namespace", "garden-dev"}}},
          {"spec",
           {{"provider", {{"type", "aws"}, {"workers", std::move(workers)}}},
            {"extensions", nlohmann::json::array({{{"type", "nvidia-gpu"}}})}}}};
}

// The standard shoot: pool "gpu" on containerd 2 with the runtime, pool "cpu" without.
inline nlohmann::json StandardShoot(const std::string& gpu_image = kImageContainerd2) {
  return Shoot({Worker("gpu", gpu_image, true), Worker("cpu", kImageContainerd2, false)});
}

inline nlohmann::json ClusterObject(nlohmann::json shoot) {
  return {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
          {"kind", "Cluster"},
          {"metadata", {{"name", kShootNamespace}}},
          {"spec",
           {{"shoot", std::move(shoot)},
            {"cloudProfile",
             {{"apiVersion", "core.gardener.cloud/v1beta1"},
              {"kind", "CloudProfile"},
              {"metadata", {{"name", "aws"}}}}},
            {"seed", {{"metadata", {{"name", "seed-1"}}}}}}}};
}

// gardenlet's reconcile OSC for `pool` (gardener-contract.md §3.1), with one file and unit of
// its own and one plugin entry another extension wrote.
inline nlohmann::json ReconcileOsc(const std::string& pool,
                                   const std::string& cgroup_driver = "systemd") {
  nlohmann::json osc = nlohmann::json::parse(R"({
    "apiVersion": "extensions.gardener.cloud/v1alpha1", "kind": "OperatingSystemConfig",
    "metadata": {"namespace": "shoot--dev--gpu",
                 "labels": {"provider.extensions.gardener.cloud/mutated-by-controlplane-webhook": "true"},
                 "annotations": {"gardener.cloud/operation": "reconcile"}},
    "spec": {
      "type": "gardenlinux", "purpose": "reconcile",
      "criConfig": {"name": "containerd",
                    "containerd": {"sandboxImage": "registry.k8s.io/pause:3.10",
                                   "plugins": [{"op": "add",
                                                "path": ["io.containerd.grpc.v1.cri", "containerd", "runtimes", "gvisor"],
                                                "values": {"runtime_type": "io.containerd.runsc.v1"}}]}},
      "units": [{"name": "kubelet.service", "command": "start", "enable": true,
                 "filePaths": ["/var/lib/kubelet/config/kubelet"]}],
      "files": [{"path": "/var/lib/kubelet/config/kubelet", "permissions": 384,
                 "content": {"inline": {"encoding": "b64", "data": "a2luZDogS3ViZWxldENvbmZpZ3VyYXRpb24K"}}}]
    }
  })");
  osc["metadata"]["name"] = "gardener-node-agent-" + pool + "-0123456789abcdef-original";
  osc["metadata"]["labels"]["worker.gardener.cloud/pool"] = pool;
  if (!cgroup_driver.empty()) {
    osc["spec"]["criConfig"]["cgroupDriver"] = cgroup_driver;
  }
  return osc;
}

// Our Extension with status.providerStatus.removedPools naming `removed`.
inline nlohmann::json ExtensionObject(const std::vector<std::string>& removed = {}) {
  nlohmann::json pools = nlohmann::json::array();
  for (const std::string& name : removed) {
    pools.push_back({{"name", name}, {"since", "2026-08-21T10:00:00Z"}});
  }
  return {{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
          {"kind", "Extension"},
          {"metadata", {{"name", "nvidia-gpu"}, {"namespace", kShootNamespace}}},
          {"spec", {{"type", "nvidia-gpu"}}},
          {"status",
           {{"providerStatus",
             {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"},
              {"kind", "GPUStatus"},
              {"removedPools", pools}}}}}};
}

}  // namespace gpuext::webhook::testing
