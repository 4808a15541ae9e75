// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The built-in driver catalog (component_config.h, DefaultControllerConfiguration). Kept as YAML
// so that it reads like the operator's --config file it stands in for.

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpuruntime::api {
namespace {

// Versions: the newest production release of each branch known when this was written. No
// checksums: the seed never builds from this catalog (see the header).
constexpr std::string_view kDefaultCatalog = R"(
apiVersion: config.gpu.extensions.gardener.cloud/v1alpha1
kind: ControllerConfiguration
driver:
  defaultBranch: "580"
  requirePinnedSources: true
  branches:
  - branch: "570"
    version: 570.195.03
    sources:
      run: {url: "https://us.download.nvidia.com/tesla/{version}/NVIDIA-Linux-{narch}-{version}.run"}
      open: {url: "https://github.com/NVIDIA/open-gpu-kernel-modules/archive/refs/tags/{version}.tar.gz"}
  - branch: "580"
    version: 580.95.05
    sources:
      run: {url: "https://us.download.nvidia.com/tesla/{version}/NVIDIA-Linux-{narch}-{version}.run"}
      open: {url: "https://github.com/NVIDIA/open-gpu-kernel-modules/archive/refs/tags/{version}.tar.gz"}
  - branch: "590"
    version: 590.48.01
    sources:
      run: {url: "https://us.download.nvidia.com/tesla/{version}/NVIDIA-Linux-{narch}-{version}.run"}
      open: {url: "https://github.com/NVIDIA/open-gpu-kernel-modules/archive/refs/tags/{version}.tar.gz"}
  exclusions:
  - {branch: "570", machineImage: gardenlinux, versions: ">= 2150.8"}
machineImages:
- name: gardenlinux
  versions: ">= 1592"
  containerd:
  - {versions: "< 1877", configVersion: 2, cdi: enableInConfig}
  - {versions: ">= 1877", configVersion: 3, cdi: builtin}
  builder: {image: "ghcr.io/gardenlinux/gardenlinux/kmodbuild", tag: "{arch}-{major}.{minor}"}
  osVersionKey: GARDENLINUX_VERSION
)";

ControllerConfiguration BuildDefault() {
  Decoded<ControllerConfiguration> decoded =
      DecodeControllerConfiguration(ParseYaml(kDefaultCatalog));
  if (!decoded.ok()) {
    throw Error(ErrorCode::kInternal,
                "built-in driver catalog: " + ToAggregateMessage(decoded.errors));
  }
  SetDefaults(decoded.value);
  return std::move(decoded.value);
}

}  // namespace

const ControllerConfiguration& DefaultControllerConfiguration() {
  static const ControllerConfiguration kDefault = BuildDefault();
  return kDefault;
}

}  // namespace gpuext::gpuruntime::api
