// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpu_admission_fixture.h"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "gpuext/kube/kubeconfig.h"

namespace gpuext::webhook::e2e {

using nlohmann::json;

namespace {

const kube::Resource kNamespaces{"", "v1", "namespaces", false};
const kube::Resource kServices{"", "v1", "services", true};
const kube::Resource kEndpoints{"", "v1", "endpoints", true};
const kube::Resource kShoots{"core.gardener.cloud", "v1beta1", "shoots", true};
const kube::Resource kValidatingConfigs{"admissionregistration.k8s.io", "v1",
                                        "validatingwebhookconfigurations", false};
constexpr const char* kService = "gardener-extension-gpu-admission";
constexpr const char* kConfiguration =
    "gardener-extension-gpu-admission";  // as gpu-admission names it

json Pool(const std::string& name, const std::string& type, const std::string& version) {
  return {{"name", name},
          {"machine",
           {{"type", type},
            {"image", {{"name", "gardenlinux"}, {"version", version}}},
            {"architecture", "amd64"}}},
          {"minimum", 0},
          {"maximum", 2},
          {"zones", {"eu-west-1a"}},
          {"systemComponents", {{"allow", false}}}};
}

json NvidiaCri() {
  const json runtimes = json::array({{{"type", "nvidia"}}});
  return json::array({{{"name", "containerd"}, {"containerRuntimes", runtimes}}});
}

}  // namespace

std::string DenialText(const std::string& stderr_text) {
  const std::string marker = "\" denied the request: ";
  const size_t at = stderr_text.find(marker);
  if (at == std::string::npos) {
    return "<no webhook denial in: " + stderr_text + ">";
  }
  std::string text = stderr_text.substr(at + marker.size());
  while (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

json ShootWebhookE2ETest::CloudProfile() {
  const json types =
      json::array({{{"name", "g4dn.xlarge"}, {"cpu", "4"}, {"gpu", 1}, {"memory", "16Gi"}},
                   {{"name", "m5.large"}, {"cpu", "2"}, {"gpu", "0"}, {"memory", "8Gi"}}});
  const json plain_containerd = json::array({{{"name", "containerd"}}});
  const json versions = json::array({{{"version", "1877.5.0"}, {"cri", NvidiaCri()}},
                                     {{"version", "1592.3.0"}, {"cri", NvidiaCri()}},
                                     {{"version", "1592.1.0"}, {"cri", plain_containerd}}});
  const json images = json::array({{{"name", "gardenlinux"}, {"versions", versions}}});
  json profile = {{"apiVersion", "core.gardener.cloud/v1beta1"},
                  {"kind", "CloudProfile"},
                  {"metadata", {{"name", "aws"}}}};
  profile["spec"] = {{"type", "aws"},
                     {"regions", json::array({{{"name", "eu-west-1"}}})},
                     {"machineTypes", types},
                     {"machineImages", images}};
  return profile;
}

json ShootWebhookE2ETest::Shoot(const std::string& name, const std::string& version) {
  return {
      {"apiVersion", "core.gardener.cloud/v1beta1"},
      {"kind", "Shoot"},
      {"metadata", {{"name", name}, {"namespace", kProject}}},
      {"spec",
       {{"cloudProfile", {{"kind", "CloudProfile"}, {"name", "aws"}}},
        {"region", "eu-west-1"},
        {"provider",
         {{"type", "aws"},
          {"workers", {Pool("cpu", "m5.large", version), Pool("gpu", "g4dn.xlarge", version)}}}}}}};
}

void ShootWebhookE2ETest::SetUp() {
  const std::string missing = gpuext::testing::Tools().Check();
  ASSERT_TRUE(missing.empty()) << missing;
  const std::filesystem::path binary =
      std::filesystem::path(GPUEXT_BINARY_DIR) / "bin/gpu-admission";
  ASSERT_TRUE(std::filesystem::exists(binary))
      << binary << " is missing; build it: ninja -C build gpu-admission";

  emulator_ = std::make_unique<emulator::Server>(emulator::ServerOptions{.listen = "127.0.0.1:0"},
                                                 Logger::Root().WithName("emulator"));
  emulator_->Load(std::filesystem::path(GPUEXT_SOURCE_DIR) / "hack/crds");
  emulator_->Start();
  kubeconfig_ = dir_.path() / "kubeconfig";
  emulator_->WriteKubeconfig(kubeconfig_);
  client_ = std::make_unique<kube::HttpClient>(
      kube::ParseKubeconfig(emulator_->Kubeconfig(), kubeconfig_));

  const int port = gpuext::testing::FreeLoopbackPort();
  for (const char* ns : {"garden", kProject}) {
    client_->Create(kNamespaces,
                    {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  }
  client_->Create(kServices, {{"apiVersion", "v1"},
                              {"kind", "Service"},
                              {"metadata", {{"name", kService}, {"namespace", "garden"}}},
                              {"spec", {{"ports", {{{"port", 443}, {"targetPort", port}}}}}}});
  client_->Create(
      kEndpoints,
      {{"apiVersion", "v1"},
       {"kind", "Endpoints"},
       {"metadata", {{"name", kService}, {"namespace", "garden"}}},
       {"subsets", {{{"addresses", {{{"ip", "127.0.0.1"}}}}, {"ports", {{{"port", port}}}}}}}});
  const auto profile = Kubectl({"apply", "-f", "-"}, CloudProfile().dump());
  ASSERT_EQ(profile.exit_code, 0) << profile.stderr_text;

  admission_ = std::make_unique<gpuext::testing::BackgroundProcess>(
      std::vector<std::string>{binary.string(), "--kubeconfig", kubeconfig_.string(), "--listen",
                               "127.0.0.1", "--port", std::to_string(port), "--cert-dir",
                               (dir_.path() / "certs").string(), "--register",
                               "--webhook-config-namespace", "garden", "--log-format", "text"},
      std::vector<std::string>{}, dir_.path() / "gpu-admission.log");
  // The binary registers only once it serves, so the configuration's presence means ready.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!client_->Get(kValidatingConfigs, {.ns = "", .name = kConfiguration}).has_value()) {
    ASSERT_TRUE(admission_->Running()) << "gpu-admission exited:\n" << AdmissionLog();
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "gpu-admission did not register:\n"
                                                          << AdmissionLog();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void ShootWebhookE2ETest::TearDown() {
  if (admission_) {
    // Graceful shutdown on SIGTERM: exit status 0 within the grace period.
    EXPECT_EQ(admission_->Stop(SIGTERM, std::chrono::seconds(10)), 0) << AdmissionLog();
  }
  if (emulator_) {
    emulator_->Stop();
  }
}

std::string ShootWebhookE2ETest::AdmissionLog() const {
  std::ifstream in(dir_.path() / "gpu-admission.log");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

gpuext::testing::ProcessResult ShootWebhookE2ETest::Kubectl(const std::vector<std::string>& args,
                                                            const std::string& stdin_text) {
  std::vector<std::string> argv = {gpuext::testing::Tools().kubectl.string(), "--kubeconfig",
                                   kubeconfig_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return gpuext::testing::RunProcess(
      argv, {.env = {"KUBECACHEDIR=" + (dir_.path() / "kube-cache").string()},
             .stdin_text = stdin_text,
             .timeout = std::chrono::seconds(60)});
}

gpuext::testing::ProcessResult ShootWebhookE2ETest::ApplyShoot(json shoot) {
  // ExtensionLabels: one label per extension type and per container runtime type in the spec.
  json& labels = shoot["metadata"]["labels"];
  const json extensions = shoot["spec"].value("extensions", json::array());
  for (const json& e : extensions) {
    if (e.value("type", "") == "nvidia-gpu") {
      labels[kExtensionLabel] = "true";
    }
  }
  const json workers = shoot["spec"]["provider"].value("workers", json::array());
  for (const json& w : workers) {
    const json runtimes = w.value("cri", json::object()).value("containerRuntimes", json::array());
    for (const json& r : runtimes) {
      if (r.value("type", "") == "nvidia") {
        labels[kRuntimeLabel] = "true";
      }
    }
  }
  return Kubectl({"apply", "-f", "-"}, shoot.dump());
}

std::optional<json> ShootWebhookE2ETest::GetShoot(const std::string& name) {
  return client_->Get(kShoots, {.ns = kProject, .name = name});
}

json ShootWebhookE2ETest::ExampleShoot() {
  const auto r = Kubectl({"create", "--dry-run=client", "-o", "json", "-f",
                          std::string(GPUEXT_SOURCE_DIR) + "/example/shoot.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  return r.exit_code == 0 ? json::parse(r.stdout_text) : json::object();
}

}  // namespace gpuext::webhook::e2e
