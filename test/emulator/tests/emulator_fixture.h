// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A kube-emulator started in-process on 127.0.0.1:0 with the shared fixtures and our
// Gardener CRDs loaded, plus helpers to drive it with the real kubectl.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpuext/emulator/server.h"
#include "gpuext/testing/process.h"

namespace gpuext::emulator::testing {

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string missing = gpuext::testing::Tools().Check();
    ASSERT_TRUE(missing.empty()) << missing;
    server_ = std::make_unique<Server>(Options(), Logger::Root().WithName("emulator"));
    server_->Load(std::string(GPUEXT_SOURCE_DIR) + "/../shared/fixtures");
    server_->Load(std::string(GPUEXT_SOURCE_DIR) + "/hack/crds");
    server_->Start();
    kubeconfig_ = dir_.path() / "kubeconfig";
    server_->WriteKubeconfig(kubeconfig_);
  }

  void TearDown() override {
    if (server_) {
      server_->Stop();
    }
  }

  // Options for the server under test; tests override to shrink the watch history etc.
  virtual ServerOptions Options() { return {.listen = "127.0.0.1:0"}; }

  // Runs the real kubectl against the emulator.
  gpuext::testing::ProcessResult Kubectl(const std::vector<std::string>& args,
                                         const std::string& stdin_text = {}) {
    std::vector<std::string> argv = {gpuext::testing::Tools().kubectl.string(), "--kubeconfig",
                                     kubeconfig_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return gpuext::testing::RunProcess(
        argv, {.env = {"KUBECACHEDIR=" + (dir_.path() / "kube-cache").string()},
               .stdin_text = stdin_text,
               .timeout = std::chrono::seconds(60)});
  }

  // Runs kubectl and fails the test unless it exits 0; returns stdout.
  std::string MustKubectl(const std::vector<std::string>& args,
                          const std::string& stdin_text = {}) {
    const auto r = Kubectl(args, stdin_text);
    EXPECT_EQ(r.exit_code, 0) << "kubectl failed: " << r.stderr_text;
    return r.stdout_text;
  }

  gpuext::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::filesystem::path kubeconfig_;
};

}  // namespace gpuext::emulator::testing
