// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/driver_root.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/host_tree.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;
using artifact::FileEntry;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class DriverRootTest : public ::testing::Test {
 protected:
  DriverRootTest() : host_{dir_.path() / "host"} {
    fs::create_directories(host_.DriverTrees());
    fs::create_directories(verified_);
  }

  // A verified tree (as VerifyArtifact leaves it) and its manifest entries.
  std::vector<FileEntry> Verified(const std::string& version) {
    std::vector<FileEntry> files;
    auto add = [&](const std::string& path, const std::string& content, std::uint32_t mode) {
      fs::create_directories((verified_ / path).parent_path());
      std::ofstream(verified_ / path, std::ios::binary) << content;
      files.push_back({.path = path,
                       .size = static_cast<std::int64_t>(content.size()),
                       .sha256 = Sha256Hex(content),
                       .mode = mode});
    };
    add("bin/nvidia-smi", "smi " + version, 0755);
    add("lib/modules/6.1.0-18-amd64/kernel/drivers/video/nvidia.ko", "ko " + version, 0644);
    add("usr/lib/x86_64-linux-gnu/libnvidia-ml.so." + version, "ml " + version, 0644);
    fs::remove(verified_ / "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
    fs::create_symlink("libnvidia-ml.so." + version,
                       verified_ / "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
    files.push_back({.path = "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1",
                     .link_target = "libnvidia-ml.so." + version});
    return files;
  }

  testing::TempDir dir_;
  HostPaths host_;
  fs::path verified_ = dir_.path() / "verified";
};

TEST(DriverTreeNameTest, NamesTheKernelPartKey) {
  EXPECT_EQ(DriverTreeName("580.95.05", "6.12.44-cloud-amd64", gpuruntime::ModuleType::kOpen),
            "580.95.05-6.12.44-cloud-amd64-open");
}

TEST_F(DriverRootTest, StageCopiesWithModesAndLinksThenActivateSwitchesARelativeSymlink) {
  const auto files = Verified("580.95.05");
  const fs::path tree = StageDriverTree(host_, verified_, files, "a");
  EXPECT_EQ(tree, host_.DriverTrees() / "a");
  EXPECT_EQ(ReadAll(tree / "bin/nvidia-smi"), "smi 580.95.05");
  EXPECT_EQ(fs::status(tree / "bin/nvidia-smi").permissions() & fs::perms::all,
            static_cast<fs::perms>(0755));
  EXPECT_EQ(fs::read_symlink(tree / "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1"),
            "libnvidia-ml.so.580.95.05");
  EXPECT_FALSE(fs::exists(host_.DriverTrees() / "a.tmp"));

  EXPECT_EQ(ActiveDriverTree(host_), std::nullopt);
  EXPECT_EQ(ActivateDriverTree(host_, "a"), std::nullopt);
  EXPECT_EQ(fs::read_symlink(host_.DriverRoot()), "driver.d/a");
  EXPECT_EQ(ReadAll(host_.DriverRoot() / "bin/nvidia-smi"), "smi 580.95.05");
  EXPECT_EQ(ActiveDriverTree(host_), "a");
}

TEST_F(DriverRootTest, UpgradeKeepsThePreviousTreeUntilPruned) {
  StageDriverTree(host_, verified_, Verified("580.95.05"), "old");
  ActivateDriverTree(host_, "old");
  fs::remove_all(verified_);
  StageDriverTree(host_, verified_, Verified("590.48.01"), "new");
  EXPECT_EQ(ActivateDriverTree(host_, "new"), "old");
  EXPECT_EQ(ReadAll(host_.DriverRoot() / "bin/nvidia-smi"), "smi 590.48.01");

  fs::create_directories(host_.DriverTrees() / "older");
  PruneDriverTrees(host_, {"old"});
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(host_.DriverTrees())) {
    left.push_back(e.path().filename().string());
  }
  EXPECT_THAT(left, UnorderedElementsAre("old", "new"));  // the active one is always kept
}

TEST_F(DriverRootTest, ATreeChangedAfterVerificationIsRefusedAndLeavesNothing) {
  auto files = Verified("580.95.05");
  std::ofstream(verified_ / "bin/nvidia-smi", std::ios::binary) << "tampered";
  try {
    StageDriverTree(host_, verified_, files, "a");
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_THAT(e.what(), HasSubstr("bin/nvidia-smi is 8 bytes"));
  }
  EXPECT_FALSE(fs::exists(host_.DriverTrees() / "a"));
  EXPECT_FALSE(fs::exists(host_.DriverTrees() / "a.tmp"));
}

TEST_F(DriverRootTest, RestagingIsIdempotentAndADamagedTreeIsReplaced) {
  const auto files = Verified("580.95.05");
  StageDriverTree(host_, verified_, files, "a");
  const auto inode_before = fs::hard_link_count(host_.DriverTrees() / "a" / "bin/nvidia-smi");
  StageDriverTree(host_, verified_, files, "a");  // an earlier run staged it: kept as is
  EXPECT_EQ(fs::hard_link_count(host_.DriverTrees() / "a" / "bin/nvidia-smi"), inode_before);

  std::ofstream(host_.DriverTrees() / "a" / "bin/nvidia-smi", std::ios::binary) << "rot";
  StageDriverTree(host_, verified_, files, "a");
  EXPECT_EQ(ReadAll(host_.DriverTrees() / "a" / "bin/nvidia-smi"), "smi 580.95.05");
}

TEST_F(DriverRootTest, FirstActivationReplacesAnEmptyPlaceholderButNotAForeignDriver) {
  StageDriverTree(host_, verified_, Verified("580.95.05"), "a");
  fs::create_directories(host_.DriverRoot());  // kubelet's DirectoryOrCreate
  ActivateDriverTree(host_, "a");
  EXPECT_TRUE(fs::is_symlink(host_.DriverRoot()));

  fs::remove(host_.DriverRoot());
  fs::create_directories(host_.DriverRoot() / "bin");  // a driver container's root
  try {
    ActivateDriverTree(host_, "a");
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_THAT(e.what(), HasSubstr("is not a symlink managed by gpu-node-agent"));
  }
  EXPECT_TRUE(fs::is_directory(host_.DriverRoot() / "bin"));
}

TEST_F(DriverRootTest, RecoveryRemovesLeftoversOfAKilledRun) {
  fs::create_directories(host_.DriverTrees() / "a.tmp/bin");
  fs::create_symlink("driver.d/a", host_.RunNvidia() / "driver.tmp");
  fs::create_directories(host_.DriverTrees() / "b");
  RecoverDriverTrees(host_);
  EXPECT_FALSE(fs::exists(host_.DriverTrees() / "a.tmp"));
  EXPECT_FALSE(fs::is_symlink(host_.RunNvidia() / "driver.tmp"));
  EXPECT_TRUE(fs::exists(host_.DriverTrees() / "b"));
}

TEST_F(DriverRootTest, FirmwarePathIsSetOnlyWhenEmptyOrOurs) {
  gpuext::testing::HostTree tree(host_.root);
  tree.File("sys/module/firmware_class/parameters/path", "\n");
  EXPECT_EQ(SetFirmwareSearchPath(host_), FirmwarePathOutcome::kSet);
  EXPECT_EQ(ReadAll(host_.FirmwareClassPath()), "/run/nvidia/driver/lib/firmware");
  EXPECT_EQ(SetFirmwareSearchPath(host_), FirmwarePathOutcome::kAlreadyOurs);
  tree.File("sys/module/firmware_class/parameters/path", "/opt/vendor/firmware\n");
  EXPECT_EQ(SetFirmwareSearchPath(host_), FirmwarePathOutcome::kConflict);
  EXPECT_EQ(ReadAll(host_.FirmwareClassPath()), "/opt/vendor/firmware\n");
}

}  // namespace
}  // namespace gpuext::nodeagent
