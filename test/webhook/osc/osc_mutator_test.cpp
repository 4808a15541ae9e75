// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// OscMutator (DESIGN.md §12 steps 1-4), one table per step. Every OSC a test produces is also
// run through gardener::ValidateOsc, because GRM refuses gardenlet's write otherwise.

#include "gpuext/webhook/osc_mutator.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gardener/osc_validation.h"
#include "osc_test_util.h"

namespace gpuext::webhook {
namespace {

using nlohmann::json;
using namespace gpuext::webhook::testing;

const json kRuntimePath = {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia"};
const json kOptionsPath = {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia",
                           "options"};
const json kGvisorEntry = {
    {"op", "add"},
    {"path", {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "gvisor"}},
    {"values", {{"runtime_type", "io.containerd.runsc.v1"}}}};
const char kNouveau[] = "/etc/modprobe.d/gardener-extension-gpu-nouveau.conf";
const char kNvidia[] = "/etc/modprobe.d/gardener-extension-gpu-nvidia.conf";

json RuntimeEntry() {
  return {{"op", "add"},
          {"path", kRuntimePath},
          {"values", {{"runtime_type", "io.containerd.runc.v2"}}}};
}
json OptionsEntry(bool systemd) {
  return {{"op", "add"},
          {"path", kOptionsPath},
          {"values",
           {{"BinaryName", "/opt/nvidia/toolkit/nvidia-container-runtime"},
            {"SystemdCgroup", systemd}}}};
}
json CdiEntry() {
  return {{"op", "add"},
          {"path", {"io.containerd.grpc.v1.cri"}},
          {"values", {{"enable_cdi", true}, {"cdi_spec_dirs", {"/etc/cdi", "/var/run/cdi"}}}}};
}
json RemoveEntry() { return {{"op", "remove"}, {"path", kRuntimePath}}; }

json File(const std::string& path, const std::string& data) {
  return {{"path", path},
          {"permissions", 420},
          {"content", {{"inline", {{"encoding", ""}, {"data", data}}}}}};
}

const json& Plugins(const json& osc) { return osc["spec"]["criConfig"]["containerd"]["plugins"]; }

json FileAt(const json& osc, const std::string& path) {
  for (const json& file : osc["spec"]["files"]) {
    if (file["path"] == path) {
      return file;
    }
  }
  return nullptr;
}

std::vector<std::string> Violations(const json& osc) {
  std::vector<std::string> out;
  for (const FieldError& e : gardener::ValidateOsc(osc)) {
    out.push_back(e.ToString());
  }
  return out;
}

// Runs the mutator on `osc` for `shoot`, and checks the GRM rules on the result.
OscMutation MutateChecked(json& osc, const json& shoot, const json* extension = nullptr) {
  const gardener::Cluster cluster = gardener::Cluster::FromObject(ClusterObject(shoot));
  OscMutation result = OscMutator(Component()).Mutate(osc, cluster, extension);
  EXPECT_EQ(Violations(osc), std::vector<std::string>{}) << osc.dump(2);
  return result;
}

// ---- Step 1: skip rules -------------------------------------------------------------------

struct SkipRow {
  std::string name;
  std::function<void(json& osc, json& shoot)> edit;
  std::string reason;  // part of OscMutation::skipped
};

class OscSkipTest : public ::testing::TestWithParam<SkipRow> {};

TEST_P(OscSkipTest, LeavesTheOscAlone) {
  json osc = ReconcileOsc("gpu");
  json shoot = StandardShoot();
  GetParam().edit(osc, shoot);
  const json before = osc;
  OscMutation result =
      OscMutator(Component())
          .Mutate(osc, gardener::Cluster::FromObject(ClusterObject(shoot)), nullptr);
  EXPECT_EQ(osc, before);
  EXPECT_NE(result.skipped.find(GetParam().reason), std::string::npos) << result.skipped;
  EXPECT_TRUE(result.warnings.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Step1, OscSkipTest,
    ::testing::Values(SkipRow{"ProvisionOsc",
                              [](json& osc, json&) {
                                osc["spec"]["purpose"] = "provision";
                                osc["spec"]["criConfig"].erase("containerd");
                              },
                              "purpose"},
                      SkipRow{"OscBeingDeleted",
                              [](json& osc, json&) {
                                osc["metadata"]["deletionTimestamp"] = "2026-08-21T10:00:00Z";
                              },
                              "OperatingSystemConfig is being deleted"},
                      SkipRow{"ShootBeingDeleted",
                              [](json&, json& shoot) {
                                shoot["metadata"]["deletionTimestamp"] = "2026-08-21T10:00:00Z";
                              },
                              "shoot is being deleted"},
                      SkipRow{"NoPoolLabel",
                              [](json& osc, json&) {
                                osc["metadata"]["labels"].erase("worker.gardener.cloud/pool");
                              },
                              "worker.gardener.cloud/pool"},
                      SkipRow{"PoolWithoutRuntime",
                              [](json& osc, json&) {
                                osc["metadata"]["labels"]["worker.gardener.cloud/pool"] = "cpu";
                              },
                              "pool \"cpu\" has no nvidia runtime"},
                      SkipRow{"PoolNotInShoot",
                              [](json& osc, json&) {
                                osc["metadata"]["labels"]["worker.gardener.cloud/pool"] = "gone";
                              },
                              "pool \"gone\" has no nvidia runtime"}),
    [](const ::testing::TestParamInfo<SkipRow>& info) { return info.param.name; });

// ---- Step 2: containerd entries per dialect and cgroup driver -----------------------------

struct DialectRow {
  std::string name;
  std::string image_version;
  std::string cgroup_driver;   // "" = unset
  std::vector<json> expected;  // our entries after gardenlet's gvisor entry
};

class OscDialectTest : public ::testing::TestWithParam<DialectRow> {};

TEST_P(OscDialectTest, AddsTheRuntimeEntries) {
  const DialectRow& row = GetParam();
  json osc = ReconcileOsc("gpu", row.cgroup_driver);
  OscMutation result = MutateChecked(osc, StandardShoot(row.image_version));
  EXPECT_EQ(result.skipped, "");
  EXPECT_TRUE(result.warnings.empty());
  json expected = json::array({kGvisorEntry});
  for (const json& entry : row.expected) {
    expected.push_back(entry);
  }
  EXPECT_EQ(Plugins(osc), expected);
  EXPECT_EQ(osc["spec"]["criConfig"]["containerd"]["sandboxImage"], kSandboxImage);
}

INSTANTIATE_TEST_SUITE_P(
    Step2, OscDialectTest,
    ::testing::Values(
        // containerd 1.6: no CDI at all.
        DialectRow{"Containerd16Systemd",
                   kImageContainerd16,
                   "systemd",
                   {RuntimeEntry(), OptionsEntry(true)}},
        // containerd 1.7: CDI is off by default and must be enabled in the CRI plugin.
        DialectRow{"Containerd17Systemd",
                   kImageContainerd17,
                   "systemd",
                   {RuntimeEntry(), OptionsEntry(true), CdiEntry()}},
        DialectRow{"Containerd17Cgroupfs",
                   kImageContainerd17,
                   "cgroupfs",
                   {RuntimeEntry(), OptionsEntry(false), CdiEntry()}},
        // containerd 2.x: same v2-style paths (node-agent rewrites them), CDI built in.
        DialectRow{"Containerd2Systemd",
                   kImageContainerd2,
                   "systemd",
                   {RuntimeEntry(), OptionsEntry(true)}},
        DialectRow{"Containerd2Cgroupfs",
                   kImageContainerd2,
                   "cgroupfs",
                   {RuntimeEntry(), OptionsEntry(false)}},
        // No cgroupDriver: node-agent leaves runc at containerd's default (cgroupfs).
        DialectRow{
            "CgroupDriverUnset", kImageContainerd2, "", {RuntimeEntry(), OptionsEntry(false)}}),
    [](const ::testing::TestParamInfo<DialectRow>& info) { return info.param.name; });

TEST(OscMutatorTest, UnlistedImageGetsTheRuntimeWithoutCdiAndAWarning) {
  json osc = ReconcileOsc("gpu");
  OscMutation result = MutateChecked(osc, StandardShoot(kImageUnlisted));
  EXPECT_EQ(Plugins(osc), json::array({kGvisorEntry, RuntimeEntry(), OptionsEntry(true)}));
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("gardenlinux 9000.0.0"), std::string::npos)
      << result.warnings[0];
}

// ---- Step 2: modprobe.d files -------------------------------------------------------------

TEST(OscMutatorTest, AddsTheModprobeFilesForTheDefaultBranch) {
  json osc = ReconcileOsc("gpu");
  MutateChecked(osc, StandardShoot());
  ASSERT_EQ(osc["spec"]["files"].size(), 3u);
  EXPECT_EQ(osc["spec"]["files"][0]["path"], "/var/lib/kubelet/config/kubelet");
  EXPECT_EQ(FileAt(osc, kNouveau),
            File(kNouveau, "blacklist nouveau\noptions nouveau modeset=0\n"));
  // 580 is the default branch: coherent memory mode from 580 on, HMM off on every branch.
  EXPECT_EQ(FileAt(osc, kNvidia), File(kNvidia,
                                       "options nvidia NVreg_CoherentGPUMemoryMode=driver\n"
                                       "options nvidia-uvm uvm_disable_hmm=1\n"));
  EXPECT_EQ(osc["spec"]["units"], ReconcileOsc("gpu")["spec"]["units"]);  // units: none of ours
}

TEST(OscMutatorTest, ModuleOptionsFollowThePoolsDriverBranch) {
  json osc = ReconcileOsc("gpu");
  const json pool_config = {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"},
                            {"kind", "GPUPoolConfig"},
                            {"driver", {{"version", "570"}}}};
  MutateChecked(osc, Shoot({Worker("gpu", kImageContainerd2, true, pool_config)}));
  EXPECT_EQ(FileAt(osc, kNvidia), File(kNvidia, "options nvidia-uvm uvm_disable_hmm=1\n"));
}

TEST(OscMutatorTest, ReplacesStaleCopiesOfOurFiles) {
  json osc = ReconcileOsc("gpu");
  osc["spec"]["files"].push_back(File(kNvidia, "options nvidia NVreg_Old=1\n"));
  osc["spec"]["files"].push_back(File(kNouveau, "old"));
  MutateChecked(osc, StandardShoot());
  ASSERT_EQ(osc["spec"]["files"].size(), 3u);
  EXPECT_EQ(osc["spec"]["files"][1]["path"], kNvidia);  // replaced in place
  EXPECT_NE(FileAt(osc, kNvidia)["content"]["inline"]["data"].get<std::string>().find(
                "uvm_disable_hmm=1"),
            std::string::npos);
  EXPECT_EQ(FileAt(osc, kNouveau)["content"]["inline"]["data"],
            "blacklist nouveau\noptions nouveau modeset=0\n");
}

// ---- Upserts: idempotence, foreign entries, stale entries ---------------------------------

TEST(OscMutatorTest, MutatingTwiceGivesTheSameOsc) {
  for (const char* image : {kImageContainerd16, kImageContainerd17, kImageContainerd2}) {
    json osc = ReconcileOsc("gpu");
    MutateChecked(osc, StandardShoot(image));
    const json once = osc;
    MutateChecked(osc, StandardShoot(image));
    EXPECT_EQ(osc, once) << image;
  }
  const json extension = ExtensionObject({"cpu"});
  json osc = ReconcileOsc("cpu");
  MutateChecked(osc, StandardShoot(), &extension);
  const json once = osc;
  MutateChecked(osc, StandardShoot(), &extension);
  EXPECT_EQ(osc, once);
}

TEST(OscMutatorTest, KeepsForeignEntriesAndMergesIntoASharedPluginPath) {
  json osc = ReconcileOsc("gpu");
  // Another webhook configures the CRI plugin itself and a registry mirror file.
  json foreign_cri = {{"op", "add"},
                      {"path", {"io.containerd.grpc.v1.cri"}},
                      {"values", {{"max_concurrent_downloads", 8}, {"enable_cdi", false}}}};
  json foreign_file = {{"path", "/etc/containerd/certs.d/nvcr.io/hosts.toml"},
                       {"content", {{"secretRef", {{"name", "mirror"}, {"dataKey", "hosts"}}}}}};
  Plugins(osc);  // exists
  osc["spec"]["criConfig"]["containerd"]["plugins"].push_back(foreign_cri);
  osc["spec"]["files"].push_back(foreign_file);
  osc["spec"]["criConfig"]["containerd"]["registries"] = {{{"upstream", "nvcr.io"}}};
  MutateChecked(osc, StandardShoot(kImageContainerd17));

  json merged = foreign_cri;
  merged["values"]["enable_cdi"] = true;  // ours wins on our keys
  merged["values"]["cdi_spec_dirs"] = {"/etc/cdi", "/var/run/cdi"};
  EXPECT_EQ(Plugins(osc), json::array({kGvisorEntry, merged, RuntimeEntry(), OptionsEntry(true)}));
  EXPECT_EQ(FileAt(osc, "/etc/containerd/certs.d/nvcr.io/hosts.toml"), foreign_file);
  EXPECT_EQ(osc["spec"]["criConfig"]["containerd"]["registries"],
            json::array({{{"upstream", "nvcr.io"}}}));
}

TEST(OscMutatorTest, ReplacesStaleEntriesBelowTheRuntimeTable) {
  json osc = ReconcileOsc("gpu");
  json& plugins = osc["spec"]["criConfig"]["containerd"]["plugins"];
  plugins.push_back(RemoveEntry());        // from when the pool had no runtime
  plugins.push_back(OptionsEntry(false));  // a cgroup driver that changed since
  json stale = {
      {"op", "add"},
      {"path",
       {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia", "options", "Root"}},
      {"values", {{"x", 1}}}};
  plugins.push_back(stale);
  MutateChecked(osc, StandardShoot());
  EXPECT_EQ(Plugins(osc), json::array({kGvisorEntry, RuntimeEntry(), OptionsEntry(true)}));
}

// ---- Step 3: removedPools -----------------------------------------------------------------

TEST(OscMutatorTest, RemovedPoolGetsAnExplicitRemoveAndLosesOurFiles) {
  json osc = ReconcileOsc("cpu");
  // What the OSC looked like while the pool still had the runtime (an UPDATE that is not
  // gardenlet's full rewrite keeps our old entries).
  osc["spec"]["criConfig"]["containerd"]["plugins"].push_back(RuntimeEntry());
  osc["spec"]["criConfig"]["containerd"]["plugins"].push_back(OptionsEntry(true));
  osc["spec"]["files"].push_back(File(kNouveau, "blacklist nouveau\n"));
  osc["spec"]["files"].push_back(File(kNvidia, "options nvidia-uvm uvm_disable_hmm=1\n"));
  const json extension = ExtensionObject({"old", "cpu"});
  OscMutation result = MutateChecked(osc, StandardShoot(), &extension);
  EXPECT_EQ(result.skipped, "");
  // The remove replaces the add in place; the options entry would re-create the table.
  EXPECT_EQ(Plugins(osc), json::array({kGvisorEntry, RemoveEntry()}));
  EXPECT_EQ(osc["spec"]["files"], ReconcileOsc("cpu")["spec"]["files"]);
}

TEST(OscMutatorTest, RemovedPoolOnAFreshOscGetsOnlyTheRemove) {
  json osc = ReconcileOsc("cpu");
  const json extension = ExtensionObject({"cpu"});
  MutateChecked(osc, StandardShoot(), &extension);
  EXPECT_EQ(Plugins(osc), json::array({kGvisorEntry, RemoveEntry()}));
  EXPECT_EQ(osc["spec"]["files"], ReconcileOsc("cpu")["spec"]["files"]);
}

TEST(OscMutatorTest, ThePoolsRuntimeWinsOverAStaleRemovedPoolsEntry) {
  // The user put the runtime back before the Extension reconcile dropped the pool from the list.
  json osc = ReconcileOsc("gpu");
  const json extension = ExtensionObject({"gpu"});
  MutateChecked(osc, StandardShoot(), &extension);
  EXPECT_EQ(Plugins(osc), json::array({kGvisorEntry, RuntimeEntry(), OptionsEntry(true)}));
}

TEST(OscMutatorTest, ReadsRemovedPoolsTolerantly) {
  EXPECT_EQ(RemovedPools(nullptr), std::vector<std::string>{});
  const json odd = {{"status", {{"providerStatus", {{"removedPools", "cpu"}}}}}};
  EXPECT_EQ(RemovedPools(&odd), std::vector<std::string>{});
  const json extension = ExtensionObject({"a", "b"});
  EXPECT_EQ(RemovedPools(&extension), (std::vector<std::string>{"a", "b"}));
}

// ---- sandboxImage, other CRIs, bad input --------------------------------------------------

TEST(OscMutatorTest, MissingSandboxImageSkipsContainerdWithAWarning) {
  json osc = ReconcileOsc("gpu");
  osc["spec"]["criConfig"]["containerd"].erase("sandboxImage");
  osc["spec"]["criConfig"]["containerd"].erase("plugins");
  const gardener::Cluster cluster = gardener::Cluster::FromObject(ClusterObject(StandardShoot()));
  OscMutation result = OscMutator(Component()).Mutate(osc, cluster, nullptr);
  EXPECT_EQ(osc["spec"]["criConfig"]["containerd"], json::object());  // untouched
  EXPECT_NE(FileAt(osc, kNouveau), nullptr);                          // files still written
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("sandboxImage is not set"), std::string::npos);
  EXPECT_EQ(result.errors, result.warnings);  // and logged as an error by the handler
}

TEST(OscMutatorTest, NoCriConfigAtAllIsTheSameAsNoSandboxImage) {
  json osc = ReconcileOsc("gpu");
  osc["spec"].erase("criConfig");
  OscMutation result = MutateChecked(osc, StandardShoot());
  EXPECT_FALSE(osc["spec"].contains("criConfig"));
  EXPECT_EQ(result.warnings.size(), 1u);
}

TEST(OscMutatorTest, UnresolvablePoolConfigIsAConfigurationProblemNamingTheField) {
  json osc = ReconcileOsc("gpu");
  const json pool_config = {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"},
                            {"kind", "GPUPoolConfig"},
                            {"driver", {{"version", "999"}}}};
  const gardener::Cluster cluster = gardener::Cluster::FromObject(
      ClusterObject(Shoot({Worker("gpu", kImageContainerd2, true, pool_config)})));
  try {
    (void)OscMutator(Component()).Mutate(osc, cluster, nullptr);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
    const std::string text = DescribeException(e);
    EXPECT_NE(text.find("worker pool \"gpu\""), std::string::npos) << text;
    EXPECT_NE(text.find("driver.version"), std::string::npos) << text;
  }
}

TEST(OscMutatorTest, PluginsOfTheWrongTypeAreAnInvalidArgument) {
  json osc = ReconcileOsc("gpu");
  osc["spec"]["criConfig"]["containerd"]["plugins"] = "nvidia";
  const gardener::Cluster cluster = gardener::Cluster::FromObject(ClusterObject(StandardShoot()));
  try {
    (void)OscMutator(Component()).Mutate(osc, cluster, nullptr);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_STREQ(e.what(), "spec.criConfig.containerd.plugins: must be a list");
  }
}

TEST(OscMutatorTest, CgroupDriverOfReadsTheOsc) {
  EXPECT_EQ(CgroupDriverOf(ReconcileOsc("gpu", "systemd")), gpuruntime::CgroupDriver::kSystemd);
  EXPECT_EQ(CgroupDriverOf(ReconcileOsc("gpu", "cgroupfs")), gpuruntime::CgroupDriver::kCgroupfs);
  EXPECT_EQ(CgroupDriverOf(ReconcileOsc("gpu", "")), gpuruntime::CgroupDriver::kCgroupfs);
}

}  // namespace
}  // namespace gpuext::webhook
