// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The garden Shoot webhook end to end (issue 7): the in-process kube-emulator serves Shoot and
// CloudProfile from hack/crds (schemaless CRDs, docs/webhooks.md "Shoot webhook end to end"),
// the real gpu-admission binary runs as a child process in service mode and registers itself,
// and the real kubectl creates and updates shoots.
//
//   namespace garden:      Service + Endpoints gardener-extension-gpu-admission → 127.0.0.1:<port>
//   namespace garden-dev:  the project namespace the shoots live in
//   CloudProfile aws:      g4dn.xlarge (gpu 1), m5.large (no gpu); gardenlinux 1877.5.0 and
//                          1592.3.0 list the nvidia runtime, 1592.1.0 does not

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/emulator/server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/testing/process.h"

namespace gpuext::webhook::e2e {

inline constexpr const char* kProject = "garden-dev";
// What gardener-apiserver's ExtensionLabels plugin sets before webhooks run (the emulator has no
// such plugin, so the tests set them as it would).
inline constexpr const char* kExtensionLabel = "extensions.extensions.gardener.cloud/nvidia-gpu";
inline constexpr const char* kRuntimeLabel = "containerruntime.extensions.gardener.cloud/nvidia";

class ShootWebhookE2ETest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  gpuext::testing::ProcessResult Kubectl(const std::vector<std::string>& args,
                                         const std::string& stdin_text = {});
  // kubectl apply -f - of `shoot` with the labels ExtensionLabels would derive from its spec.
  gpuext::testing::ProcessResult ApplyShoot(nlohmann::json shoot);
  std::optional<nlohmann::json> GetShoot(const std::string& name);
  // example/shoot.yaml as JSON (converted by kubectl, which reads YAML).
  nlohmann::json ExampleShoot();
  // A shoot named `name` with pool `cpu` (m5.large) and pool `gpu` (g4dn.xlarge) on `version`.
  static nlohmann::json Shoot(const std::string& name, const std::string& version = "1877.5.0");
  static nlohmann::json CloudProfile();
  std::string AdmissionLog() const;

  gpuext::testing::TempDir dir_;
  std::filesystem::path kubeconfig_;
  std::unique_ptr<emulator::Server> emulator_;
  std::unique_ptr<kube::HttpClient> client_;
  std::unique_ptr<gpuext::testing::BackgroundProcess> admission_;
};

// The text after kube-apiserver's "admission webhook "<name>" denied the request: " prefix.
std::string DenialText(const std::string& stderr_text);

}  // namespace gpuext::webhook::e2e
