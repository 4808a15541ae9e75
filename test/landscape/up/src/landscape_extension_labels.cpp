// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// SIMULATED gardener-apiserver admission plugin ExtensionLabels: the garden emulator is a plain
// kube-apiserver stand-in, so the landscape serves what gardener-apiserver does in-process as a
// mutating webhook that runs before every other one (configurations are called in name order).
// It labels a Shoot with the extension and container-runtime types its spec uses, which the
// garden admission's objectSelectors match on.

#include <fmt/format.h>

#include "gpuext/base64.h"
#include "gpuext/clock.h"
#include "gpuext/gardener/certs.h"
#include "landscape_impl.h"

namespace gpuext::landscape {

using nlohmann::json;

namespace {

constexpr const char* kExtensionLabelPrefix = "extensions.extensions.gardener.cloud/";
constexpr const char* kRuntimeLabelPrefix = "containerruntime.extensions.gardener.cloud/";
const kube::Resource kLabelsMutatingConfigs{"admissionregistration.k8s.io", "v1",
                                            "mutatingwebhookconfigurations", false};

}  // namespace

void SimulatedExtensionLabels::Mutate(const gardener::AdmissionRequest& request, json& object) {
  (void)request;
  json labels = object["metadata"].value("labels", json::object());
  for (auto it = labels.begin(); it != labels.end();) {
    const std::string key = it.key();
    it = key.starts_with(kExtensionLabelPrefix) || key.starts_with(kRuntimeLabelPrefix)
             ? labels.erase(it)
             : std::next(it);
  }
  const json spec = object.value("spec", json::object());
  for (const json& extension : spec.value("extensions", json::array())) {
    if (!extension.value("disabled", false)) {
      labels[kExtensionLabelPrefix + extension.value("type", "")] = "true";
    }
  }
  const json workers = spec.value("/provider/workers"_json_pointer, json::array());
  for (const json& pool : workers) {
    const json runtimes = pool.value("/cri/containerRuntimes"_json_pointer, json::array());
    for (const json& runtime : runtimes) {
      labels[kRuntimeLabelPrefix + runtime.value("type", "")] = "true";
    }
  }
  object["metadata"]["labels"] = labels;
}

void Landscape::Impl::StartExtensionLabels() {
  const std::filesystem::path dir = options.work_dir / "simulated-gardener-apiserver-certs";
  const gardener::CertificateRotation certs =
      gardener::RotateCertificatesInDirectory(dir,
                                              {.ca_common_name = "simulated-gardener-apiserver-ca",
                                               .service_name = "simulated-gardener-apiserver",
                                               .service_namespace = "garden",
                                               .ip_addresses = {"127.0.0.1"}},
                                              RealClock::Instance());
  labels_server = std::make_unique<gardener::WebhookServer>(
      gardener::WebhookServerOptions{.host = "127.0.0.1", .port = 0, .cert_dir = dir},
      Logger::Root().WithName("simulated-gardener-apiserver"));
  labels_server->AddMutator("/extension-labels", extension_labels);
  labels_server->Start();
  const json rules = json::array({{{"apiGroups", {"core.gardener.cloud"}},
                                   {"apiVersions", {"v1beta1"}},
                                   {"operations", {"CREATE", "UPDATE"}},
                                   {"resources", {"shoots"}}}});
  garden_client->Create(
      kLabelsMutatingConfigs,
      {{"apiVersion", "admissionregistration.k8s.io/v1"},
       {"kind", "MutatingWebhookConfiguration"},
       // Sorted before every real configuration, as the in-process plugin runs first.
       {"metadata", {{"name", "0-simulated-gardener-apiserver-extension-labels"}}},
       {"webhooks", json::array({{{"name", "extension-labels.simulated.gardener.cloud"},
                                  {"admissionReviewVersions", {"v1"}},
                                  {"sideEffects", "None"},
                                  {"failurePolicy", "Fail"},
                                  {"rules", rules},
                                  {"clientConfig",
                                   {{"url", fmt::format("https://127.0.0.1:{}/extension-labels",
                                                        labels_server->port())},
                                    {"caBundle", Base64Encode(certs.certs.ca_bundle)}}}}})}});
}

}  // namespace gpuext::landscape
