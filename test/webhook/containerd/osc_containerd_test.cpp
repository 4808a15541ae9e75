// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// From the OSC webhook's answer to the real containerd (Debian's 1.6, config v2): the plugin
// entries of a mutated OSC, read back the way gardener-node-agent reads them and merged into
// `containerd config default` as it merges them, load in `containerd config dump` with the
// nvidia runtime registered and runc still the default; the later `op: remove` for a pool that
// lost the runtime takes it out of the same file again. test/gpuruntime/containerd covers the
// vendor's patches directly (and a running containerd); this test covers what the webhook puts
// into the OSC, including gardenlet's foreign entries beside ours.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../osc/osc_fake_lookup.h"
#include "../osc/osc_test_util.h"
#include "gpuext/gardener/admission.h"
#include "gpuext/gpuruntime/containerd.h"
#include "gpuext/gpuruntime/toml.h"
#include "gpuext/testing/process.h"
#include "gpuext/webhook/osc_admission.h"

namespace gpuext::webhook {
namespace {

using gpuext::testing::ProcessResult;
using gpuext::testing::RunProcess;
using gpuext::testing::TempDir;
using nlohmann::json;
using namespace gpuext::webhook::testing;

class OscContainerdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult defaults = RunProcess({"containerd", "config", "default"});
    ASSERT_EQ(defaults.exit_code, 0)
        << "containerd is missing: install Debian's containerd package (scripts/install-deps.sh)";
    base_ = gpuruntime::ParseToml(defaults.stdout_text);
    // Debian's containerd is 1.6: the shoot's GPU pool runs the matching image line.
    lookup_.clusters[kShootNamespace] = ClusterObject(StandardShoot(kImageContainerd16));
  }

  // The OSC as the webhook answers it for `pool`.
  json Mutated(const json& osc) {
    const json review = gardener::HandleAdmissionReview(OscReview("UPDATE", osc), handler_);
    EXPECT_EQ(review["response"]["allowed"], true) << review.dump();
    return Patched(osc, review);
  }

  // gardener-node-agent's step: criConfig of the OSC onto `config`.
  static json ApplyLikeNodeAgent(const json& config, const json& osc) {
    std::vector<gpuruntime::ContainerdPatch> patches;
    for (const json& entry : osc["spec"]["criConfig"]["containerd"]["plugins"]) {
      patches.push_back(gpuruntime::ContainerdPatchFromOscJson(entry));
    }
    const std::string driver = osc["spec"]["criConfig"].value("cgroupDriver", "");
    return gpuruntime::MergeLikeNodeAgent(
        config,
        {.sandbox_image = osc["spec"]["criConfig"]["containerd"]["sandboxImage"],
         .cgroup_driver = driver == "systemd" ? std::optional(gpuruntime::CgroupDriver::kSystemd)
                                              : std::optional(gpuruntime::CgroupDriver::kCgroupfs)},
        patches);
  }

  // `containerd config dump` of `config` with the host's paths kept out.
  json Dump(json config) {
    config["imports"] = json::array();  // no drop-ins from the host's /etc
    config["root"] = (dir_.path() / "root").string();
    config["state"] = (dir_.path() / "state").string();
    const std::filesystem::path file = dir_.path() / "config.toml";
    {
      std::ofstream out(file, std::ios::binary);
      out << gpuruntime::WriteToml(config);
    }
    ProcessResult dump = RunProcess({"containerd", "--config", file.string(), "config", "dump"});
    EXPECT_EQ(dump.exit_code, 0) << dump.stderr_text;
    return gpuruntime::ParseToml(dump.stdout_text);
  }

  json base_;
  TempDir dir_;
  MapOscLookup lookup_;
  OscMutatorHandler handler_{lookup_, Component()};
};

TEST_F(OscContainerdTest, TheMutatedOscRegistersTheNvidiaRuntime) {
  for (const bool systemd : {true, false}) {
    const json osc = Mutated(ReconcileOsc("gpu", systemd ? "systemd" : "cgroupfs"));
    const json effective = Dump(ApplyLikeNodeAgent(base_, osc));
    const json& cri = effective["plugins"]["io.containerd.grpc.v1.cri"];
    EXPECT_EQ(cri["containerd"]["default_runtime_name"], "runc");
    const json& nvidia = cri["containerd"]["runtimes"]["nvidia"];
    EXPECT_EQ(nvidia["runtime_type"], "io.containerd.runc.v2") << effective.dump();
    EXPECT_EQ(nvidia["options"]["BinaryName"], "/opt/nvidia/toolkit/nvidia-container-runtime");
    EXPECT_EQ(nvidia["options"]["SystemdCgroup"], systemd);
    // runc keeps its own settings, with the same cgroup driver as ours.
    const json& runc = cri["containerd"]["runtimes"]["runc"];
    EXPECT_EQ(runc["runtime_type"], "io.containerd.runc.v2");
    EXPECT_EQ(runc["options"]["SystemdCgroup"], systemd);
    EXPECT_EQ(runc["options"]["BinaryName"], "");
    // gardenlet's foreign entry made it through beside ours.
    EXPECT_EQ(cri["containerd"]["runtimes"]["gvisor"]["runtime_type"], "io.containerd.runsc.v1");
    EXPECT_EQ(cri["sandbox_image"], kSandboxImage);
  }
}

TEST_F(OscContainerdTest, TheRemovalTakesTheRuntimeOutOfTheSameFile) {
  // node-agent never regenerates config.toml: the removal lands on the file that has the runtime.
  const json with_runtime = ApplyLikeNodeAgent(base_, Mutated(ReconcileOsc("gpu")));
  lookup_.clusters[kShootNamespace] =
      ClusterObject(Shoot({Worker("gpu", kImageContainerd16, false)}));
  lookup_.extensions[kShootNamespace] = ExtensionObject({"gpu"});
  const json removal = Mutated(ReconcileOsc("gpu"));
  const json effective = Dump(ApplyLikeNodeAgent(with_runtime, removal));
  const json& runtimes =
      effective["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"];
  EXPECT_FALSE(runtimes.contains("nvidia")) << runtimes.dump();
  EXPECT_TRUE(runtimes.contains("runc"));
  EXPECT_EQ(effective["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["default_runtime_name"],
            "runc");
}

}  // namespace
}  // namespace gpuext::webhook
