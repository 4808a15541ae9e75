// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "extension_binary_fixture.h"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "../plan/plan_test_util.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/landscape/known_kinds.h"

namespace gpuext::gpu::e2e {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const kube::Resource kNamespaces{"", "v1", "namespaces", false};
const kube::Resource kServices{"", "v1", "services", true};
const kube::Resource kEndpoints{"", "v1", "endpoints", true};
const kube::Resource kMutatingConfigs{"admissionregistration.k8s.io", "v1",
                                      "mutatingwebhookconfigurations", false};

}  // namespace

void ExtensionBinaryE2ETest::SetUp() {
  const std::string missing = gpuext::testing::Tools().Check();
  ASSERT_TRUE(missing.empty()) << missing;
  const std::filesystem::path binary =
      std::filesystem::path(GPUEXT_BINARY_DIR) / "bin/gardener-extension-gpu";
  ASSERT_TRUE(std::filesystem::exists(binary))
      << binary << " is missing; build it: ninja -C build gardener-extension-gpu";

  emulator_ = std::make_unique<emulator::Server>(emulator::ServerOptions{.listen = "127.0.0.1:0"},
                                                 Logger::Root().WithName("emulator"));
  emulator_->Load(std::filesystem::path(GPUEXT_SOURCE_DIR) / ".." / "shared" / "fixtures" /
                  "gardener-crds");
  emulator_->Start();
  kubeconfig_ = dir_.path() / "kubeconfig";
  emulator_->WriteKubeconfig(kubeconfig_);
  client_ = std::make_unique<kube::HttpClient>(
      kube::ParseKubeconfig(emulator_->Kubeconfig(), kubeconfig_));

  client_->Create(
      kNamespaces,
      {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kExtensionNs}}}});
  // gardenlet labels a shoot namespace with every extension type the shoot enables; the OSC
  // webhook's namespaceSelector matches that label.
  client_->Create(
      kNamespaces,
      {{"apiVersion", "v1"},
       {"kind", "Namespace"},
       {"metadata",
        {{"name", kShootNs},
         {"labels",
          {{"extensions.gardener.cloud/nvidia-gpu", "true"}, {"gardener.cloud/role", "shoot"}}}}}});
  const int webhook_port = gpuext::testing::FreeLoopbackPort();
  client_->Create(kServices,
                  {{"apiVersion", "v1"},
                   {"kind", "Service"},
                   {"metadata", {{"name", "gardener-extension-gpu"}, {"namespace", kExtensionNs}}},
                   {"spec", {{"ports", {{{"port", 443}, {"targetPort", webhook_port}}}}}}});
  client_->Create(
      kEndpoints,
      {{"apiVersion", "v1"},
       {"kind", "Endpoints"},
       {"metadata", {{"name", "gardener-extension-gpu"}, {"namespace", kExtensionNs}}},
       {"subsets",
        {{{"addresses", {{{"ip", "127.0.0.1"}}}}, {"ports", {{{"port", webhook_port}}}}}}}});

  // The component configuration as the seed chart's ConfigMap would carry it (JSON is YAML);
  // the built-in catalog has no checksums, which only a test landscape may accept.
  json component = gpuruntime::api::ToJson(testing::Component());
  component["driver"]["requirePinnedSources"] = false;
  const std::filesystem::path config = dir_.path() / "config.yaml";
  std::ofstream(config) << component.dump(2);

  binary_ = std::make_unique<gpuext::testing::BackgroundProcess>(
      std::vector<std::string>{
          binary.string(), "--config=" + config.string(), "--kubeconfig=" + kubeconfig_.string(),
          "--leader-election=true", "--leader-election-namespace=" + std::string(kExtensionNs),
          "--heartbeat-namespace=" + std::string(kExtensionNs),
          "--webhook-config-namespace=" + std::string(kExtensionNs),
          "--webhook-config-server-port=" + std::to_string(webhook_port),
          "--webhook-config-cert-dir=" + (dir_.path() / "certs").string(),
          "--metrics-bind-address=127.0.0.1:" + std::to_string(gpuext::testing::FreeLoopbackPort()),
          "--health-bind-address=127.0.0.1:" + std::to_string(gpuext::testing::FreeLoopbackPort()),
          "--disable-controllers=healthcheck", "--log-format=text"},
      std::vector<std::string>{}, dir_.path() / "gardener-extension-gpu.log");

  // resource-manager: its own client on the emulator, syncing every 200 ms into the shoot.
  grm_client_ = std::make_unique<kube::HttpClient>(
      kube::ParseKubeconfig(emulator_->Kubeconfig(), kubeconfig_));
  grm_ = std::make_unique<landscape::ResourceManagerSimulator>(*grm_client_, shoot_,
                                                               landscape::ResolveKnownKind);
  grm_loop_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested()) {
      try {
        grm_->SyncOnce();
      } catch (const std::exception&) {
        // A conflict with the controller's write; the next pass sees the fresh object.
      }
      std::this_thread::sleep_for(200ms);
    }
  });

  // The binary registers the webhook once it serves, so the configuration means "up".
  WaitFor("the MutatingWebhookConfiguration gardener-extension-gpu", [&] {
    return client_->Get(kMutatingConfigs, {.ns = "", .name = "gardener-extension-gpu"}).has_value();
  });
}

void ExtensionBinaryE2ETest::TearDown() {
  grm_loop_ = {};
  if (binary_) {
    // Graceful shutdown on SIGTERM: exit status 0 within the grace period.
    EXPECT_EQ(binary_->Stop(SIGTERM, 15s), 0) << BinaryLog();
  }
  if (emulator_) {
    emulator_->Stop();
  }
}

std::string ExtensionBinaryE2ETest::BinaryLog() const {
  std::ifstream in(dir_.path() / "gardener-extension-gpu.log");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void ExtensionBinaryE2ETest::WaitFor(const std::string& what, const std::function<bool()>& done,
                                     std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    ASSERT_TRUE(binary_->Running()) << "gardener-extension-gpu exited:\n" << BinaryLog();
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "timed out waiting for " << what << "\n--- binary log ---\n"
        << BinaryLog();
    std::this_thread::sleep_for(100ms);
  }
}

gpuext::testing::ProcessResult ExtensionBinaryE2ETest::Kubectl(const std::vector<std::string>& args,
                                                               const std::string& stdin_text) {
  std::vector<std::string> argv = {gpuext::testing::Tools().kubectl.string(), "--kubeconfig",
                                   kubeconfig_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return gpuext::testing::RunProcess(
      argv, {.env = {"KUBECACHEDIR=" + (dir_.path() / "kube-cache").string()},
             .stdin_text = stdin_text,
             .timeout = std::chrono::seconds(30)});
}

void ExtensionBinaryE2ETest::Apply(const json& object) {
  const auto r = Kubectl({"apply", "-f", "-"}, object.dump());
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text << "\n--- binary log ---\n" << BinaryLog();
}

json ExtensionBinaryE2ETest::Get(const std::string& resource, const std::string& name,
                                 const std::string& ns) {
  const auto r = Kubectl({"get", resource, name, "-n", ns, "-o", "json", "--ignore-not-found"});
  if (r.exit_code != 0 || r.stdout_text.empty()) {
    return nullptr;
  }
  return json::parse(r.stdout_text);
}

}  // namespace gpuext::gpu::e2e
