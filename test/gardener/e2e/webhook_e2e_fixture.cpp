// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "webhook_e2e_fixture.h"

#include "gpuext/kube/kubeconfig.h"

namespace gpuext::gardener::e2e {

using nlohmann::json;

namespace {

const kube::Resource kNamespaces{"", "v1", "namespaces", false};
const kube::Resource kServices{"", "v1", "services", true};
const kube::Resource kEndpoints{"", "v1", "endpoints", true};
const kube::Resource kConfigMapResource{"", "v1", "configmaps", true};

json Namespace(const std::string& name, const json& labels) {
  json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  if (!labels.empty()) {
    ns["metadata"]["labels"] = labels;
  }
  return ns;
}

}  // namespace

void WebhookE2ETest::SetUp() {
  const std::string missing = gpuext::testing::Tools().Check();
  ASSERT_TRUE(missing.empty()) << missing;
  emulator_ = std::make_unique<emulator::Server>(emulator::ServerOptions{.listen = "127.0.0.1:0"},
                                                 Logger::Root().WithName("emulator"));
  emulator_->Start();
  kubeconfig_ = dir_.path() / "kubeconfig";
  emulator_->WriteKubeconfig(kubeconfig_);
  client_ = std::make_unique<kube::HttpClient>(
      kube::ParseKubeconfig(emulator_->Kubeconfig(), kubeconfig_));

  cert_config_ = {.ca_common_name = "gardener-extension-e2e",
                  .service_name = kServiceName,
                  .service_namespace = kServiceNamespace,
                  .ip_addresses = {"127.0.0.1"}};
  cert_dir_ = dir_.path() / "webhook-certs";
  initial_ = RotateCertificatesInDirectory(cert_dir_, cert_config_, RealClock::Instance());

  webhook_ = std::make_unique<WebhookServer>(
      WebhookServerOptions{.host = "127.0.0.1", .port = 0, .cert_dir = cert_dir_},
      Logger::Root().WithName("webhook"));
  webhook_->AddMutator("/mutate", mutator_);
  webhook_->AddValidator("/validate", validator_);
  webhook_->Start();

  client_->Create(kNamespaces, Namespace(kServiceNamespace, json::object()));
  client_->Create(kNamespaces, Namespace("gpu-team", {{"e2e.gpuext.dev/webhooks", "enabled"}}));
  client_->Create(kNamespaces, Namespace("plain", json::object()));
  client_->Create(kServices,
                  {{"apiVersion", "v1"},
                   {"kind", "Service"},
                   {"metadata", {{"name", kServiceName}, {"namespace", kServiceNamespace}}},
                   {"spec", {{"ports", {{{"port", 443}, {"targetPort", webhook_->port()}}}}}}});
  client_->Create(
      kEndpoints,
      {{"apiVersion", "v1"},
       {"kind", "Endpoints"},
       {"metadata", {{"name", kServiceName}, {"namespace", kServiceNamespace}}},
       {"subsets",
        {{{"addresses", {{{"ip", "127.0.0.1"}}}}, {"ports", {{{"port", webhook_->port()}}}}}}}});
  Register(initial_.certs.ca_bundle);
}

void WebhookE2ETest::TearDown() {
  if (webhook_) {
    webhook_->Stop();
  }
  if (emulator_) {
    emulator_->Stop();
  }
}

gpuext::testing::ProcessResult WebhookE2ETest::Kubectl(const std::vector<std::string>& args,
                                                       const std::string& stdin_text) {
  std::vector<std::string> argv = {gpuext::testing::Tools().kubectl.string(), "--kubeconfig",
                                   kubeconfig_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return gpuext::testing::RunProcess(
      argv, {.env = {"KUBECACHEDIR=" + (dir_.path() / "kube-cache").string()},
             .stdin_text = stdin_text,
             .timeout = std::chrono::seconds(60)});
}

gpuext::testing::ProcessResult WebhookE2ETest::CreateConfigMap(const std::string& ns,
                                                               const std::string& name,
                                                               const json& data) {
  const json cm = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata", {{"name", name}, {"namespace", ns}}},
                   {"data", data}};
  return Kubectl({"create", "-f", "-"}, cm.dump());
}

std::optional<json> WebhookE2ETest::GetConfigMap(const std::string& ns, const std::string& name) {
  return client_->Get(kConfigMapResource, {.ns = ns, .name = name});
}

WebhookConfigurationDescription WebhookE2ETest::MutatingDescription() const {
  return {
      .kind = WebhookKind::kMutating,
      .name = "certs-e2e",
      .owner_namespace = std::string(kServiceNamespace),
      .webhooks = {
          {.name = kMutatingWebhook,
           .rules = {{.operations = {"CREATE", "UPDATE"},
                      .api_groups = {""},
                      .api_versions = {"v1"},
                      .resources = {"configmaps"}}},
           .service =
               WebhookService{
                   .name = kServiceName, .ns = kServiceNamespace, .port = 443, .path = "/mutate"},
           .namespace_selector = {{"matchLabels", {{"e2e.gpuext.dev/webhooks", "enabled"}}}},
           .failure_policy = "Fail",
           .timeout_seconds = 10}}};
}

WebhookConfigurationDescription WebhookE2ETest::ValidatingDescription() const {
  WebhookConfigurationDescription desc = MutatingDescription();
  desc.kind = WebhookKind::kValidating;
  desc.webhooks[0].name = kValidatingWebhook;
  desc.webhooks[0].service->path = "/validate";
  return desc;
}

void WebhookE2ETest::Register(const std::string& ca_bundle) {
  ReconcileWebhookConfiguration(*client_, MutatingDescription(), ca_bundle);
  ReconcileWebhookConfiguration(*client_, ValidatingDescription(), ca_bundle);
}

std::string WebhookE2ETest::PresentedCertificate() {
  const auto r = gpuext::testing::RunProcess(
      {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(webhook_->port()),
       "-servername", std::string(kServiceName) + "." + kServiceNamespace + ".svc"},
      {.stdin_text = "", .timeout = std::chrono::seconds(20)});
  const auto certs = SplitPemCertificates(r.stdout_text);
  EXPECT_FALSE(certs.empty()) << r.stderr_text;
  return certs.empty() ? std::string() : certs.front();
}

}  // namespace gpuext::gardener::e2e
