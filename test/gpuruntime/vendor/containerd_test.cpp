// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/containerd.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "golden.h"
#include "gpuext/error.h"
#include "gpuext/gpuruntime/nvidia.h"
#include "gpuext/gpuruntime/toml.h"

namespace gpuext::gpuruntime {
namespace {

using nlohmann::json;
using testing::ExpectGolden;

using Path = std::vector<std::string>;

TEST(ContainerdDialectTest, TableOfPluginNames) {
  EXPECT_EQ(DialectFor(2).runtime_plugin, "io.containerd.grpc.v1.cri");
  EXPECT_EQ(DialectFor(1).runtime_plugin, "io.containerd.grpc.v1.cri");
  EXPECT_EQ(DialectFor(3).runtime_plugin, "io.containerd.cri.v1.runtime");
  EXPECT_EQ(DialectFor(3).images_plugin, "io.containerd.cri.v1.images");
  EXPECT_EQ(DialectFor(4).runtime_plugin, "io.containerd.cri.v1.runtime");
  EXPECT_EQ(DialectFor(4).containerd_versions, "2.3");
  EXPECT_EQ(DialectFor(3).sandbox_image_path,
            (Path{"plugins", "io.containerd.cri.v1.images", "pinned_images", "sandbox"}));
  EXPECT_EQ(CdiPlugin(2), "io.containerd.grpc.v1.cri");
  EXPECT_EQ(CdiPlugin(3), "io.containerd.cri.v1.runtime");
  EXPECT_THROW(DialectFor(5), Error);
  EXPECT_THROW(DialectFor(0), Error);
}

TEST(ContainerdDialectTest, NodeAgentRewritesOnlyTheRuntimesPrefixFromVersion3) {
  Path runtime = {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia", "options"};
  EXPECT_EQ(NodeAgentPatchPath(runtime, 2), (Path{"plugins", "io.containerd.grpc.v1.cri",
                                                  "containerd", "runtimes", "nvidia", "options"}));
  EXPECT_EQ(NodeAgentPatchPath(runtime, 3), (Path{"plugins", "io.containerd.cri.v1.runtime",
                                                  "containerd", "runtimes", "nvidia", "options"}));
  EXPECT_EQ(NodeAgentPatchPath(runtime, 4)[1], "io.containerd.cri.v1.runtime");
  EXPECT_EQ(NodeAgentPatchPath({"io.containerd.grpc.v1.cri"}, 3),
            (Path{"plugins", "io.containerd.grpc.v1.cri"}));
  EXPECT_EQ(NodeAgentPatchPath({"io.containerd.grpc.v1.cri", "containerd"}, 3),
            (Path{"plugins", "io.containerd.grpc.v1.cri", "containerd"}));
}

TEST(ContainerdDialectTest, ConfigVersionAsNodeAgentReadsIt) {
  EXPECT_EQ(ConfigVersionOf(json::object()), 1);
  EXPECT_EQ(ConfigVersionOf(json{{"version", 3}}), 3);
  EXPECT_THROW(ConfigVersionOf(json{{"version", "2"}}), Error);
  EXPECT_THROW(ConfigVersionOf(json{{"version", 5}}), Error);
}

TEST(ContainerdPatchTest, OscJsonRoundTrip) {
  for (const auto& patch : NvidiaVendor().ContainerdPatches(
           {.config_version = 2, .cdi = CdiMode::kEnableInConfig}, CgroupDriver::kSystemd)) {
    EXPECT_EQ(ContainerdPatchFromOscJson(ToOscJson(patch)), patch);
  }
  ContainerdPatch defaulted = ContainerdPatchFromOscJson(json::parse(R"({"path": ["a"]})"));
  EXPECT_EQ(defaulted.op, ContainerdPatch::Op::kAdd);
  EXPECT_THROW(ContainerdPatchFromOscJson(json::parse(R"({"op": "merge", "path": ["a"]})")), Error);
  EXPECT_THROW(ContainerdPatchFromOscJson(json::parse(R"({"path": []})")), Error);
  EXPECT_THROW(ContainerdPatchFromOscJson(json::parse(R"({"path": ["a"], "values": [1]})")), Error);
}

TEST(ContainerdPatchTest, AddReplacesTopLevelKeysAndKeepsTheRest) {
  json config = json::parse(R"({"version": 2, "plugins": {"io.containerd.grpc.v1.cri": {
      "containerd": {"runtimes": {"nvidia": {"runtime_type": "old", "keep": 1,
                                             "options": {"Old": true}}}}}}})");
  ApplyNodeAgentPatches(config,
                        {{.op = ContainerdPatch::Op::kAdd,
                          .path = {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia"},
                          .values = json::parse(R"({"runtime_type": "io.containerd.runc.v2",
                                          "options": {"BinaryName": "/x"}})")}});
  EXPECT_EQ(config["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["nvidia"],
            json::parse(R"({"runtime_type": "io.containerd.runc.v2", "keep": 1,
                            "options": {"BinaryName": "/x"}})"));  // nested object replaced
}

TEST(ContainerdPatchTest, RemoveDeletesTheSubtreeAndAddWithoutValuesCreatesTheTable) {
  json config = json::parse(R"({"version": 3, "plugins": {"io.containerd.cri.v1.runtime": {
      "containerd": {"runtimes": {"runc": {}, "nvidia": {"options": {}}}}}}})");
  ApplyNodeAgentPatches(
      config,
      {{.op = ContainerdPatch::Op::kRemove,
        .path = {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia"},
        .values = nullptr},
       {.op = ContainerdPatch::Op::kAdd, .path = {"io.containerd.x", "t"}, .values = nullptr}});
  EXPECT_EQ(config["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"],
            json::parse(R"({"runc": {}})"));
  EXPECT_EQ(config["plugins"]["io.containerd.x"]["t"], json::object());
}

TEST(ContainerdPatchTest, APathThroughAValueIsAnError) {
  json config = json::parse(R"({"version": 2, "plugins": {"io.containerd.grpc.v1.cri": 1}})");
  EXPECT_THROW(
      ApplyNodeAgentPatches(config, NvidiaVendor().ContainerdPatches({}, CgroupDriver::kSystemd)),
      Error);
}

TEST(ContainerdMergeTest, MergesSettingsThenPluginsLikeNodeAgent) {
  json base = ParseToml(R"(version = 2
imports = ["/etc/other/*.toml"]
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.6"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
)");
  json merged = MergeLikeNodeAgent(
      base,
      {.sandbox_image = "europe-docker.pkg.dev/pause:3.10",
       .cgroup_driver = CgroupDriver::kSystemd},
      NvidiaVendor().ContainerdPatches({.config_version = 2, .cdi = CdiMode::kEnableInConfig},
                                       CgroupDriver::kSystemd));
  const json& cri = merged["plugins"]["io.containerd.grpc.v1.cri"];
  EXPECT_EQ(merged["imports"],
            json::parse(R"(["/etc/other/*.toml", "/etc/containerd/conf.d/*.toml"])"));
  EXPECT_EQ(cri["sandbox_image"], "europe-docker.pkg.dev/pause:3.10");
  EXPECT_EQ(cri["registry"]["config_path"], "/etc/containerd/certs.d");
  EXPECT_EQ(cri["cni"]["bin_dir"], "/opt/cni/bin");
  EXPECT_EQ(cri["containerd"]["default_runtime_name"], "runc");
  EXPECT_EQ(cri["containerd"]["runtimes"]["runc"]["options"]["SystemdCgroup"], true);
  EXPECT_EQ(cri["containerd"]["runtimes"]["nvidia"]["options"]["BinaryName"],
            "/opt/nvidia/toolkit/nvidia-container-runtime");
  EXPECT_EQ(cri["enable_cdi"], true);
  // Applying the same OSC again changes nothing.
  EXPECT_EQ(MergeLikeNodeAgent(merged,
                               {.sandbox_image = "europe-docker.pkg.dev/pause:3.10",
                                .cgroup_driver = CgroupDriver::kSystemd},
                               NvidiaVendor().ContainerdPatches(
                                   {.config_version = 2, .cdi = CdiMode::kEnableInConfig},
                                   CgroupDriver::kSystemd)),
            merged);
}

TEST(ContainerdMergeTest, Version3UsesTheSplitPlugins) {
  json merged = MergeLikeNodeAgent(
      json{{"version", 3}}, {.sandbox_image = "pause:1", .cgroup_driver = CgroupDriver::kSystemd},
      NvidiaVendor().ContainerdPatches({.config_version = 3, .cdi = CdiMode::kBuiltin},
                                       CgroupDriver::kSystemd));
  EXPECT_EQ(merged["plugins"]["io.containerd.cri.v1.images"]["pinned_images"]["sandbox"],
            "pause:1");
  const json& runtimes =
      merged["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"];
  EXPECT_EQ(runtimes["runc"]["options"]["SystemdCgroup"], true);
  EXPECT_EQ(runtimes["nvidia"]["runtime_type"], "io.containerd.runc.v2");
  EXPECT_FALSE(merged["plugins"].contains("io.containerd.grpc.v1.cri"));
}

TEST(ContainerdRenderTest, GoldenV2Containerd17) {
  ContainerdDialect dialect{.config_version = 2, .cdi = CdiMode::kEnableInConfig};
  ExpectGolden(
      "nvidia-containerd-v2.toml",
      RenderToml(dialect, NvidiaVendor().ContainerdPatches(dialect, CgroupDriver::kSystemd)));
}

TEST(ContainerdRenderTest, GoldenV3Containerd2) {
  ContainerdDialect dialect{.config_version = 3, .cdi = CdiMode::kBuiltin};
  ExpectGolden(
      "nvidia-containerd-v3.toml",
      RenderToml(dialect, NvidiaVendor().ContainerdPatches(dialect, CgroupDriver::kSystemd)));
}

TEST(ContainerdRenderTest, GoldenV4Containerd23) {
  ContainerdDialect dialect{.config_version = 4, .cdi = CdiMode::kBuiltin};
  ExpectGolden(
      "nvidia-containerd-v4.toml",
      RenderToml(dialect, NvidiaVendor().ContainerdPatches(dialect, CgroupDriver::kSystemd)));
}

TEST(ContainerdRenderTest, RemovalLeavesNoRuntimeTable) {
  ContainerdDialect dialect{.config_version = 3, .cdi = CdiMode::kBuiltin};
  NvidiaVendor vendor;
  auto patches = vendor.ContainerdPatches(dialect, CgroupDriver::kSystemd);
  auto removal = vendor.ContainerdRemovalPatches(dialect);
  patches.insert(patches.end(), removal.begin(), removal.end());
  EXPECT_EQ(ParseToml(RenderToml(dialect, patches)),
            json::parse(R"({"version": 3, "plugins": {"io.containerd.cri.v1.runtime": {
                "containerd": {"runtimes": {}}}}})"));
}

}  // namespace
}  // namespace gpuext::gpuruntime
