// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The fixture of the WebhookDispatcher tests: a CA, a TestWebhookServer whose certificate is
// valid for hook.default.svc and 127.0.0.1, and an Environment whose configurations and
// namespaces a test sets. Service "default/hook" port 443 resolves to the server.

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/emulator/admission/webhook_dispatcher.h"
#include "gpuext/kube/tls.h"
#include "test_webhook_server.h"

namespace gpuext::emulator::admission::testing {

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest()
      : ca_(kube::CertificateAuthority::Generate("admission-test-ca", std::chrono::hours(1))),
        server_(ca_, {"hook.default.svc", "127.0.0.1"}) {}

  // A webhook for CREATE of core/v1 pods through service default/hook at `path`, trusting ca_,
  // with sideEffects None, admissionReviewVersions [v1] and timeoutSeconds 1. `overrides` is
  // merged on top (JSON merge patch).
  nlohmann::json Webhook(const std::string& name, const std::string& path,
                         const nlohmann::json& overrides = nlohmann::json::object()) const {
    nlohmann::json webhook = {
        {"name", name},
        {"clientConfig",
         {{"service", {{"namespace", "default"}, {"name", "hook"}, {"path", path}}},
          {"caBundle", gpuext::Base64Encode(ca_.cert_pem())}}},
        {"rules",
         {{{"operations", {"CREATE"}},
           {"apiGroups", {""}},
           {"apiVersions", {"v1"}},
           {"resources", {"pods"}}}}},
        {"sideEffects", "None"},
        {"admissionReviewVersions", {"v1"}},
        {"timeoutSeconds", 1},
    };
    webhook.merge_patch(overrides);
    return webhook;
  }

  static nlohmann::json Configuration(const std::string& name,
                                      const std::vector<nlohmann::json>& webhooks) {
    return {{"metadata", {{"name", name}}}, {"webhooks", webhooks}};
  }

  void SetMutating(std::vector<nlohmann::json> configurations) {
    std::lock_guard lock(mu_);
    mutating_ = std::move(configurations);
  }
  void SetValidating(std::vector<nlohmann::json> configurations) {
    std::lock_guard lock(mu_);
    validating_ = std::move(configurations);
  }
  void AddNamespace(const std::string& name, const nlohmann::json& labels) {
    std::lock_guard lock(mu_);
    namespaces_[name] = {{"metadata", {{"name", name}, {"labels", labels}}}};
  }

  Environment Env() {
    return {
        .mutating_configurations =
            [this] {
              std::lock_guard lock(mu_);
              return mutating_;
            },
        .validating_configurations =
            [this] {
              std::lock_guard lock(mu_);
              return validating_;
            },
        .get_namespace = [this](const std::string& name) -> std::optional<nlohmann::json> {
          std::lock_guard lock(mu_);
          const auto it = namespaces_.find(name);
          return it == namespaces_.end() ? std::nullopt : std::optional(it->second);
        },
        .resolve_service = [this](const std::string& ns, const std::string& name,
                                  int port) -> std::optional<std::string> {
          if (ns == "default" && (name == "hook" || name == "other") && port == 443) {
            return server_.address();
          }
          return std::nullopt;
        },
    };
  }

  // CREATE of pod default/gpu-pod by alice.
  static Attributes PodCreate() {
    return {.operation = "CREATE",
            .version = "v1",
            .resource = "pods",
            .kind_version = "v1",
            .kind = "Pod",
            .ns = "default",
            .name = "gpu-pod",
            .user = "alice",
            .groups = {"system:authenticated"}};
  }

  static nlohmann::json Pod(const nlohmann::json& labels = nlohmann::json::object()) {
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", "gpu-pod"}, {"namespace", "default"}, {"labels", labels}}},
            {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}};
  }

  kube::CertificateAuthority ca_;
  TestWebhookServer server_;

 private:
  std::mutex mu_;  // Guards mutating_, validating_ and namespaces_.
  std::vector<nlohmann::json> mutating_;
  std::vector<nlohmann::json> validating_;
  std::map<std::string, nlohmann::json> namespaces_;
};

}  // namespace gpuext::emulator::admission::testing
