// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "osc_webhook.h"

#include <condition_variable>
#include <mutex>

#include "gpuext/clock.h"
#include "gpuext/error.h"
#include "gpuext/gardener/extension_reconciler.h"
#include "gpuext/gardener/webhook_server.h"
#include "gpuext/gpu/names.h"

namespace gpuext::gpu::cmd {

using nlohmann::json;

namespace {

// The thresholds in certs.h leave days of margin; an hourly look is plenty.
constexpr std::chrono::hours kRotationCheckPeriod{1};

// "10.0.0.1:8443" → "10.0.0.1", "[::1]:443" → "::1", "gpu.example.com" → itself.
std::string UrlHost(const std::string& host_port) {
  if (!host_port.empty() && host_port.front() == '[') {
    const std::size_t end = host_port.find(']');
    return end == std::string::npos ? host_port : host_port.substr(1, end - 1);
  }
  return host_port.substr(0, host_port.find(':'));
}

}  // namespace

CachedOscLookup::CachedOscLookup(kube::Cache& cache)
    : clusters_(cache.GetInformer(gardener::kClusters)),
      extensions_(cache.GetInformer(gardener::kExtensions)) {}

std::optional<json> CachedOscLookup::Cluster(std::string_view ns) const {
  const kube::ObjectPtr cluster = clusters_.Get({.ns = "", .name = std::string(ns)});
  return cluster ? std::optional<json>(*cluster) : std::nullopt;
}

std::optional<json> CachedOscLookup::Extension(std::string_view ns) const {
  for (const kube::ObjectPtr& obj : extensions_.ByIndex(kube::kNamespaceIndex, ns)) {
    if (obj->value("/spec/type"_json_pointer, std::string()) == kExtensionType) {
      return *obj;
    }
  }
  return std::nullopt;
}

gardener::WebhookConfigurationDescription OscWebhookDescription(
    const gardener::ExtensionOptions& options, const std::string& ns, int timeout_seconds) {
  gardener::WebhookConfigurationDescription desc = gardener::SeedOscWebhookDescription(ns);
  for (gardener::WebhookDescription& hook : desc.webhooks) {
    hook.timeout_seconds = timeout_seconds;
    if (options.webhook_config_mode == "url") {
      hook.service.reset();
      hook.url = "https://" + options.webhook_config_url + kOscWebhookPath;
    } else {
      hook.service->port = options.webhook_config_service_port;
      hook.service->path = kOscWebhookPath;
    }
  }
  return desc;
}

gardener::CertificateConfig OscCertificateConfig(const gardener::ExtensionOptions& options,
                                                 const std::string& ns) {
  // The CA's name differs from the serving certificate's: a leaf whose subject equals its
  // issuer reads as self-signed to verifiers.
  gardener::CertificateConfig config{.ca_common_name = "gardener-extension-gpu-webhook-ca",
                                     .service_name = "gardener-extension-gpu",
                                     .service_namespace = ns};
  if (options.webhook_config_mode == "url") {
    const std::string host = UrlHost(options.webhook_config_url);
    try {
      config.ip_addresses.push_back(gardener::CanonicalIpAddress(host));
    } catch (const Error&) {
      config.extra_dns_names.push_back(host);  // not an IP address: a DNS name
    }
  }
  return config;
}

OscWebhook::OscWebhook(kube::Client& seed, kube::Cache& cache,
                       const gpuruntime::api::ControllerConfiguration& component,
                       const gardener::ExtensionOptions& options, std::string ns, Logger log)
    : seed_(seed),
      lookup_(cache),
      handler_(lookup_, component, log.WithName("osc")),
      options_(options),
      description_(OscWebhookDescription(options, ns, component.webhooks.osc_timeout_seconds)),
      certificates_(OscCertificateConfig(options, ns)),
      log_(std::move(log)) {}

OscWebhook::~OscWebhook() = default;

void OscWebhook::Register(const std::string& ca_bundle) {
  gardener::ReconcileWebhookConfiguration(seed_, description_, ca_bundle);
}

std::string OscWebhook::RotateCertificates() {
  const gardener::CertificateRotation rotation = gardener::RotateCertificatesInDirectory(
      options_.webhook_config_cert_dir, certificates_, RealClock::Instance(),
      [this](const std::string& bundle) { Register(bundle); });
  if (rotation.changed()) {
    log_.Info("Webhook certificates written",
              {{"dir", options_.webhook_config_cert_dir}, {"reason", rotation.reason}});
  }
  return rotation.certs.ca_bundle;
}

void OscWebhook::Start(std::stop_token stop) {
  const std::string ca_bundle = RotateCertificates();
  gardener::WebhookServer server(
      {.port = options_.webhook_config_server_port, .cert_dir = options_.webhook_config_cert_dir},
      log_.WithName("server"));
  server.AddMutator(kOscWebhookPath, handler_);
  server.Start();
  // Registered after the server listens, so the API server never calls a closed port; also
  // when nothing rotated, so a start repairs a configuration someone changed or deleted.
  Register(ca_bundle);
  serving_ = true;
  log_.Info(
      "Serving the OSC webhook",
      {{"port", server.port()}, {"path", kOscWebhookPath}, {"configuration", description_.name}});
  std::mutex mu;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    std::unique_lock lock(mu);
    // Wakes on stop or after the period; the predicate never ends the wait early.
    (void)wake.wait_for(lock, stop, kRotationCheckPeriod, [] { return false; });
    if (stop.stop_requested()) {
      break;
    }
    lock.unlock();
    try {
      (void)RotateCertificates();
    } catch (const std::exception& e) {
      log_.Error(e, "Webhook certificate rotation failed; retrying next period");
    }
  }
  serving_ = false;
  server.Stop();
  log_.Info("OSC webhook stopped");
}

}  // namespace gpuext::gpu::cmd
