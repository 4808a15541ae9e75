// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "options.h"

namespace gpuext::admission {

void AddFlags(FlagSet& flags, Options& o) {
  flags.String("kubeconfig", &o.kubeconfig,
               "kubeconfig of the garden (virtual) cluster; empty: KUBECONFIG or in-cluster");
  flags.String("listen", &o.listen, "address the webhook server binds");
  flags.Int("port", &o.port, "HTTPS port of the webhook server (0: any free port)");
  flags.String("cert-dir", &o.cert_dir,
               "directory with tls.crt/tls.key (and ca.crt); generated there in --cert-mode "
               "generate");
  flags.String("cert-mode", &o.cert_mode,
               "generate (own CA, rotated) | external (serve the mounted tls.crt/tls.key, "
               "register ca.crt)");
  flags.Bool("register", &o.register_webhooks,
             "create/update the Mutating- and ValidatingWebhookConfiguration "
             "gardener-extension-gpu-admission with our caBundle");
  flags.String("webhook-config-mode", &o.webhook_config_mode,
               "how the apiserver reaches us: service | url");
  flags.String("webhook-config-url", &o.webhook_config_url,
               "url mode: host[:port] the apiserver dials (https://<url>/webhooks/shoot/...)");
  flags.String("webhook-config-namespace", &o.webhook_config_namespace,
               "service mode: namespace of the webhook Service");
  flags.String("webhook-config-service-name", &o.webhook_config_service_name,
               "service mode: name of the webhook Service");
  flags.Int("webhook-config-service-port", &o.webhook_config_service_port,
            "service mode: port of the webhook Service");
  flags.StringList("supported-images", &o.supported_images,
                   "machine image names GPU pools may use (repeatable; default gardenlinux)");
  flags.Int("cache-sync-timeout-seconds", &o.cache_sync_timeout_seconds,
            "how long to wait for the CloudProfile caches before giving up");
  flags.String("log-format", &o.log_format, "json | text");
  flags.String("log-level", &o.log_level, "debug | info | error");
}

namespace {

bool IsPort(int port, bool allow_zero) {
  return port <= 65535 && (port > 0 || (allow_zero && port == 0));
}

}  // namespace

std::string UrlHost(const std::string& host_port) {
  if (!host_port.empty() && host_port.front() == '[') {
    const size_t end = host_port.find(']');
    return end == std::string::npos ? host_port : host_port.substr(1, end - 1);
  }
  const size_t colon = host_port.find(':');
  return colon == std::string::npos ? host_port : host_port.substr(0, colon);
}

std::vector<std::string> ValidateOptions(Options& o) {
  std::vector<std::string> errors;
  if (!IsPort(o.port, true)) {
    errors.push_back(InvalidFlagValue("port", std::to_string(o.port), "want 0..65535"));
  }
  if (o.listen.empty()) {
    errors.push_back(InvalidFlagValue("listen", o.listen, "want an address such as 0.0.0.0"));
  }
  if (o.cert_dir.empty()) {
    errors.push_back(InvalidFlagValue("cert-dir", o.cert_dir, "want a directory"));
  }
  if (o.cert_mode != "generate" && o.cert_mode != "external") {
    errors.push_back(InvalidFlagValue("cert-mode", o.cert_mode, "want generate or external"));
  }
  if (o.webhook_config_mode == "service") {
    if (o.register_webhooks && o.webhook_config_namespace.empty()) {
      errors.push_back(
          InvalidFlagValue("webhook-config-namespace", "",
                           "--register in service mode needs the Service's namespace"));
    }
    if (!IsPort(o.webhook_config_service_port, false)) {
      errors.push_back(InvalidFlagValue("webhook-config-service-port",
                                        std::to_string(o.webhook_config_service_port),
                                        "want 1..65535"));
    }
  } else if (o.webhook_config_mode == "url") {
    if (o.webhook_config_url.empty() || o.webhook_config_url.find('/') != std::string::npos ||
        UrlHost(o.webhook_config_url).empty()) {
      errors.push_back(InvalidFlagValue("webhook-config-url", o.webhook_config_url,
                                        "url mode needs host[:port] without scheme or path, e.g. "
                                        "127.0.0.1:10250"));
    }
  } else {
    errors.push_back(
        InvalidFlagValue("webhook-config-mode", o.webhook_config_mode, "want service or url"));
  }
  for (const std::string& image : o.supported_images) {
    if (image.empty()) {
      errors.push_back(InvalidFlagValue("supported-images", image, "want a machine image name"));
    }
  }
  if (o.supported_images.empty()) {
    o.supported_images = {"gardenlinux"};
  }
  if (o.cache_sync_timeout_seconds <= 0) {
    errors.push_back(InvalidFlagValue("cache-sync-timeout-seconds",
                                      std::to_string(o.cache_sync_timeout_seconds), "want > 0"));
  }
  if (o.log_format != "json" && o.log_format != "text") {
    errors.push_back(InvalidFlagValue("log-format", o.log_format, "want json or text"));
  }
  if (o.log_level != "debug" && o.log_level != "info" && o.log_level != "error") {
    errors.push_back(InvalidFlagValue("log-level", o.log_level, "want debug, info or error"));
  }
  return errors;
}

}  // namespace gpuext::admission
