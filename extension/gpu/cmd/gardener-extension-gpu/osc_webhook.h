// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The seed OSC webhook (DESIGN.md §12) as a manager Runnable: our own CA and serving
// certificate in --webhook-config-cert-dir (rotated hourly checks, certs.h), the TLS server on
// --webhook-config-server-port with /webhooks/osc, and the MutatingWebhookConfiguration
// `gardener-extension-gpu` kept registered with the current caBundle. Every replica serves (not
// leader-only: the Service balances over all pods); it starts after the manager's caches
// synced, so the first request already finds Clusters and Extensions in them.

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/gardener/certs.h"
#include "gpuext/gardener/extension_options.h"
#include "gpuext/gardener/webhook_registration.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/kube/cache.h"
#include "gpuext/kube/runnable.h"
#include "gpuext/logger.h"
#include "gpuext/webhook/osc_admission.h"

namespace gpuext::gpu::cmd {

inline constexpr const char* kOscWebhookPath = "/webhooks/osc";

// Clusters and our Extensions from the manager's informers: a request makes no API call.
class CachedOscLookup final : public webhook::OscLookup {
 public:
  // Creates the two informers in `cache` (before the manager starts, so it waits for them).
  explicit CachedOscLookup(kube::Cache& cache);
  [[nodiscard]] std::optional<nlohmann::json> Cluster(std::string_view ns) const override;
  [[nodiscard]] std::optional<nlohmann::json> Extension(std::string_view ns) const override;

 private:
  kube::Informer& clusters_;
  kube::Informer& extensions_;
};

// The registration for our flags: SeedOscWebhookDescription with the Service port (service
// mode) or URL (url mode) and webhooks.osc.timeoutSeconds of the component configuration.
[[nodiscard]] gardener::WebhookConfigurationDescription OscWebhookDescription(
    const gardener::ExtensionOptions& options, const std::string& ns, int timeout_seconds);

// The serving certificate's names: the Service's DNS names, plus the URL's host in url mode.
[[nodiscard]] gardener::CertificateConfig OscCertificateConfig(
    const gardener::ExtensionOptions& options, const std::string& ns);

class OscWebhook final : public kube::Runnable {
 public:
  // `seed`, `cache` and `component` must outlive the webhook. `ns` is the extension's
  // namespace (--webhook-config-namespace or its default).
  OscWebhook(kube::Client& seed, kube::Cache& cache,
             const gpuruntime::api::ControllerConfiguration& component,
             const gardener::ExtensionOptions& options, std::string ns, Logger log);
  ~OscWebhook() override;

  // Certificates, server, registration; then rotation checks until `stop`; then the server
  // stops (the configuration stays registered: the next replica or restart serves it).
  void Start(std::stop_token stop) override;
  [[nodiscard]] bool NeedLeaderElection() const override { return false; }

  // For /readyz: true once the server listens and the configuration is registered.
  [[nodiscard]] bool Serving() const { return serving_; }

 private:
  // Rotates the certificate set when due, registering a new caBundle before new files are
  // written; returns the current caBundle.
  std::string RotateCertificates();
  void Register(const std::string& ca_bundle);

  kube::Client& seed_;
  CachedOscLookup lookup_;
  webhook::OscMutatorHandler handler_;
  const gardener::ExtensionOptions options_;
  const gardener::WebhookConfigurationDescription description_;
  const gardener::CertificateConfig certificates_;
  const Logger log_;
  std::atomic<bool> serving_{false};
};

}  // namespace gpuext::gpu::cmd
