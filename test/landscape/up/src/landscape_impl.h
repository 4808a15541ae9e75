// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Landscape internals shared by landscape*.cpp.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/emulator/server.h"
#include "gpuext/gardener/admission.h"
#include "gpuext/gardener/webhook_server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/landscape/gardenlet_simulator.h"
#include "gpuext/landscape/landscape.h"
#include "gpuext/landscape/resource_manager_simulator.h"
#include "gpuext/logger.h"
#include "gpuext/testing/process.h"

namespace gpuext::landscape {

inline const kube::Resource kLandscapeShoots{"core.gardener.cloud", "v1beta1", "shoots", true};
inline const kube::Resource kLandscapeCloudProfiles{"core.gardener.cloud", "v1beta1",
                                                    "cloudprofiles", false};
inline const kube::Resource kLandscapeNamespaces{"", "v1", "namespaces", false};
inline const kube::Resource kLandscapeSecrets{"", "v1", "secrets", true};

// The ServiceAccount whose token the extension's shoot access Secret receives (shipped into the
// shoot by the extension's shared chart).
inline constexpr const char* kExtensionShootUser =
    "system:serviceaccount:kube-system:gardener-extension-gpu";

// The SIMULATED-driver source the extension's ControllerConfiguration pins.
struct LandscapeDriverSource {
  std::string version;
  std::string url;  // file://, the open-gpu-kernel-modules-style tarball (kernel parts)
  std::string sha256;
  std::string run_url = {};  // file://, the SIMULATED .run package (userspace part)
  std::string run_sha256 = {};
};

// Packs test/testdata/simulated-driver as an open-gpu-kernel-modules tarball announcing
// `version` into `dir`.
LandscapeDriverSource PackLandscapeDriver(const std::filesystem::path& source_dir,
                                          const std::filesystem::path& dir,
                                          const std::string& version);

// A headers root (root of /lib/modules and /usr/src) with the real kernel's headers and a
// SIMULATED `simulated_release` re-labelled from them (landscape_headers.cpp).
std::filesystem::path PrepareSimulatedHeadersRoot(const std::filesystem::path& dir,
                                                  const std::string& real_release,
                                                  const std::string& simulated_release);

// The extension's ControllerConfiguration for the landscape: one branch pinned to `source`.
std::string LandscapeControllerConfiguration(const LandscapeDriverSource& source);

// The CloudProfile "aws" with GPU and CPU machine types and a Garden Linux image that offers
// the nvidia runtime.
nlohmann::json LandscapeCloudProfile();

// A kubeconfig for the generic token kubeconfig Secret: the shoot's server and CA, token from
// a file as gardener's projected volume provides it.
std::string LandscapeGenericKubeconfig(const std::string& server, const std::string& ca_pem);

// SIMULATED gardener-apiserver ExtensionLabels plugin (landscape_extension_labels.cpp).
class SimulatedExtensionLabels final : public gardener::Mutator {
 public:
  void Mutate(const gardener::AdmissionRequest& request, nlohmann::json& object) override;
};

struct Landscape::Impl {
  explicit Impl(LandscapeOptions o) : options(std::move(o)) {}

  LandscapeOptions options;
  std::string kernel_release;
  std::string newer_kernel_release;
  Logger log = Logger::Root().WithName("landscape");
  std::unique_ptr<emulator::Server> garden_server;
  std::unique_ptr<emulator::Server> shoot_server;
  std::unique_ptr<kube::HttpClient> garden_client;
  std::unique_ptr<kube::HttpClient> shoot_client;
  SimulatedExtensionLabels extension_labels;
  std::unique_ptr<gardener::WebhookServer> labels_server;
  std::unique_ptr<testing::BackgroundProcess> admission;
  std::unique_ptr<testing::BackgroundProcess> extension;
  std::unique_ptr<GardenletSimulator> gardenlet;
  std::unique_ptr<ResourceManagerSimulator> resource_manager;
  std::unique_ptr<KubeletSimulator> kubelet;
  std::vector<std::jthread> loops;
  std::map<std::string, std::filesystem::path> logs;
  std::vector<std::string> secrets;
  std::string extension_token;
  std::map<std::string, std::string> service_account_tokens;  // "<ns>/<name>" → token

  mutable std::mutex mu;
  GardenletLoopStats stats;                   // guarded by mu
  std::map<std::string, int64_t> reconciled;  // shoot key → generation done (loop thread)
  std::map<std::string, std::chrono::steady_clock::time_point> retry_at;  // loop thread

  void StartEmulators();
  void StartExtensionLabels();
  void StartAdmission();
  void StartExtension();
  void StartSimulators();

  // The gardenlet part: one pass over the garden's Shoots.
  void ShootLoopPass(std::stop_token stop);
  void ReconcileShoot(const nlohmann::json& shoot, std::stop_token stop);
  void DeleteShoot(const nlohmann::json& shoot, std::stop_token stop);
  void WriteShootStatus(const nlohmann::json& shoot, const std::string& type,
                        const std::string& state, int progress, const std::string& description);
  // resource-manager's token requestor: fills the extension's shoot access Secrets.
  void IssueShootAccessTokens();
};

}  // namespace gpuext::landscape
