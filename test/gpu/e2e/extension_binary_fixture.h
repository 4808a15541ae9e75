// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// gardener-extension-gpu end to end: the in-process kube-emulator plays the seed with Gardener's
// extension CRDs (../shared/fixtures/gardener-crds), the real binary runs as a child process
// against it (leader election, heartbeat, both controllers, the OSC webhook over TLS through a
// Service + Endpoints to 127.0.0.1), the real kubectl writes what gardenlet would write, and a
// ResourceManagerSimulator thread plays gardener-resource-manager (into an in-memory shoot),
// so ManagedResources get its finalizer and deletion has something to wait for.
//
//   namespace garden-gpu:        the extension's namespace (Service, Leases, webhook owner)
//   namespace shoot--dev--gpu1:  a shoot namespace labelled extensions.gardener.cloud/nvidia-gpu

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/emulator/server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/landscape/resource_manager_simulator.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/process.h"

namespace gpuext::gpu::e2e {

inline constexpr const char* kExtensionNs = "garden-gpu";
inline constexpr const char* kShootNs = "shoot--dev--gpu1";

class ExtensionBinaryE2ETest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  gpuext::testing::ProcessResult Kubectl(const std::vector<std::string>& args,
                                         const std::string& stdin_text = {});
  // kubectl apply -f - of `object`; fails the test when kubectl does.
  void Apply(const nlohmann::json& object);
  // kubectl get <resource> <name> -n <ns> -o json; null when it is not there.
  nlohmann::json Get(const std::string& resource, const std::string& name,
                     const std::string& ns = kShootNs);
  // Polls `done` every 100 ms for up to `timeout`; on timeout the failure shows `what` and the
  // binary's log.
  void WaitFor(const std::string& what, const std::function<bool()>& done,
               std::chrono::seconds timeout = std::chrono::seconds(15));
  std::string BinaryLog() const;

  gpuext::testing::TempDir dir_;
  std::filesystem::path kubeconfig_;
  std::unique_ptr<emulator::Server> emulator_;
  std::unique_ptr<kube::HttpClient> client_;
  std::unique_ptr<gpuext::testing::BackgroundProcess> binary_;

 private:
  kube::testing::FakeClient shoot_;
  std::unique_ptr<kube::HttpClient> grm_client_;
  std::unique_ptr<landscape::ResourceManagerSimulator> grm_;
  std::jthread grm_loop_;
};

}  // namespace gpuext::gpu::e2e
