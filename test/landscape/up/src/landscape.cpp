// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "gpuext/landscape/landscape.h"

#include <csignal>
#include <fstream>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/landscape/known_kinds.h"
#include "landscape_impl.h"

namespace gpuext::landscape {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const kube::Resource kLandscapeMutatingConfigs{"admissionregistration.k8s.io", "v1",
                                               "mutatingwebhookconfigurations", false};

std::string LandscapeRandomToken() {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  unsigned char raw[24];
  urandom.read(reinterpret_cast<char*>(raw), sizeof(raw));
  std::string out;
  for (unsigned char c : raw) {
    out += fmt::format("{:02x}", c);
  }
  return out;
}

std::string LandscapeTail(const fs::path& file, size_t max_bytes = 4000) {
  const std::string text = ReadFileIfExists(file).value_or("");
  return text.size() > max_bytes ? "..." + text.substr(text.size() - max_bytes) : text;
}

// Waits until `ready` holds; throws naming `what` and its log when `process` exits or the
// deadline passes.
template <typename Ready>
void LandscapeWaitFor(const std::string& what, testing::BackgroundProcess& process,
                      const fs::path& log, std::chrono::seconds limit, Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (!process.Running()) {
      throw Error(ErrorCode::kInternal, fmt::format("{} exited during start; its log {}:\n{}", what,
                                                    log.string(), LandscapeTail(log)));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error(ErrorCode::kTimeout,
                  fmt::format("{} did not become ready in {} s; its log {}:\n{}", what,
                              limit.count(), log.string(), LandscapeTail(log)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

Landscape::Landscape(LandscapeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  Impl& d = *impl_;
  d.kernel_release =
      InstalledKernelRelease(d.options.headers_root.empty() ? "/" : d.options.headers_root);
  d.newer_kernel_release = SimulatedNewerRelease(d.kernel_release);
  if (d.options.nodes.empty()) {
    d.options.nodes = DefaultNodes(d.kernel_release, d.newer_kernel_release);
  }
}

Landscape::~Landscape() { Stop(); }

void Landscape::Impl::StartEmulators() {
  fs::create_directories(options.work_dir);
  garden_server = std::make_unique<emulator::Server>(emulator::ServerOptions{},
                                                     Logger::Root().WithName("garden-emulator"));
  garden_server->Load(options.shared_dir / "fixtures");
  garden_server->Load(options.source_dir / "hack/crds");
  garden_server->Start();
  garden_server->WriteKubeconfig(options.work_dir / "garden.kubeconfig");
  secrets.push_back(garden_server->admin_token());

  // The shoot accepts the admin and the extension's shoot access token (resource-manager's
  // token requestor hands the latter to the seed; see IssueShootAccessTokens).
  // The shoot's ServiceAccounts whose projected tokens the SIMULATED kubelet writes: the
  // emulator has no TokenRequest API, so it starts knowing them.
  extension_token = LandscapeRandomToken();
  const std::string admin_token = LandscapeRandomToken();
  std::vector<emulator::TokenUser> tokens = {
      {.user = "admin", .token = admin_token, .groups = {"system:masters"}},
      {.user = kExtensionShootUser,
       .token = extension_token,
       .groups = {"system:serviceaccounts"}}};
  for (const char* account :
       {"gpu-node-agent/gpu-node-agent", "gpu-driver-cache/gpu-driver-cache"}) {
    const std::string token = LandscapeRandomToken();
    const std::string name(account);
    service_account_tokens[name] = token;
    tokens.push_back({.user = "system:serviceaccount:" + name.substr(0, name.find('/')) + ":" +
                              name.substr(name.find('/') + 1),
                      .token = token,
                      .groups = {"system:serviceaccounts"}});
    secrets.push_back(token);
  }
  shoot_server = std::make_unique<emulator::Server>(emulator::ServerOptions{.tokens = tokens},
                                                    Logger::Root().WithName("shoot-emulator"));
  shoot_server->Start();
  shoot_server->WriteKubeconfig(options.work_dir / "shoot.kubeconfig");
  secrets.push_back(admin_token);
  secrets.push_back(extension_token);

  garden_client = std::make_unique<kube::HttpClient>(
      kube::ParseKubeconfig(garden_server->Kubeconfig(), options.work_dir / "garden.kubeconfig"),
      kube::HttpClientOptions{.qps = 0, .component = "landscape"});
  shoot_client = std::make_unique<kube::HttpClient>(
      kube::ParseKubeconfig(shoot_server->Kubeconfig(), options.work_dir / "shoot.kubeconfig"),
      kube::HttpClientOptions{.qps = 0, .component = "landscape"});

  for (const char* ns : {"garden", kProjectNamespace}) {
    garden_client->Create(
        kLandscapeNamespaces,
        {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  }
  garden_client->Create(kLandscapeCloudProfiles, LandscapeCloudProfile());
}

void Landscape::Impl::StartAdmission() {
  const fs::path log = options.work_dir / "gpu-admission.log";
  logs["gpu-admission"] = log;
  const int port = testing::FreeLoopbackPort();
  admission = std::make_unique<testing::BackgroundProcess>(
      std::vector<std::string>{(options.bin_dir / "gpu-admission").string(),
                               "--kubeconfig=" + (options.work_dir / "garden.kubeconfig").string(),
                               "--listen=127.0.0.1", "--port=" + std::to_string(port),
                               "--cert-dir=" + (options.work_dir / "admission-certs").string(),
                               "--register", "--webhook-config-mode=url",
                               "--webhook-config-url=127.0.0.1:" + std::to_string(port),
                               "--log-format=text"},
      std::vector<std::string>{}, log);
  // The binary registers only once it serves.
  LandscapeWaitFor("gpu-admission", *admission, log, std::chrono::seconds(60), [&] {
    return garden_client->Get(kLandscapeMutatingConfigs, {"", "gardener-extension-gpu-admission"})
        .has_value();
  });
}

void Landscape::Impl::StartExtension() {
  const fs::path dir = options.work_dir / "extension";
  fs::create_directories(dir);
  const LandscapeDriverSource source =
      PackLandscapeDriver(options.source_dir, options.work_dir / "driver-source", "580.95.05");
  WriteFileAtomically(dir / "config.yaml", LandscapeControllerConfiguration(source), 0644);
  const fs::path log = options.work_dir / "gardener-extension-gpu.log";
  logs["gardener-extension-gpu"] = log;
  const int webhook_port = testing::FreeLoopbackPort();
  const int health_port = testing::FreeLoopbackPort();
  const int metrics_port = testing::FreeLoopbackPort();
  extension = std::make_unique<testing::BackgroundProcess>(
      std::vector<std::string>{(options.bin_dir / "gardener-extension-gpu").string(),
                               "--config=" + (dir / "config.yaml").string(),
                               "--kubeconfig=" + (options.work_dir / "garden.kubeconfig").string(),
                               "--leader-election=false", "--log-format=text",
                               "--health-bind-address=127.0.0.1:" + std::to_string(health_port),
                               "--metrics-bind-address=127.0.0.1:" + std::to_string(metrics_port),
                               "--webhook-config-mode=url",
                               "--webhook-config-url=127.0.0.1:" + std::to_string(webhook_port),
                               "--webhook-config-server-port=" + std::to_string(webhook_port),
                               "--webhook-config-cert-dir=" + (dir / "certs").string(),
                               "--heartbeat-namespace=garden", "--kube-api-qps=0"},
      std::vector<std::string>{}, log);
  LandscapeWaitFor("gardener-extension-gpu", *extension, log, std::chrono::seconds(60), [&] {
    return garden_client->Get(kLandscapeMutatingConfigs, {"", "gardener-extension-gpu"})
        .has_value();
  });
}

void Landscape::Impl::StartSimulators() {
  gardenlet = std::make_unique<GardenletSimulator>(
      *garden_client, GardenletSimulatorOptions{.poll_interval = options.poll_interval,
                                                .timeout = options.extension_timeout});
  resource_manager = std::make_unique<ResourceManagerSimulator>(
      *garden_client, *shoot_client, [](const std::string& api_version, const std::string& kind) {
        return ResolveKnownKind(api_version, kind);
      });
  kubelet = std::make_unique<KubeletSimulator>(
      *shoot_client,
      KubeletSimulatorOptions{.work_dir = options.work_dir / "nodes",
                              .bin_dir = options.bin_dir,
                              .shoot_kubeconfig = options.work_dir / "shoot.kubeconfig",
                              .headers_root = options.headers_root,
                              .poll_interval = options.poll_interval,
                              .service_account_tokens = service_account_tokens});
  for (const SimulatedNode& node : options.nodes) {
    kubelet->AddNode(node);
  }

  const auto every = options.poll_interval;
  loops.emplace_back([this, every](std::stop_token stop) {
    while (!stop.stop_requested()) {
      try {
        ShootLoopPass(stop);
      } catch (const std::exception& e) {
        log.Error("gardenlet simulator pass failed", {{"error", e.what()}});
      }
      std::this_thread::sleep_for(every);
    }
  });
  loops.emplace_back([this, every](std::stop_token stop) {
    while (!stop.stop_requested()) {
      try {
        IssueShootAccessTokens();
      } catch (const std::exception& e) {
        log.Error("token requestor (SIMULATED) pass failed", {{"error", e.what()}});
      }
      try {
        resource_manager->SyncOnce();
      } catch (const std::exception& e) {
        log.Error("resource-manager simulator pass failed", {{"error", e.what()}});
      }
      std::this_thread::sleep_for(every);
    }
  });
  loops.emplace_back([this](std::stop_token stop) { kubelet->Run(stop); });
}

void Landscape::Start() {
  Impl& d = *impl_;
  fs::create_directories(d.options.work_dir);
  if (d.options.headers_root.empty()) {
    d.options.headers_root =
        PrepareSimulatedHeadersRoot(d.options.work_dir, d.kernel_release, d.newer_kernel_release);
  }
  d.StartEmulators();
  d.StartExtensionLabels();
  d.StartAdmission();
  d.StartExtension();
  d.StartSimulators();
  d.log.Info("landscape up", {{"garden", d.garden_server->url()},
                              {"shoot", d.shoot_server->url()},
                              {"workDir", d.options.work_dir.string()}});
}

void Landscape::Stop() {
  Impl& d = *impl_;
  for (std::jthread& loop : d.loops) {
    loop.request_stop();
  }
  d.loops.clear();  // joins
  d.kubelet.reset();
  for (auto* process : {&d.extension, &d.admission}) {
    if (*process) {
      (*process)->Stop(SIGTERM, std::chrono::seconds(10));
      process->reset();
    }
  }
  if (d.labels_server) {
    d.labels_server->Stop();
    d.labels_server.reset();
  }
  d.resource_manager.reset();
  d.gardenlet.reset();
  d.garden_client.reset();
  d.shoot_client.reset();
  for (auto* server : {&d.shoot_server, &d.garden_server}) {
    if (*server) {
      (*server)->Stop();
      server->reset();
    }
  }
}

kube::Client& Landscape::garden() const { return *impl_->garden_client; }
kube::Client& Landscape::seed() const { return *impl_->garden_client; }
kube::Client& Landscape::shoot() const { return *impl_->shoot_client; }
KubeletSimulator& Landscape::kubelet() const { return *impl_->kubelet; }

GardenletLoopStats Landscape::gardenlet_stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

fs::path Landscape::garden_kubeconfig() const {
  return impl_->options.work_dir / "garden.kubeconfig";
}
fs::path Landscape::shoot_kubeconfig() const {
  return impl_->options.work_dir / "shoot.kubeconfig";
}
std::string Landscape::kernel_release() const { return impl_->kernel_release; }
std::string Landscape::newer_kernel_release() const { return impl_->newer_kernel_release; }
std::map<std::string, fs::path> Landscape::logs() const { return impl_->logs; }
std::vector<std::string> Landscape::secrets() const { return impl_->secrets; }

}  // namespace gpuext::landscape
