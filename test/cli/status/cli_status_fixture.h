// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The in-process kube-emulator over real TLS with Nodes of a shoot, reported on by the node
// agent's own KubeNodeReporter (so the label, condition and Event formats are the real ones),
// and RunGpu driven with --kubeconfig pointing at the emulator.

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/cli/app.h"
#include "gpuext/emulator/server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/nodeagent/node_reporter.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::cli::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Start();
    kubeconfig_ = dir_.path() / "kubeconfig";
    server_.WriteKubeconfig(kubeconfig_);
    client_ =
        std::make_unique<kube::HttpClient>(kube::ParseKubeconfig(server_.Kubeconfig(), kubeconfig_),
                                           kube::HttpClientOptions{.component = "cli-test"});
  }

  void TearDown() override {
    reporters_.clear();
    client_.reset();
    server_.Stop();
  }

  // A Node as the machine controller and NFD leave it.
  void AddNode(const std::string& name, const std::string& pool,
               std::map<std::string, std::string> labels = {}) {
    labels["worker.gardener.cloud/pool"] = pool;
    labels["kubernetes.io/arch"] = "amd64";
    client_->Create(nodeagent::KubeNodeReporter::kNodes,
                    {{"apiVersion", "v1"},
                     {"kind", "Node"},
                     {"metadata", {{"name", name}, {"labels", labels}}},
                     {"status", {{"nodeInfo", {{"kernelVersion", "6.12.72-cloud-amd64"}}}}}});
  }

  // The agent's reporter for a node (one per node, kept for its events).
  nodeagent::KubeNodeReporter& Agent(const std::string& node) {
    auto& r = reporters_[node];
    if (!r) {
      r = std::make_unique<nodeagent::KubeNodeReporter>(
          *client_, nodeagent::KubeNodeReporterOptions{.node_name = node}, clock_);
    }
    return *r;
  }

  void ReportReady(const std::string& node) {
    Agent(node).Report({.phase = nodeagent::Phase::kReady,
                        .status = nodeagent::ConditionStatus::kTrue,
                        .reason = "DriverLoaded",
                        .message = "driver 580.95.05 (open) loaded",
                        .ready_version = "580.95.05"});
    Agent(node).Event(nodeagent::EventKind::kNormal, "DriverReady", "driver 580.95.05 loaded");
  }

  void ReportRefused(const std::string& node) {
    Agent(node).Report({.phase = nodeagent::Phase::kFailed,
                        .status = nodeagent::ConditionStatus::kFalse,
                        .reason = "BadSignature",
                        .message = "manifest signature does not verify with the trusted keys"});
    Agent(node).Event(nodeagent::EventKind::kWarning, "DriverRefused",
                      "BadSignature: manifest signature does not verify with the trusted keys");
  }

  void FlushEvents() {
    for (auto& [name, r] : reporters_) {
      ASSERT_TRUE(r->FlushEvents(std::chrono::seconds(10))) << name;
    }
  }

  CliRun Gpu(std::vector<std::string> args, bool colour = false) {
    args.push_back("--kubeconfig");
    args.push_back(kubeconfig_.string());
    std::ostringstream out;
    std::ostringstream err;
    CliRun run;
    run.exit_code = RunGpu(args, {.out = out, .err = err, .colour = colour, .program = "gpu"});
    run.out = out.str();
    run.err = err.str();
    return run;
  }

  gpuext::testing::TempDir dir_;
  gpuext::testing::FakeClock clock_;
  emulator::Server server_{{.listen = "127.0.0.1:0"}, Logger::Root().WithName("emulator")};
  std::filesystem::path kubeconfig_;
  std::unique_ptr<kube::HttpClient> client_;
  std::map<std::string, std::unique_ptr<nodeagent::KubeNodeReporter>> reporters_;
};

// The line of `text` that contains `needle`.
inline std::string CliLineWith(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) {
      return line;
    }
  }
  return {};
}

}  // namespace gpuext::cli::testing
