// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/decide.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/testing/host_tree.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

using gpuext::testing::HostTree;
using gpuext::testing::TempDir;
using gpuruntime::Arch;
using gpuruntime::ModuleType;
using ::testing::HasSubstr;

NodeFacts Facts(std::optional<std::string> loaded = "580.95.05") {
  NodeFacts facts;
  facts.kernel_release = "6.12.72-cloud-amd64";
  facts.machine = "x86_64";
  facts.arch = Arch::kAmd64;
  facts.loaded_driver = std::move(loaded);
  return facts;
}

TEST(CacheKeysTest, KernelAndUserspaceKeysUseTheDesignsPaths) {
  const KernelPartKey kernel = MakeKernelPartKey("580.95.05", Facts(), ModuleType::kOpen);
  EXPECT_EQ(kernel.Path(), "kernel/580.95.05/6.12.72-cloud-amd64/open/amd64");
  EXPECT_EQ(kernel.TreeName(), "580.95.05-6.12.72-cloud-amd64-open");
  NodeFacts arm = Facts();
  arm.kernel_release = "6.12.72-cloud-arm64";
  arm.arch = Arch::kArm64;
  EXPECT_EQ(MakeKernelPartKey("570.195.03", arm, ModuleType::kProprietary).Path(),
            "kernel/570.195.03/6.12.72-cloud-arm64/proprietary/arm64");
  EXPECT_EQ(MakeUserspacePartKey("580.95.05", Facts()).Path(), "userspace/580.95.05/amd64");
  EXPECT_EQ(MakeUserspacePartKey("580.95.05", arm).Path(), "userspace/580.95.05/arm64");
}

TEST(CacheKeysTest, RefusesUnknownArchAndKernel) {
  NodeFacts s390 = Facts();
  s390.arch.reset();
  s390.machine = "s390x";
  EXPECT_THAT([&] { (void)MakeUserspacePartKey("580.95.05", s390); },
              ::testing::ThrowsMessage<Error>(HasSubstr("unsupported CPU architecture \"s390x\"")));
  NodeFacts no_kernel = Facts();
  no_kernel.kernel_release.clear();
  EXPECT_THAT([&] { (void)MakeKernelPartKey("580.95.05", no_kernel, ModuleType::kOpen); },
              ::testing::ThrowsMessage<Error>(HasSubstr("kernel release unknown")));
}

TEST(ParseTreeNameTest, SplitsVersionKernelAndType) {
  const auto name = ParseTreeName("580.95.05-6.12.72-cloud-amd64-open");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->driver_version, "580.95.05");
  EXPECT_EQ(name->kernel_release, "6.12.72-cloud-amd64");
  EXPECT_EQ(name->module_type, ModuleType::kOpen);
  EXPECT_EQ(ParseTreeName("570.195.03-6.1.0-28-amd64-proprietary")->kernel_release,
            "6.1.0-28-amd64");
  EXPECT_EQ(ParseTreeName("580.95.05-6.12.72-cloud-amd64-auto"), std::nullopt);
  EXPECT_EQ(ParseTreeName("580.95.05-open"), std::nullopt);
  EXPECT_EQ(ParseTreeName("-6.12-open"), std::nullopt);
  EXPECT_EQ(ParseTreeName("580.95.05-6.12.72-cloud-amd64-open.tmp"), std::nullopt);
}

TEST(DecideFastPathTest, Table) {
  const KernelPartKey key = MakeKernelPartKey("580.95.05", Facts(), ModuleType::kOpen);
  struct Case {
    std::string name;
    std::optional<std::string> loaded;
    std::function<void(HostTree&)> build;
    bool tree_verifies;
    bool want;
    std::string reason;
  };
  const std::string good = "driver.d/580.95.05-6.12.72-cloud-amd64-open";
  const std::vector<Case> cases = {
      {"warm reboot: loaded, linked, verified", "580.95.05",
       [&](HostTree& t) { t.Symlink("run/nvidia/driver", good); }, true, true,
       "is loaded from a verified tree"},
      {"nothing loaded", std::nullopt, [&](HostTree& t) { t.Symlink("run/nvidia/driver", good); },
       true, false, "no nvidia module loaded"},
      {"other version loaded", "570.195.03",
       [&](HostTree& t) { t.Symlink("run/nvidia/driver", good); }, true, false,
       "loaded driver 570.195.03 is not the desired 580.95.05"},
      {"no driver root", "580.95.05", [](HostTree&) {}, true, false, "is not a symlink"},
      {"driver root is a directory (first install)", "580.95.05",
       [](HostTree& t) { t.File("run/nvidia/driver/.keep", ""); }, true, false, "is not a symlink"},
      {"points at another kernel's tree", "580.95.05",
       [](HostTree& t) {
         t.Symlink("run/nvidia/driver", "driver.d/580.95.05-6.12.71-cloud-amd64-open");
       },
       true, false, "want 580.95.05-6.12.72-cloud-amd64-open"},
      {"absolute target", "580.95.05",
       [&](HostTree& t) { t.Symlink("run/nvidia/driver", "/run/nvidia/" + good); }, true, false,
       "not into driver.d/"},
      {"tree fails verification", "580.95.05",
       [&](HostTree& t) { t.Symlink("run/nvidia/driver", good); }, false, false,
       "failed verification"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    HostTree tree(dir.path());
    c.build(tree);
    const HostPaths host{dir.path()};
    std::vector<std::filesystem::path> verified;
    const FastPath fast =
        DecideFastPath(host, Facts(c.loaded), key, [&](const std::filesystem::path& p) {
          verified.push_back(p);
          return c.tree_verifies;
        });
    EXPECT_EQ(fast.take, c.want);
    EXPECT_THAT(fast.reason, HasSubstr(c.reason));
    if (c.want) {
      EXPECT_EQ(verified, std::vector<std::filesystem::path>{host.DriverTrees() /
                                                             "580.95.05-6.12.72-cloud-amd64-open"});
    }
  }
}

}  // namespace
}  // namespace gpuext::nodeagent
