// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// What the landscape feeds into the real components: the SIMULATED-driver source, the
// extension's ControllerConfiguration, the CloudProfile and the generic token kubeconfig.

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/testing/simulated_run.h"
#include "gpuext/sha256.h"
#include "landscape_impl.h"

namespace gpuext::landscape {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<SimulatedNode> DefaultNodes(const std::string& kernel_release,
                                        const std::string& newer_release) {
  std::vector<SimulatedNode> nodes;
  for (int i = 0; i < 4; ++i) {
    nodes.push_back({.name = fmt::format("gpu-node-{}", i),
                     .pool = "gpu",
                     .kernel_release = i < 3 ? kernel_release : newer_release,
                     .garden_linux_version = "1877.5.0",
                     .gpus = 1,
                     .arch = "amd64"});
  }
  nodes.push_back({.name = "cpu-node-0",
                   .pool = "cpu",
                   .kernel_release = kernel_release,
                   .garden_linux_version = "1877.5.0",
                   .gpus = 0,
                   .arch = "amd64"});
  return nodes;
}

std::string InstalledKernelRelease(const fs::path& headers_root) {
  std::string newest;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(headers_root / "lib/modules", ec)) {
    const std::string release = entry.path().filename().string();
    if (fs::exists(entry.path() / "build") && release > newest) {
      newest = release;
    }
  }
  if (newest.empty()) {
    throw Error(ErrorCode::kNotFound,
                fmt::format("no kernel headers under {}/lib/modules/*/build; install them: "
                            "apt-get install linux-headers-amd64",
                            headers_root.string()));
  }
  return newest;
}

LandscapeDriverSource PackLandscapeDriver(const fs::path& source_dir, const fs::path& dir,
                                          const std::string& version) {
  const fs::path staging = dir / "tree";
  const fs::path top = staging / ("open-gpu-kernel-modules-" + version);
  fs::remove_all(staging);
  fs::create_directories(top);
  fs::copy(source_dir / "test/testdata/simulated-driver", top, fs::copy_options::recursive);
  WriteFileAtomically(
      top / "version.mk",
      "# SIMULATED-driver version, set by the landscape\nNVIDIA_VERSION = " + version + "\n", 0644);
  const fs::path tarball = dir / ("SIMULATED-open-gpu-kernel-modules-" + version + ".tar.zst");
  (void)nodeagent::artifact::PackDirectory(staging, nodeagent::artifact::ListTree(staging), tarball,
                                           {.zstd_level = 3});
  fs::remove_all(staging);
  const nodeagent::testing::SimulatedRunPackage run =
      nodeagent::testing::PackSimulatedRunPackage(dir, version);
  return {.version = version,
          .url = "file://" + tarball.string(),
          .sha256 = Sha256File(tarball).sha256_hex,
          .run_url = run.url,
          .run_sha256 = run.sha256};
}

std::string LandscapeControllerConfiguration(const LandscapeDriverSource& source) {
  // The images are never pulled: the SIMULATED kubelet runs our binaries for them.
  return fmt::format(
      R"(# The landscape's ControllerConfiguration (docs/configuration.md): one branch whose
# sources are the SIMULATED-driver tarball (kernel modules) and the SIMULATED .run package
# (userspace), both pinned by their sha256.
apiVersion: config.gpu.extensions.gardener.cloud/v1alpha1
kind: ControllerConfiguration
images:
  nodeAgent: landscape.invalid/gpu-node-agent:SIMULATED
  driverCache: landscape.invalid/gpu-driver-cache:SIMULATED
driver:
  defaultBranch: "580"
  requirePinnedSources: true
  branches:
  - branch: "580"
    version: {version}
    sources:
      open:
        url: "{url}"
        sha256: "{sha256}"
      run:
        url: "{run_url}"
        sha256: "{run_sha256}"
machineImages:
- name: gardenlinux
  versions: ">= 1592"
  containerd:
  - {{versions: "< 1877",  configVersion: 2, cdi: enableInConfig}}
  - {{versions: ">= 1877", configVersion: 3, cdi: builtin}}
  builder: {{image: "landscape.invalid/kmodbuild", tag: "{{arch}}-{{major}}.{{minor}}"}}
  osVersionKey: GARDENLINUX_VERSION
health: {{syncPeriod: 5s, driverReadyTimeout: 10m}}
webhooks: {{osc: {{timeoutSeconds: 10}}}}
)",
      fmt::arg("version", source.version), fmt::arg("url", source.url),
      fmt::arg("sha256", source.sha256), fmt::arg("run_url", source.run_url),
      fmt::arg("run_sha256", source.run_sha256));
}

json LandscapeCloudProfile() {
  const json nvidia_cri = json::array(
      {{{"name", "containerd"}, {"containerRuntimes", json::array({{{"type", "nvidia"}}})}}});
  const json types =
      json::array({{{"name", "g4dn.xlarge"}, {"cpu", "4"}, {"gpu", 1}, {"memory", "16Gi"}},
                   {{"name", "m5.large"}, {"cpu", "2"}, {"gpu", "0"}, {"memory", "8Gi"}}});
  const json versions = json::array({{{"version", "1877.5.0"}, {"cri", nvidia_cri}}});
  return {{"apiVersion", "core.gardener.cloud/v1beta1"},
          {"kind", "CloudProfile"},
          {"metadata", {{"name", "aws"}}},
          {"spec",
           {{"type", "aws"},
            {"kubernetes", {{"versions", json::array({{{"version", "1.31.1"}}})}}},
            {"regions", json::array({{{"name", "eu-west-1"}}})},
            {"machineTypes", types},
            {"machineImages", json::array({{{"name", "gardenlinux"}, {"versions", versions}}})}}}};
}

std::string LandscapeGenericKubeconfig(const std::string& server, const std::string& ca_pem) {
  return fmt::format(R"(apiVersion: v1
kind: Config
clusters:
- name: shoot
  cluster:
    server: {}
    certificate-authority-data: {}
contexts:
- name: shoot
  context: {{cluster: shoot, user: extension}}
current-context: shoot
users:
- name: extension
  user:
    tokenFile: /var/run/secrets/gardener.cloud/shoot/generic-kubeconfig/token
)",
                     server, Base64Encode(ca_pem));
}

}  // namespace gpuext::landscape
