// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "gpuext/nodeagent/builder_headers.h"

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/builder_error.h"
#include "gpuext/testing/process.h"
#include "simulated_driver.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;

class KernelHeadersTest : public ::testing::Test {
 protected:
  void WriteBuildTree(const fs::path& dir, const std::string& release,
                      const std::string& makefile) {
    build_test::BuildTestWriteFile(dir / "Makefile", makefile);
    build_test::BuildTestWriteFile(dir / "include/generated/utsrelease.h",
                                   "#define UTS_RELEASE \"" + release + "\"\n");
  }
  [[nodiscard]] fs::path root() const { return tmp_.path(); }
  gpuext::testing::TempDir tmp_;
};

TEST_F(KernelHeadersTest, DebianSplitGivesCommonAsSourceAndArchAsBuild) {
  const fs::path common = root() / "usr/src/linux-headers-6.1.0-7-common";
  const fs::path arch = root() / "usr/src/linux-headers-6.1.0-7-cloud-amd64";
  build_test::BuildTestWriteFile(common / "Makefile", "# the kernel's Makefile\n");
  WriteBuildTree(arch, "6.1.0-7-cloud-amd64",
                 "include /usr/src/linux-headers-6.1.0-7-common/Makefile\n");
  fs::create_directories(root() / "lib/modules/6.1.0-7-cloud-amd64");
  fs::create_symlink("/usr/src/linux-headers-6.1.0-7-cloud-amd64",
                     root() / "lib/modules/6.1.0-7-cloud-amd64/build");

  const auto headers = FindKernelHeaders(root(), "6.1.0-7-cloud-amd64");
  ASSERT_TRUE(headers.has_value());
  EXPECT_EQ(headers->kernel_release, "6.1.0-7-cloud-amd64");
  EXPECT_EQ(headers->build_dir, arch);
  EXPECT_EQ(headers->source_dir, common);
}

TEST_F(KernelHeadersTest, SourceLinkOfLibModulesWins) {
  const fs::path build = root() / "build-tree";
  const fs::path source = root() / "source-tree";
  WriteBuildTree(build, "6.12.0-SIMULATED", "# an O= build tree\n");
  build_test::BuildTestWriteFile(source / "Makefile", "# sources\n");
  fs::create_directories(root() / "lib/modules/6.12.0-SIMULATED");
  fs::create_symlink("../../../build-tree", root() / "lib/modules/6.12.0-SIMULATED/build");
  fs::create_symlink("../../../source-tree", root() / "lib/modules/6.12.0-SIMULATED/source");
  const auto headers = FindKernelHeaders(root(), "6.12.0-SIMULATED");
  ASSERT_TRUE(headers.has_value());
  EXPECT_EQ(headers->build_dir, build);
  EXPECT_EQ(headers->source_dir, source);
}

TEST_F(KernelHeadersTest, CombinedTreeIsBothSourceAndBuild) {
  const fs::path tree = root() / "usr/src/linux-headers-6.6.6-SIMULATED";
  WriteBuildTree(tree, "6.6.6-SIMULATED", "VERSION = 6\n");
  const auto headers = FindKernelHeaders(root(), "6.6.6-SIMULATED");
  ASSERT_TRUE(headers.has_value());
  EXPECT_EQ(headers->source_dir, headers->build_dir);
}

TEST_F(KernelHeadersTest, TreeOfAnotherReleaseDoesNotCount) {
  WriteBuildTree(root() / "usr/src/linux-headers-6.1.0-7-amd64", "6.1.99", "VERSION = 6\n");
  EXPECT_FALSE(FindKernelHeaders(root(), "6.1.0-7-amd64").has_value());
  EXPECT_FALSE(FindKernelHeaders(root(), "../../etc").has_value());
  EXPECT_THAT([&] { (void)ResolveKernelHeaders(root(), "6.1.0-7-amd64"); },
              ::testing::ThrowsMessage<BuildError>(
                  ::testing::HasSubstr("NoHeadersForKernel: no kernel headers for 6.1.0-7-amd64")));
}

TEST_F(KernelHeadersTest, ListCountsATreeReachedTwiceOnce) {
  const fs::path arch = root() / "usr/src/linux-headers-6.1.0-7-amd64";
  WriteBuildTree(arch, "6.1.0-7-amd64", "VERSION = 6\n");
  WriteBuildTree(root() / "usr/src/linux-headers-5.10.0-1-amd64", "5.10.0-1-amd64", "V = 5\n");
  build_test::BuildTestWriteFile(root() / "usr/src/linux-headers-6.1.0-7-common/Makefile", "\n");
  fs::create_directories(root() / "lib/modules/6.1.0-7-amd64");
  fs::create_symlink("/usr/src/linux-headers-6.1.0-7-amd64",
                     root() / "lib/modules/6.1.0-7-amd64/build");
  const auto all = ListInstalledKernelHeaders(root());
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].kernel_release, "5.10.0-1-amd64");
  EXPECT_EQ(all[1].kernel_release, "6.1.0-7-amd64");
  EXPECT_TRUE(ListInstalledKernelHeaders(root() / "nothing").empty());
}

TEST_F(KernelHeadersTest, InstalledHeadersOfThisMachineResolve) {
  const auto installed = build_test::InstalledHeadersForTest();
  if (!installed) {
    GTEST_SKIP() << "no kernel headers installed (install linux-headers-amd64)";
  }
  const KernelHeaders h = ResolveKernelHeaders("/", installed->kernel_release);
  EXPECT_TRUE(fs::is_regular_file(h.build_dir / "include/generated/utsrelease.h"));
  EXPECT_TRUE(fs::is_regular_file(h.source_dir / "Makefile"));
  // Debian splits the trees; the source side must be the -common package.
  if (fs::exists("/etc/debian_version")) {
    EXPECT_NE(h.source_dir, h.build_dir);
    EXPECT_THAT(h.source_dir.filename().string(), ::testing::EndsWith("-common"));
  }
}

}  // namespace
}  // namespace gpuext::nodeagent
