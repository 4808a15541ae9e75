// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The node agent's reconcile pass over a SIMULATED host (agent_fixture.h): cold start, warm
// restart, reboot from the node-local cache, refusals, no GPU, module type refusals, uninstall.
#include "gpuext/nodeagent/agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent_fixture.h"
#include "gpuext/nodeagent/driver_root.h"
#include "gpuext/nodeagent/status.h"

namespace gpuext::nodeagent::agenttest {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string DevNode(unsigned major, unsigned minor) {
  return "SIMULATED character device " + std::to_string(major) + ":" + std::to_string(minor) + "\n";
}

TEST_F(AgentTest, ColdStartOnH100ReachesReady) {
  PublishGoodDriver();
  const AgentOutcome o = MakeAgent()->RunOnce({});

  EXPECT_EQ(o.phase, Phase::kReady) << o.reason << ": " << o.message;
  EXPECT_EQ(o.reason, "DriverLoaded");
  EXPECT_FALSE(o.fast_path);
  EXPECT_THAT(o.source, HasSubstr("filesystem"));
  EXPECT_THAT(o.message, HasSubstr("driver 580.95.05 (open modules) loaded from filesystem"));
  // The driver root is the relative symlink onto the staged tree.
  EXPECT_EQ(ActiveDriverTree(host_), kAgentTree);
  EXPECT_TRUE(fs::exists(host_.DriverRoot() / "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1"));
  // Modules in the configured order, each with its parameters.
  EXPECT_THAT(LoadedNames(), ElementsAre("overlay", "nf_conntrack", "virtio_net", "nvidia",
                                         "nvidia_uvm", "nvidia_modeset"));
  EXPECT_EQ(HostFile("sys/module/nvidia/version"), "580.95.05\n");
  EXPECT_EQ(HostFile("sys/module/nvidia/parameters/NVreg_CoherentGPUMemoryMode"), "driver\n");
  EXPECT_EQ(HostFile("sys/module/nvidia_uvm/parameters/uvm_disable_hmm"), "1\n");
  EXPECT_FALSE(fs::exists(host_root_ / "sys/module/nvidia_modeset/parameters"));
  EXPECT_EQ(HostFile("sys/module/firmware_class/parameters/path"),
            "/run/nvidia/driver/lib/firmware");
  // Device nodes with the driver's numbers, mode 0666, and their dev/char links.
  const auto uvm = kernel_.DeviceMajor("nvidia-uvm");
  ASSERT_TRUE(uvm.has_value());
  EXPECT_NE(*uvm, 195u);
  EXPECT_EQ(HostFile("dev/nvidiactl"), DevNode(195, 255));
  EXPECT_EQ(HostFile("dev/nvidia-modeset"), DevNode(195, 254));
  EXPECT_EQ(HostFile("dev/nvidia0"), DevNode(195, 0));
  EXPECT_EQ(HostFile("dev/nvidia1"), DevNode(195, 1));
  EXPECT_EQ(HostFile("dev/nvidia-uvm"), DevNode(*uvm, 0));
  EXPECT_EQ(HostFile("dev/nvidia-uvm-tools"), DevNode(*uvm, 1));
  EXPECT_EQ(fs::status(host_root_ / "dev/nvidia0").permissions(), fs::perms(0666));
  EXPECT_EQ(fs::read_symlink(host_root_ / "dev/char/195:255"), "../nvidiactl");
  EXPECT_EQ(fs::read_symlink(host_root_ / ("dev/char/" + std::to_string(*uvm) + ":1")),
            "../nvidia-uvm-tools");
  // depmod and ldconfig ran on the staged tree (§13.3 step 7), nvidia-persistenced from it
  // (step 10; no NVSwitch, so no fabric manager), nvidia-smi -L last (step 11).
  const std::string tree = (host_.DriverTrees() / kAgentTree).string();
  EXPECT_THAT(runner_.argvs(),
              ElementsAre(ElementsAre("depmod", "-b", tree, kAgentRelease),
                          ElementsAre("ldconfig", "-r", tree),
                          ElementsAre((host_.DriverRoot() / "bin/nvidia-persistenced").string(),
                                      "--persistence-mode"),
                          ElementsAre((host_.DriverRoot() / "bin/nvidia-smi").string(), "-L")));
  EXPECT_THAT(
      runner_.calls()[2].env,
      Contains("LD_LIBRARY_PATH=" + (host_.DriverRoot() / "usr/lib/x86_64-linux-gnu").string()));
  // Status file, condition, label, event.
  const auto status = ReadStatusFile(host_.StatusFile());
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->phase, Phase::kReady);
  const DriverReport last = reporter_.last();
  EXPECT_EQ(last.status, ConditionStatus::kTrue);
  EXPECT_EQ(last.reason, "DriverLoaded");
  EXPECT_EQ(last.ready_version, kAgentVersion);
  ASSERT_EQ(reporter_.events().size(), 1u);
  EXPECT_EQ(reporter_.events()[0].reason, "DriverReady");
  // The phases went by in order.
  std::vector<Phase> phases;
  for (const auto& r : reporter_.reports()) {
    if (phases.empty() || phases.back() != r.phase) {
      phases.push_back(r.phase);
    }
  }
  EXPECT_THAT(phases, ElementsAre(Phase::kDetecting, Phase::kDownloading, Phase::kVerifying,
                                  Phase::kDownloading, Phase::kVerifying, Phase::kInstalling,
                                  Phase::kReady));
  // Both parts were copied into the node-local cache.
  artifact::FilesystemBlobStore local(host_.StateDir() / "artifacts", clock_);
  EXPECT_TRUE(local.ManifestExists(KernelKey()));
  EXPECT_TRUE(local.ManifestExists(UserKey()));
}

TEST_F(AgentTest, WarmRestartTakesTheFastPathWithoutFetching) {
  PublishGoodDriver();
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  const int reads = counting_.reads();
  ASSERT_GT(reads, 0);

  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kReady) << o.message;
  EXPECT_TRUE(o.fast_path);
  EXPECT_EQ(o.source, "");
  EXPECT_EQ(counting_.reads(), reads) << "the fast path must not touch the sources";
  EXPECT_THAT(o.message, HasSubstr("already loaded"));
}

TEST_F(AgentTest, FabricManagerStartsWhereNvSwitchesAreAndDaemonsAreNotStartedTwice) {
  tree_.Remove("sys/bus/pci/devices")
      .Remove("sys/devices")
      .A100("0000:3b:00.0")
      .NvSwitch("0000:07:00.0");
  PublishGoodDriver();
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  const auto started = [&](const std::string& binary) {
    int n = 0;
    for (const auto& argv : runner_.argvs()) {
      n += argv[0] == (host_.DriverRoot() / "bin" / binary).string() ? 1 : 0;
    }
    return n;
  };
  EXPECT_EQ(started("nvidia-persistenced"), 1);
  EXPECT_EQ(started("nv-fabricmanager"), 1);
  // The next pass finds both alive through their pid files.
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  EXPECT_EQ(started("nvidia-persistenced"), 1);
  EXPECT_EQ(started("nv-fabricmanager"), 1);
  // A daemon that died is started again.
  tree_.File("run/nvidia-persistenced/nvidia-persistenced.pid", "999999999\n");
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  EXPECT_EQ(started("nvidia-persistenced"), 2);
}

TEST_F(AgentTest, FastPathIsNotTakenForADamagedTree) {
  PublishGoodDriver();
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  artifact::testing::WriteFile(host_.DriverTrees() / kAgentTree / "bin/nvidia-smi", "tampered");

  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kReady) << o.message;
  EXPECT_FALSE(o.fast_path);
  EXPECT_EQ(o.source, "local");
  EXPECT_THAT(HostFile("run/nvidia/driver/bin/nvidia-smi"), HasSubstr("SIMULATED nvidia-smi"));
}

TEST_F(AgentTest, RecheckOfTheSameAgentNoticesATreeChangedSinceItsLastPass) {
  PublishGoodDriver();
  auto agent = MakeAgent();
  ASSERT_EQ(agent->RunOnce({}).phase, Phase::kReady);
  ASSERT_TRUE(agent->RunOnce({}).fast_path);
  artifact::testing::WriteFile(host_.DriverTrees() / kAgentTree / "etc/ld.so.conf", "/evil\n");

  const AgentOutcome o = agent->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kReady) << o.message;
  EXPECT_FALSE(o.fast_path);
  EXPECT_EQ(HostFile("run/nvidia/driver/etc/ld.so.conf"), "/usr/lib/x86_64-linux-gnu\n");
}

TEST_F(AgentTest, RebootReinstallsFromTheNodeLocalCacheWithoutNetwork) {
  PublishGoodDriver();
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  Reboot();
  ASSERT_THAT(LoadedNames(), Not(Contains("nvidia")));

  const AgentOutcome o = MakeAgent({}, /*with_remote=*/false)->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kReady) << o.reason << ": " << o.message;
  EXPECT_EQ(o.source, "local");
  EXPECT_THAT(LoadedNames(), Contains("nvidia_uvm"));
  EXPECT_EQ(ActiveDriverTree(host_), kAgentTree);
  EXPECT_EQ(HostFile("dev/nvidiactl"), DevNode(195, 255));
}

TEST_F(AgentTest, MissingArtifactIsReportedWithTheKeyAndRetriedAfterFiveMinutes) {
  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kFailed);
  EXPECT_EQ(o.reason, "ArtifactMissing");
  EXPECT_THAT(o.message, HasSubstr("kernel/580.95.05/6.12.72-cloud-amd64/open/amd64"));
  EXPECT_EQ(o.retry_after, std::chrono::minutes(5));
  EXPECT_FALSE(fs::exists(host_.DriverRoot()));
}

TEST_F(AgentTest, NoGpuIdlesWithoutFetching) {
  tree_.Remove("sys/bus/pci/devices").Remove("sys/devices").VirtioNet().AspeedVga();
  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kNoGpu);
  EXPECT_EQ(o.reason, "NoGPU");
  EXPECT_EQ(counting_.reads(), 0);
  EXPECT_EQ(reporter_.last().status, ConditionStatus::kFalse);
  EXPECT_EQ(reporter_.last().reason, "NoGPU");
  EXPECT_EQ(reporter_.last().ready_version, std::nullopt);
  EXPECT_EQ(ReadStatusFile(host_.StatusFile())->phase, Phase::kNoGpu);
}

TEST_F(AgentTest, MixedGpuGenerationsAreRefused) {
  tree_.Remove("sys/bus/pci/devices")
      .Remove("sys/devices")
      .Pci({.address = "0000:3b:00.0", .vendor = 0x10de, .device = 0x1db4, .class_code = 0x030200})
      .Pci({.address = "0000:5e:00.0", .vendor = 0x10de, .device = 0x2901, .class_code = 0x030200});
  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kFailed);
  EXPECT_EQ(o.reason, "MixedGPUGenerations");
  EXPECT_EQ(counting_.reads(), 0);
  ASSERT_FALSE(reporter_.events().empty());
  EXPECT_EQ(reporter_.events().back().kind, EventKind::kWarning);
  EXPECT_EQ(reporter_.events().back().reason, "DriverRefused");
}

TEST_F(AgentTest, FirmwarePathOfSomeoneElseIsRefusedBeforeActivation) {
  PublishGoodDriver();
  tree_.File("sys/module/firmware_class/parameters/path", "/opt/vendor/firmware\n");
  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kFailed);
  EXPECT_EQ(o.reason, "FirmwarePathConflict");
  EXPECT_THAT(o.message, HasSubstr("/opt/vendor/firmware"));
  EXPECT_EQ(o.retry_after, std::chrono::minutes(30));
  EXPECT_FALSE(fs::exists(fs::symlink_status(host_.DriverRoot())));
  EXPECT_THAT(LoadedNames(), Not(Contains("nvidia")));
  EXPECT_EQ(HostFile("sys/module/firmware_class/parameters/path"), "/opt/vendor/firmware\n");
  EXPECT_EQ(reporter_.events().back().reason, "DriverRefused");
  EXPECT_THAT(reporter_.events().back().message, HasSubstr("FirmwarePathConflict"));
}

TEST_F(AgentTest, AnotherVersionIsReplacedWhenNothingUsesIt) {
  PublishGoodDriver();
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  PublishGoodDriver("580.105.08");
  config_.driver.version = "580.105.08";

  auto agent = MakeAgent();
  const AgentOutcome o = agent->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kReady) << o.reason << ": " << o.message;
  EXPECT_EQ(HostFile("sys/module/nvidia/version"), "580.105.08\n");
  EXPECT_EQ(ActiveDriverTree(host_), "580.105.08-6.12.72-cloud-amd64-open");
  // The previous tree is kept (rollback), older ones go.
  EXPECT_TRUE(fs::is_directory(host_.DriverTrees() / kAgentTree));
  EXPECT_EQ(reporter_.last().ready_version, "580.105.08");
}

TEST_F(AgentTest, ReadinessLabelStaysWhileTheNewVersionIsFetchedAndGoesBeforeTheSwitch) {
  PublishGoodDriver();
  auto agent = MakeAgent();
  ASSERT_EQ(agent->RunOnce({}).phase, Phase::kReady);
  PublishGoodDriver("580.105.08");
  config_.driver.version = "580.105.08";
  agent = MakeAgent();  // a restarted agent, as after a ConfigMap change
  const std::size_t before = reporter_.reports().size();
  ASSERT_EQ(agent->RunOnce({}).phase, Phase::kReady);
  const auto reports = reporter_.reports();
  std::vector<std::string> seen;
  for (std::size_t i = before; i < reports.size(); ++i) {
    const std::string entry =
        std::string(ToString(reports[i].phase)) + "=" + reports[i].ready_version.value_or("-");
    if (seen.empty() || seen.back() != entry) {
      seen.push_back(entry);
    }
  }
  EXPECT_THAT(seen,
              ElementsAre("Detecting=580.95.05", "Downloading=580.95.05", "Verifying=580.95.05",
                          "Downloading=580.95.05", "Verifying=580.95.05", "Installing=580.95.05",
                          "Installing=-", "Ready=580.105.08"));
}

TEST_F(AgentTest, VersionChangeIsRefusedWhileTheOldDriverIsInUse) {
  PublishGoodDriver();
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  // Something outside the driver holds nvidia (a third-party module using its symbols).
  auto modules = kernel_.LoadedModules();
  for (auto& m : modules) {
    if (m.name == "nvidia") {
      m.refcount++;
      m.used_by.push_back("gdrdrv");
    }
  }
  modules.push_back({"gdrdrv", 16384, 0, {}, "Live"});
  tree_.File("proc/modules", FormatProcModules(modules));
  PublishGoodDriver("580.105.08");
  config_.driver.version = "580.105.08";

  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kFailed);
  EXPECT_EQ(o.reason, "DriverInUse") << o.message;
  EXPECT_THAT(o.message, HasSubstr("nvidia (used 3 times, by nvidia_uvm, by nvidia_modeset, by "
                                   "gdrdrv)"));
  EXPECT_EQ(ActiveDriverTree(host_), kAgentTree);
  EXPECT_THAT(LoadedNames(), Contains("nvidia_uvm")) << "nothing was unloaded";
  EXPECT_EQ(HostFile("sys/module/nvidia/version"), "580.95.05\n");
}

TEST_F(AgentTest, UninstallUnloadsAndRemovesTheDriverRoot) {
  PublishGoodDriver();
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  config_.mode = gpuruntime::api::AgentMode::kUninstall;

  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kUninstalled) << o.message;
  EXPECT_THAT(LoadedNames(), Not(Contains("nvidia")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(host_.DriverRoot())));
  EXPECT_FALSE(fs::exists(host_.DriverTrees()));
  EXPECT_EQ(HostFile("sys/module/firmware_class/parameters/path"), "");
  EXPECT_EQ(reporter_.last().ready_version, std::nullopt);
}

TEST_F(AgentTest, SimulatedBackendSuffixesReasons) {
  PublishGoodDriver();
  AgentEnv env{.host = host_,
               .kernel = &kernel_,
               .runner = &runner_,
               .clock = &clock_,
               .reporter = &reporter_,
               .sources = {{.name = "remote", .store = &remote_}}};
  Agent agent(config_, env,
              {.scratch_dir = dir_.path() / "scratch", .simulated = true, .run_host_tools = false});
  const AgentOutcome o = agent.RunOnce({});
  EXPECT_EQ(o.phase, Phase::kReady) << o.message;
  EXPECT_EQ(reporter_.last().reason, "DriverLoadedSimulated");
  EXPECT_THAT(reporter_.last().message, HasSubstr("SIMULATED driver 580.95.05"));
  EXPECT_THAT(runner_.argvs(), IsEmpty());
}

TEST_F(AgentTest, RunLoopWritesHeartbeatsAndRechecksEveryMinute) {
  PublishGoodDriver();
  const fs::path heartbeat = dir_.path() / "heartbeat";
  auto agent = MakeAgent({.heartbeat_file = heartbeat});
  std::jthread loop([&](std::stop_token stop) { agent->Run(stop); });
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(agent->last_outcome()->phase, Phase::kReady);
  EXPECT_EQ(artifact::testing::ReadFile(heartbeat), "2026-01-01T00:00:00Z\n");
  const int reads = counting_.reads();
  const std::size_t reports = reporter_.reports().size();
  clock_.Advance(std::chrono::seconds(60));
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(artifact::testing::ReadFile(heartbeat), "2026-01-01T00:01:00Z\n");
  EXPECT_TRUE(agent->last_outcome()->fast_path);
  EXPECT_EQ(counting_.reads(), reads);
  // The re-check of a ready node reports Ready once, without passing through Detecting (the
  // condition and the label do not flap every minute), and no second DriverReady event.
  const auto all = reporter_.reports();
  ASSERT_EQ(all.size(), reports + 1);
  EXPECT_EQ(all.back().phase, Phase::kReady);
  EXPECT_EQ(all.back().ready_version, kAgentVersion);
  EXPECT_EQ(reporter_.events().size(), 1u);
  loop.request_stop();
}

}  // namespace
}  // namespace gpuext::nodeagent::agenttest
