// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shoots and Clusters for the planning tests: two GPU pools (gpu-a, gpu-b) and one CPU pool.

#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/gardener/cluster.h"
#include "gpuext/gpuruntime/api/component_config.h"

namespace gpuext::gpu::testing {

inline nlohmann::json GpuShoot(const nlohmann::json& provider_config = nullptr) {
  nlohmann::json shoot = nlohmann::json::parse(R"({
    "apiVersion": "core.gardener.cloud/v1beta1", "kind": "Shoot",
    "metadata": {"name": "gpu1", "namespace": "garden-dev"},
    "spec": {
      "kubernetes": {"version": "1.33.2"},
      "provider": {"type": "aws", "workers": [
        {"name": "gpu-a", "machine": {"type": "p4d.24xlarge",
           "image": {"name": "gardenlinux", "version": "1877.5.0"}},
         "cri": {"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}},
        {"name": "gpu-b", "machine": {"type": "g5.xlarge",
           "image": {"name": "gardenlinux", "version": "1877.5.0"}},
         "cri": {"name": "containerd", "containerRuntimes": [{"type": "nvidia",
           "providerConfig": {"apiVersion": "gpu.extensions.gardener.cloud/v1alpha1",
                              "kind": "GPUPoolConfig",
                              "sharing": {"timeSlicing": {"replicas": 2}}}}]}},
        {"name": "cpu", "machine": {"type": "m5.large",
           "image": {"name": "gardenlinux", "version": "1877.5.0"}},
         "cri": {"name": "containerd"}}]},
      "extensions": [{"type": "nvidia-gpu"}]}})");
  if (!provider_config.is_null()) {
    shoot["spec"]["extensions"][0]["providerConfig"] = provider_config;
  }
  return shoot;
}

// A GPUConfig providerConfig document with `fields`.
inline nlohmann::json GpuConfigDoc(const nlohmann::json& fields) {
  nlohmann::json config = {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"},
                           {"kind", "GPUConfig"}};
  config.update(fields);
  return config;
}

inline gardener::Cluster ClusterFor(const nlohmann::json& shoot) {
  return gardener::Cluster::FromObject({{"apiVersion", "extensions.gardener.cloud/v1alpha1"},
                                        {"kind", "Cluster"},
                                        {"metadata", {{"name", "shoot--dev--gpu1"}}},
                                        {"spec",
                                         {{"shoot", shoot},
                                          {"cloudProfile", {{"metadata", {{"name", "aws"}}}}},
                                          {"seed", nullptr}}}});
}

// The built-in catalog with images set, as an operator's --config would have them.
inline const gpuruntime::api::ControllerConfiguration& Component() {
  static const gpuruntime::api::ControllerConfiguration config = [] {
    gpuruntime::api::ControllerConfiguration c = gpuruntime::api::DefaultControllerConfiguration();
    c.images.node_agent = "example.invalid/gpu-node-agent:v0.1.0";
    c.images.driver_cache = "example.invalid/gpu-driver-cache@sha256:" + std::string(64, 'a');
    return c;
  }();
  return config;
}

}  // namespace gpuext::gpu::testing
