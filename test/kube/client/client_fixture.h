// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A kube-emulator started in-process on 127.0.0.1:0 over TLS with the shared fixtures (CRDs)
// loaded, and an HttpClient configured from the kubeconfig it writes.

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/emulator/server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/logger.h"
#include "gpuext/testing/process.h"

namespace gpuext::kube::testing {

inline const Resource kConfigMaps{"", "v1", "configmaps", true};
inline const Resource kSecrets{"", "v1", "secrets", true};
inline const Resource kNamespaces{"", "v1", "namespaces", false};
inline const Resource kLeases{"coordination.k8s.io", "v1", "leases", true};
inline const Resource kExtensions{"extensions.gardener.cloud", "v1alpha1", "extensions", true};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<emulator::Server>(ServerOptions(), Logger::Root().WithName("emulator"));
    server_->Load(std::string(GPUEXT_SOURCE_DIR) + "/../shared/fixtures");
    server_->Load(std::string(GPUEXT_SOURCE_DIR) + "/hack/crds");
    server_->Start();
    const auto kubeconfig = dir_.path() / "kubeconfig";
    server_->WriteKubeconfig(kubeconfig);
    config_ = LoadKubeconfig({kubeconfig});
    client_ = std::make_unique<HttpClient>(config_, ClientOptions());
    client_->Create(kNamespaces,
                    {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kNs}}}});
  }

  void TearDown() override {
    client_.reset();
    if (server_) {
      server_->Stop();
    }
  }

  virtual emulator::ServerOptions ServerOptions() { return {.listen = "127.0.0.1:0"}; }
  // No client-side throttling by default: tests create thousands of objects.
  virtual HttpClientOptions ClientOptions() { return {.qps = 0, .component = "test"}; }

  static nlohmann::json ConfigMap(const std::string& name, const nlohmann::json& data = {}) {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"namespace", kNs}}},
            {"data", data.is_null() ? nlohmann::json::object() : data}};
  }

  // ListOptions for kNs (built field by field: not every ListOptions member has a default).
  static ListOptions InNamespace() {
    ListOptions options;
    options.ns = kNs;
    return options;
  }

  static constexpr const char* kNs = "client-test";
  gpuext::testing::TempDir dir_;
  std::unique_ptr<emulator::Server> server_;
  RestConfig config_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace gpuext::kube::testing
