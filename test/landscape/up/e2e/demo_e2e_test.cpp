// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The demo story on the whole landscape with assertions instead of output matching: every
// phase reached, exactly one build per kernel, clean-up complete, and no credential of the run
// in any log line or event.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/files.h"
#include "gpuext/landscape/demo_story.h"
#include "gpuext/landscape/landscape.h"
#include "gpuext/testing/process.h"

namespace gpuext::landscape {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const kube::Resource kE2eSecrets{"", "v1", "secrets", true};
const kube::Resource kE2eEvents{"", "v1", "events", true};

std::string E2eReadFile(const fs::path& path) { return ReadFileIfExists(path).value_or(""); }

// The distinctive part of a credential: a token as is, a PEM private key by its first body line.
std::vector<std::string> E2eCredentialMarkers(const std::string& value) {
  std::vector<std::string> markers;
  if (value.find("PRIVATE KEY-----") != std::string::npos) {
    std::istringstream lines(value);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find("-----") == std::string::npos && line.size() >= 32) {
        markers.push_back(line.substr(0, 32));
        break;
      }
    }
  } else if (value.size() >= 16 && value.find('\n') == std::string::npos) {
    markers.push_back(value);
  }
  return markers;
}

// Every credential the landscape's Secrets hold (tokens, private keys) in seed and shoot.
void E2eCollectSecretValues(kube::Client& client, std::set<std::string>& out) {
  const json list = client.List(kE2eSecrets, {});
  const json items = list.value("items", json::array());
  for (const json& secret : items) {
    const json data = secret.value("data", json::object());
    for (const auto& [key, value] : data.items()) {
      const bool secret_key = key.find("token") != std::string::npos ||
                              key.find("key") != std::string::npos ||
                              key.find("secret") != std::string::npos;
      if (!secret_key || !value.is_string()) {
        continue;
      }
      for (const std::string& m : E2eCredentialMarkers(Base64Decode(value.get<std::string>()))) {
        out.insert(m);
      }
    }
  }
}

// Polls `done` every 200 ms for up to `limit`; true once it held.
template <typename Done>
bool E2eEventually(std::chrono::seconds limit, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

std::string E2eAgentPhase(const fs::path& host_root) {
  const std::string text = E2eReadFile(host_root / "run/nvidia/gpu-node-agent/status.json");
  return text.empty() ? "" : json::parse(text).value("phase", "");
}

int E2eBuilderJobs(kube::Client& shoot) {
  const json jobs = shoot.List(kube::Resource{"batch", "v1", "jobs", true},
                               {.label_selector = "app.kubernetes.io/name=gpu-driver-builder"});
  return static_cast<int>(jobs.value("items", json::array()).size());
}

class DemoE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string missing = gpuext::testing::Tools().Check();
    ASSERT_TRUE(missing.empty()) << missing;
    landscape_ = std::make_unique<Landscape>(
        LandscapeOptions{.work_dir = dir_.path() / "landscape",
                         .bin_dir = fs::path(GPUEXT_BINARY_DIR) / "bin",
                         .source_dir = GPUEXT_SOURCE_DIR,
                         .shared_dir = fs::path(GPUEXT_SOURCE_DIR) / "../shared"});
    landscape_->Start();
  }

  void TearDown() override {
    if (landscape_) {
      landscape_->Stop();
    }
  }

  StoryOptions Story() const {
    return {.garden_kubeconfig = landscape_->garden_kubeconfig(),
            .shoot_kubeconfig = landscape_->shoot_kubeconfig(),
            .kubectl = gpuext::testing::Tools().kubectl,
            .shoot_file = fs::path(GPUEXT_SOURCE_DIR) / "example/shoot.yaml"};
  }

  gpuext::testing::TempDir dir_;
  std::unique_ptr<Landscape> landscape_;
};

TEST_F(DemoE2ETest, WholeStoryOneBuildPerKernelCleanUpAndNoSecretInLogs) {
  std::ostringstream narration;
  // Collected while GPU is on: the credentials disappear with the clean-up.
  std::set<std::string> credentials;
  StoryOptions options = Story();
  options.after_phase = [&](const std::string& phase) {
    if (phase.starts_with("A pod requesting")) {
      E2eCollectSecretValues(landscape_->seed(), credentials);
      E2eCollectSecretValues(landscape_->shoot(), credentials);
    }
  };
  DemoStory story(options, narration);
  const StoryReport report = story.Run();
  // The summary (seconds per phase) goes to the test log: where the time goes on CI.
  const std::string told = narration.str();
  std::cerr << told.substr(std::min(told.size(), told.rfind("==> Summary")));
  ASSERT_TRUE(report.ok()) << told;

  // Every phase, in order.
  ASSERT_EQ(report.phases.size(), 7u) << narration.str();
  // One build per distinct kernel of the GPU nodes, no more.
  std::set<std::string> kernels;
  for (const SimulatedNode& node :
       DefaultNodes(landscape_->kernel_release(), landscape_->newer_kernel_release())) {
    if (node.gpus > 0) {
      kernels.insert(node.kernel_release);
    }
  }
  // Exactly one build per key: one kernel part per kernel, one userspace part.
  std::set<std::string> kernel_keys;
  for (const auto& [key, count] : report.builds_per_key) {
    EXPECT_EQ(count, 1) << key;
    if (key.starts_with("kernel/")) {
      kernel_keys.insert(key);
    }
  }
  EXPECT_EQ(kernel_keys.size(), kernels.size()) << narration.str();
  EXPECT_EQ(report.builds_per_key.size(), kernels.size() + 1) << narration.str();
  EXPECT_EQ(landscape_->kubelet().stats().builds_succeeded,
            static_cast<int>(report.builds_per_key.size()));
  EXPECT_EQ(report.gpu_nodes, 4);
  EXPECT_EQ(report.gpu_nodes_ready, 4);

  // Clean-up complete: no finalizer of ours left in the seed namespace.
  const json clusters = landscape_->seed().List(
      kube::Resource{"extensions.gardener.cloud", "v1alpha1", "clusters", false}, {});
  EXPECT_EQ(clusters.value("items", json::array()).size(), 1u);
  const json mrs = landscape_->seed().List(
      kube::Resource{"resources.gardener.cloud", "v1alpha1", "managedresources", true},
      {.ns = report.seed_namespace});
  EXPECT_TRUE(mrs.value("items", json::array()).empty()) << mrs.dump();

  // The secrets scan: no token or private key of the run in any log line or event.
  for (const std::string& token : landscape_->secrets()) {
    credentials.insert(token);
  }
  E2eCollectSecretValues(landscape_->seed(), credentials);
  E2eCollectSecretValues(landscape_->shoot(), credentials);
  ASSERT_GE(credentials.size(), 3u);
  std::vector<std::pair<std::string, std::string>> texts;  // where, text
  for (const auto& [name, path] : landscape_->logs()) {
    texts.emplace_back(path.string(), E2eReadFile(path));
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path() / "landscape")) {
    if (entry.is_regular_file() && entry.path().extension() == ".log") {
      texts.emplace_back(entry.path().string(), E2eReadFile(entry.path()));
    }
  }
  for (kube::Client* client : {&landscape_->seed(), &landscape_->shoot()}) {
    texts.emplace_back("events", client->List(kE2eEvents, {}).dump());
  }
  texts.emplace_back("narration", told);
  for (const auto& [where, text] : texts) {
    for (const std::string& credential : credentials) {
      EXPECT_EQ(text.find(credential), std::string::npos)
          << "a credential (" << credential.substr(0, 6) << "...) appears in " << where;
    }
  }

  // Ticking the box again brings every node back: the cache's volume went with its namespace,
  // so it builds again and signs with the key the agents are given now.
  const auto again = gpuext::testing::RunProcess(
      {gpuext::testing::Tools().kubectl.string(),
       "--kubeconfig=" + landscape_->garden_kubeconfig().string(), "apply", "-f",
       (fs::path(GPUEXT_SOURCE_DIR) / "example/shoot.yaml").string()});
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  EXPECT_TRUE(E2eEventually(std::chrono::seconds(180), [&] {
    for (const std::string node : {"gpu-node-0", "gpu-node-1", "gpu-node-2", "gpu-node-3"}) {
      if (E2eAgentPhase(landscape_->kubelet().HostRoot(node)) != "Ready") {
        return false;
      }
    }
    return true;
  })) << "not every GPU node is ready again after GPU was switched on again";
}

// One landscape for both (each e2e test pays for a landscape and its builds): an OS upgrade on
// a running GPU pool, then the Shoot's deletion.
TEST_F(DemoE2ETest, OsUpgradeServesBothKernelsThenShootDeletionRemovesEverything) {
  std::ostringstream narration;
  StoryOptions options = Story();
  options.skip_cleanup = true;
  const StoryReport report = DemoStory(options, narration).Run();
  ASSERT_TRUE(report.ok()) << narration.str();
  const int jobs = E2eBuilderJobs(landscape_->shoot());

  // The nodes on the old kernel reboot into the newer one, one at a time; gpu-node-3 already
  // runs it, so its artifact serves them: a fetch each, no build.
  for (const std::string node : {"gpu-node-0", "gpu-node-1", "gpu-node-2"}) {
    const fs::path host = landscape_->kubelet().HostRoot(node);
    landscape_->kubelet().SetKernel(node, landscape_->newer_kernel_release());
    EXPECT_TRUE(
        E2eEventually(std::chrono::seconds(60), [&] { return E2eAgentPhase(host) == "Ready"; }))
        << node << " has no driver after its kernel update; phase " << E2eAgentPhase(host);
  }
  EXPECT_EQ(E2eBuilderJobs(landscape_->shoot()), jobs);
  // Both kernels stay served: a node that comes up on the old kernel still gets its driver.
  landscape_->kubelet().SetKernel("gpu-node-0", landscape_->kernel_release());
  EXPECT_TRUE(E2eEventually(std::chrono::seconds(60), [&] {
    return E2eAgentPhase(landscape_->kubelet().HostRoot("gpu-node-0")) == "Ready";
  }));
  EXPECT_EQ(E2eBuilderJobs(landscape_->shoot()), jobs);

  // The Shoot's deletion removes everything of the extension from the seed.
  const auto deleted = gpuext::testing::RunProcess(
      {gpuext::testing::Tools().kubectl.string(),
       "--kubeconfig=" + landscape_->garden_kubeconfig().string(), "delete", "shoot", "-n",
       kProjectNamespace, "gpu-demo", "--wait=false"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.stderr_text;
  const kube::Resource shoots{"core.gardener.cloud", "v1beta1", "shoots", true};
  EXPECT_TRUE(E2eEventually(
      std::chrono::seconds(180),
      [&] {
        return !landscape_->garden().Get(shoots, {kProjectNamespace, "gpu-demo"}).has_value();
      }))
      << "the Shoot is still there; gardenlet loop: " << landscape_->gardenlet_stats().last_error;
  for (const kube::Resource& resource :
       {kube::Resource{"extensions.gardener.cloud", "v1alpha1", "extensions", true},
        kube::Resource{"extensions.gardener.cloud", "v1alpha1", "containerruntimes", true},
        kube::Resource{"resources.gardener.cloud", "v1alpha1", "managedresources", true}}) {
    const json left = landscape_->seed().List(resource, {.ns = report.seed_namespace});
    EXPECT_TRUE(left.value("items", json::array()).empty()) << left.dump();
  }
  EXPECT_FALSE(landscape_->seed()
                   .Get(kube::Resource{"extensions.gardener.cloud", "v1alpha1", "clusters", false},
                        {"", report.seed_namespace})
                   .has_value());
  EXPECT_EQ(landscape_->gardenlet_stats().deletions, 1);
}

}  // namespace
}  // namespace gpuext::landscape
