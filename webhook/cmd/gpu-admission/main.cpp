// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// gpu-admission: the garden Shoot webhook of DESIGN.md §9 (docs/webhooks.md, "Running
// gpu-admission").
//
//   gpu-admission --kubeconfig garden.kubeconfig --register --webhook-config-namespace garden
//                 [--port 10250] [--cert-dir DIR] [--supported-images gardenlinux]...
//
// Serves /webhooks/shoot/mutate, /webhooks/shoot/validate and /healthz over TLS, answering
// CloudProfile questions from informer caches. Exit 2 for bad flags (every problem listed),
// 1 for a failed start, 0 after SIGTERM/SIGINT.
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <stop_token>

#include "cloud_profile_cache.h"
#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/gardener/certs.h"
#include "gpuext/gardener/webhook_registration.h"
#include "gpuext/gardener/webhook_server.h"
#include "gpuext/kube/cache.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/kube/signals.h"
#include "gpuext/logger.h"
#include "gpuext/webhook/shoot_admission.h"
#include "options.h"
#include "registration.h"

namespace {

namespace gardener = gpuext::gardener;
using gpuext::admission::Options;

// Renewal is checked this often; the thresholds in certs.h leave days of margin.
constexpr std::chrono::hours kRotationCheckPeriod{1};

gardener::CertificateConfig CertConfig(const Options& options) {
  // The CA's name must differ from the serving certificate's (the Service name): a leaf whose
  // subject equals its issuer reads as self-signed to verifiers.
  gardener::CertificateConfig config{.ca_common_name = "gardener-extension-gpu-admission-ca",
                                     .service_name = options.webhook_config_service_name,
                                     .service_namespace = options.webhook_config_namespace};
  if (options.webhook_config_mode == "url") {
    const std::string host = gpuext::admission::UrlHost(options.webhook_config_url);
    try {
      config.ip_addresses.push_back(gardener::CanonicalIpAddress(host));
    } catch (const gpuext::Error&) {
      config.extra_dns_names.push_back(host);  // not an IP address: a DNS name
    }
  }
  if (config.service_namespace.empty()) {
    config.service_namespace = "default";  // only names SANs nobody dials in url mode
  }
  return config;
}

void Register(gpuext::kube::Client& client, const Options& options, const std::string& bundle) {
  for (const auto kind : {gardener::WebhookKind::kMutating, gardener::WebhookKind::kValidating}) {
    gardener::ReconcileWebhookConfiguration(
        client, gpuext::admission::ShootWebhookDescription(kind, options), bundle);
  }
}

// Makes sure the cert dir holds a usable set and returns the caBundle to register.
std::string PrepareCertificates(const Options& options, gpuext::kube::Client& client,
                                const gpuext::Logger& log) {
  if (options.cert_mode == "external") {
    // Mounted by someone else (cert-manager, a Secret): we only register the CA they name.
    const std::filesystem::path ca =
        std::filesystem::path(options.cert_dir) / gardener::kCaCertFile;
    auto pem = gpuext::ReadFileIfExists(ca);
    if (!pem) {
      throw gpuext::Error(gpuext::ErrorCode::kConfigurationProblem,
                          "--cert-mode external: " + ca.string() +
                              " is missing; mount the CA that signed tls.crt there");
    }
    return *pem;
  }
  const auto rotation = gardener::RotateCertificatesInDirectory(
      options.cert_dir, CertConfig(options), gpuext::RealClock::Instance(),
      [&](const std::string& bundle) {
        if (options.register_webhooks) {
          Register(client, options, bundle);
        }
      });
  if (rotation.changed()) {
    log.Info("Webhook certificates written",
             {{"dir", options.cert_dir}, {"reason", rotation.reason}});
  }
  return rotation.certs.ca_bundle;
}

int Run(const Options& options, std::stop_token stop) {
  const gpuext::Logger log = gpuext::Logger::Root().WithName("gpu-admission");
  gpuext::kube::HttpClient client(gpuext::kube::LoadConfig(options.kubeconfig));

  // Caches first: a request answered before they sync would miss every CloudProfile.
  gpuext::kube::Cache cache(client, {}, gpuext::RealClock::Instance(), log.WithName("cache"));
  gpuext::webhook::CloudProfileLookup lookup = gpuext::admission::CachedCloudProfileLookup(cache);
  cache.Start();
  if (!cache.WaitForCacheSync(stop, std::chrono::seconds(options.cache_sync_timeout_seconds))) {
    if (stop.stop_requested()) {
      return 0;
    }
    throw gpuext::Error(gpuext::ErrorCode::kTimeout,
                        "cloudprofiles and namespacedcloudprofiles did not sync within " +
                            std::to_string(options.cache_sync_timeout_seconds) +
                            "s; check --kubeconfig and RBAC (get/list/watch)");
  }

  const std::string bundle = PrepareCertificates(options, client, log);
  gpuext::webhook::ShootMutatorHandler mutator(lookup);
  gpuext::webhook::ShootValidatorHandler validator(lookup, options.supported_images);
  gardener::WebhookServer server(
      {.host = options.listen, .port = options.port, .cert_dir = options.cert_dir},
      log.WithName("server"));
  server.AddMutator(gpuext::admission::kMutatePath, mutator);
  server.AddValidator(gpuext::admission::kValidatePath, validator);
  server.Start();
  log.Info("Serving", {{"port", server.port()}, {"certDir", options.cert_dir}});
  // Registered after the server listens, so the apiserver never calls a closed port.
  if (options.register_webhooks) {
    Register(client, options, bundle);
    log.Info("Webhook configurations reconciled",
             {{"name", gpuext::admission::kConfigurationName}});
  }

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
    if (options.cert_mode == "generate") {
      try {
        (void)PrepareCertificates(options, client, log);
      } catch (const std::exception& e) {
        log.Error(e, "Certificate rotation failed; retrying next period");
      }
    }
  }
  log.Info("Shutting down");
  server.Stop();
  cache.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // First: every thread started later inherits the blocked SIGTERM/SIGINT mask.
  gpuext::kube::ShutdownSignals signals;
  std::signal(SIGPIPE, SIG_IGN);
  Options options;
  gpuext::FlagSet flags("gpu-admission");
  gpuext::admission::AddFlags(flags, options);
  std::vector<std::string> errors = flags.Parse(argc, argv);
  for (std::string& e : gpuext::admission::ValidateOptions(options)) {
    errors.push_back(std::move(e));
  }
  if (!flags.positional().empty()) {
    errors.push_back("unexpected argument \"" + flags.positional().front() + "\"");
  }
  if (!errors.empty()) {
    for (const std::string& e : errors) {
      std::cerr << "gpu-admission: " << e << "\n";
    }
    std::cerr << flags.Usage();
    return 2;
  }
  gpuext::Logger::Configure(
      options.log_format == "text" ? gpuext::LogFormat::kText : gpuext::LogFormat::kJson,
      options.log_level == "debug"   ? gpuext::LogLevel::kDebug
      : options.log_level == "error" ? gpuext::LogLevel::kError
                                     : gpuext::LogLevel::kInfo);
  try {
    return Run(options, signals.token());
  } catch (const std::exception& e) {
    // Boundary of main: the whole chain once.
    std::cerr << "gpu-admission: " << gpuext::DescribeException(e) << "\n";
    return 1;
  }
}
