// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Crash safety (DESIGN.md §13.4): a pass aborted after any step, as a kill -9 would, leaves the
// previous or the new driver root, never a mix, and a fresh agent on the same host converges.
// Also the refusals of §13.6 at the agent level: nothing is staged and the previous driver stays.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent_fixture.h"
#include "gpuext/nodeagent/artifact/blob_store.h"
#include "gpuext/nodeagent/driver_root.h"

namespace gpuext::nodeagent::agenttest {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

struct AgentSimulatedCrash : std::runtime_error {
  AgentSimulatedCrash() : std::runtime_error("SIMULATED crash") {}
};

class AgentCrashTest : public AgentTest, public ::testing::WithParamInterface<AgentStep> {
 protected:
  // Every name in driver.d.
  std::vector<std::string> StagedNames() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(host_.DriverTrees(), ec)) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_P(AgentCrashTest, FreshAgentConvergesAfterACrashAfterTheStep) {
  PublishGoodDriver();
  bool crashed = false;
  auto first = MakeAgent({.after_step = [&](AgentStep step) {
    if (step == GetParam()) {
      crashed = true;
      throw AgentSimulatedCrash();
    }
  }});
  EXPECT_THROW((void)first->RunOnce({}), AgentSimulatedCrash);
  ASSERT_TRUE(crashed) << "step " << ToString(GetParam()) << " never ran";
  // Whatever the crash left: the driver root is absent or points at a complete tree.
  if (const auto active = ActiveDriverTree(host_)) {
    EXPECT_EQ(*active, kAgentTree);
    EXPECT_TRUE(fs::exists(host_.DriverRoot() / "bin/nvidia-smi"));
  }
  // A leftover of an interrupted staging, as a crash inside StageDriverTree leaves it.
  artifact::testing::WriteFile(host_.DriverTrees() / (std::string(kAgentTree) + ".tmp/half"), "x");

  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kReady) << o.reason << ": " << o.message;
  EXPECT_EQ(ActiveDriverTree(host_), kAgentTree);
  EXPECT_EQ(StagedNames(), std::vector<std::string>{kAgentTree});
  EXPECT_THAT(LoadedNames(), Contains("nvidia_modeset"));
  EXPECT_TRUE(fs::exists(host_root_ / "dev/nvidia-uvm-tools"));
  EXPECT_EQ(ReadStatusFile(host_.StatusFile())->phase, Phase::kReady);
}

INSTANTIATE_TEST_SUITE_P(EveryStep, AgentCrashTest, ::testing::ValuesIn(kAllAgentSteps),
                         [](const ::testing::TestParamInfo<AgentStep>& info) {
                           return std::string(ToString(info.param));
                         });

// A refused artifact for a new version while the old one serves.
class AgentRefusalTest : public AgentTest {
 protected:
  static constexpr const char* kNew = "580.105.08";

  void InstallOld() {
    PublishGoodDriver();
    ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
    config_.driver.version = kNew;
  }

  void ExpectRefused(const std::string& reason, const std::string& needle) {
    const AgentOutcome o = MakeAgent()->RunOnce({});
    EXPECT_EQ(o.phase, Phase::kFailed);
    EXPECT_EQ(o.reason, reason) << o.message;
    EXPECT_THAT(o.message, HasSubstr(needle));
    EXPECT_EQ(o.retry_after, std::chrono::minutes(30));
    // Nothing staged, the previous driver still active and loaded.
    EXPECT_EQ(ActiveDriverTree(host_), kAgentTree);
    EXPECT_FALSE(fs::exists(host_.DriverTrees() / "580.105.08-6.12.72-cloud-amd64-open"));
    EXPECT_EQ(HostFile("sys/module/nvidia/version"), std::string(kAgentVersion) + "\n");
    // Nothing of it reached the node-local cache.
    artifact::FilesystemBlobStore local(host_.StateDir() / "artifacts", clock_);
    EXPECT_FALSE(local.ManifestExists(KernelKey(kNew)));
    EXPECT_EQ(reporter_.last().status, ConditionStatus::kFalse);
    EXPECT_EQ(reporter_.last().reason, reason);
    EXPECT_EQ(reporter_.last().ready_version, std::nullopt);
    ASSERT_FALSE(reporter_.events().empty());
    EXPECT_EQ(reporter_.events().back().kind, EventKind::kWarning);
    EXPECT_EQ(reporter_.events().back().reason, "DriverRefused");
    EXPECT_EQ(ReadStatusFile(host_.StatusFile())->phase, Phase::kFailed);
  }
};

TEST_F(AgentRefusalTest, FlippedByteInABlob) {
  InstallOld();
  Publish(remote_, UserKey(kNew), UserspacePartTree(kNew));
  const auto m = Publish(remote_, KernelKey(kNew), KernelPartTree(kNew));
  const fs::path blob = remote_.root() / artifact::BlobObjectName(m.blobs[0].digest);
  std::string bytes = artifact::testing::ReadFile(blob);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  artifact::testing::WriteFile(blob, bytes);
  ExpectRefused("DigestMismatch", m.blobs[0].digest);
}

TEST_F(AgentRefusalTest, ManifestSignedByAnUntrustedKey) {
  InstallOld();
  const artifact::SigningKey stranger = artifact::SigningKey::Generate();
  Publish(remote_, KernelKey(kNew), KernelPartTree(kNew), &stranger);
  Publish(remote_, UserKey(kNew), UserspacePartTree(kNew));
  ExpectRefused("UnknownKey", stranger.KeyId());
}

// A manifest declaring a 10 GiB blob is refused before a single byte is fetched.
TEST_F(AgentRefusalTest, TenGibDeclaredSizeIsRefusedBeforeDownloading) {
  InstallOld();
  Publish(remote_, KernelKey(kNew), KernelPartTree(kNew), nullptr,
          [](artifact::ArtifactManifest& m) { m.blobs[0].size = std::int64_t{10} << 30; });
  Publish(remote_, UserKey(kNew), UserspacePartTree(kNew));
  const int blob_reads_before = counting_.blob_reads();
  ExpectRefused("ArtifactTooLarge", "10737418240 bytes");
  EXPECT_EQ(counting_.blob_reads(), blob_reads_before) << "nothing may be downloaded";
}

TEST_F(AgentRefusalTest, ModulesBuiltForAnotherKernel) {
  InstallOld();
  Publish(remote_, KernelKey(kNew), KernelPartTree(kNew, kAgentRelease, "6.1.0-18-amd64"));
  Publish(remote_, UserKey(kNew), UserspacePartTree(kNew));
  ExpectRefused("VermagicMismatch", "6.1.0-18-amd64");
}

TEST_F(AgentRefusalTest, ArchiveEntryLeavingTheTree) {
  InstallOld();
  const fs::path blob = dir_.path() / "evil.tar.zst";
  artifact::testing::WriteRawArchive(
      blob, {{.path = "lib/../../../etc/modprobe.d/evil.conf", .content = "install nvidia /x"}});
  const std::string bytes = artifact::testing::ReadFile(blob);
  artifact::ArtifactManifest m;
  m.key = KernelKey(kNew);
  m.created = "2026-08-21T10:00:00Z";
  m.vermagic = std::string(kAgentRelease) + " SMP ";
  m.blobs = {
      {.digest = "sha256:" + Sha256Hex(bytes), .size = static_cast<std::int64_t>(bytes.size())}};
  m.files = {{.path = "lib/modules/x.ko", .size = 1, .sha256 = Sha256Hex("x")}};
  artifact::SignManifest(m, signer_);
  remote_.PutBlob(m.blobs[0].digest, blob);
  remote_.PutManifest(m);
  Publish(remote_, UserKey(kNew), UserspacePartTree(kNew));
  ExpectRefused("UnsafePath", "..");
  EXPECT_FALSE(fs::exists(dir_.path() / "etc/modprobe.d/evil.conf"));
}

TEST_F(AgentRefusalTest, UnsignedModulesUnderSecureBoot) {
  InstallOld();
  tree_.SecureBoot(true);
  PublishGoodDriver(kNew);
  ExpectRefused("UnsignedModules", "");
}

TEST_F(AgentRefusalTest, DamagedNodeLocalCopyIsFetchedAgain) {
  PublishGoodDriver();
  ASSERT_EQ(MakeAgent()->RunOnce({}).phase, Phase::kReady);
  Reboot();
  // Flip a byte of the kernel part's blob in the node-local cache.
  artifact::FilesystemBlobStore local(host_.StateDir() / "artifacts", clock_);
  const auto m = artifact::DecodeManifest(*local.GetManifest(KernelKey()));
  const fs::path blob = local.root() / artifact::BlobObjectName(m.blobs[0].digest);
  std::string bytes = artifact::testing::ReadFile(blob);
  bytes[10] = static_cast<char>(bytes[10] ^ 0x01);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  artifact::testing::WriteFile(blob, bytes);

  const AgentOutcome o = MakeAgent()->RunOnce({});
  EXPECT_EQ(o.phase, Phase::kReady) << o.reason << ": " << o.message;
  EXPECT_THAT(o.source, HasSubstr("filesystem"));
  EXPECT_THAT(LoadedNames(), Contains("nvidia"));
}

}  // namespace
}  // namespace gpuext::nodeagent::agenttest
