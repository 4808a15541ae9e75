// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Secure Boot, lockdown and module signature enforcement as detection reads them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/detect.h"
#include "gpuext/testing/host_tree.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

using gpuext::testing::HostTree;
using gpuext::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

NodeFacts DetectIn(const std::filesystem::path& root) {
  SimulatedKernelOps kernel(HostPaths{root}, {.read_modinfo = gpuext::testing::ReadFakeModinfo});
  return Detect(HostPaths{root}, kernel);
}

TEST(ParseSecureBootVariableTest, LastByteAfterTheAttributes) {
  EXPECT_EQ(ParseSecureBootVariable(std::string("\x06\x00\x00\x00\x01", 5)), SecureBoot::kEnabled);
  EXPECT_EQ(ParseSecureBootVariable(std::string("\x06\x00\x00\x00\x00", 5)), SecureBoot::kDisabled);
  // Attributes alone (or less) carry no value.
  EXPECT_EQ(ParseSecureBootVariable(std::string("\x06\x00\x00\x00", 4)), SecureBoot::kUnknown);
  EXPECT_EQ(ParseSecureBootVariable(""), SecureBoot::kUnknown);
  EXPECT_EQ(ParseSecureBootVariable(std::string("\x06\x00\x00\x00\x02", 5)), SecureBoot::kUnknown);
  // The attribute bytes never decide: 0x01 attributes with a 0 value is off.
  EXPECT_EQ(ParseSecureBootVariable(std::string("\x01\x01\x01\x01\x00", 5)), SecureBoot::kDisabled);
}

TEST(DetectSecureBootTest, Variants) {
  struct Case {
    std::string name;
    std::function<void(HostTree&)> build;
    SecureBoot want;
    bool problem;
  };
  const std::vector<Case> cases = {
      {"enabled", [](HostTree& t) { t.SecureBoot(true); }, SecureBoot::kEnabled, false},
      {"disabled", [](HostTree& t) { t.SecureBoot(false); }, SecureBoot::kDisabled, false},
      {"legacy BIOS boot: no sys/firmware/efi", [](HostTree&) {}, SecureBoot::kDisabled, false},
      {"UEFI without the variable", [](HostTree& t) { t.EfiWithoutSecureBoot(); },
       SecureBoot::kDisabled, false},
      {"efivarfs not mounted",
       [](HostTree& t) {
         t.File("sys/firmware/efi/efivars/.keep", "").Remove("sys/firmware/efi/efivars/.keep");
       },
       SecureBoot::kUnknown, true},
      {"truncated variable",
       [](HostTree& t) { t.SecureBootVariable(std::string("\x06\x00\x00\x00", 4)); },
       SecureBoot::kUnknown, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    HostTree tree(dir.path());
    tree.GardenLinux().T4();
    c.build(tree);
    const NodeFacts facts = DetectIn(dir.path());
    EXPECT_EQ(facts.secure_boot, c.want);
    EXPECT_EQ(!facts.problems.empty(), c.problem);
  }
}

TEST(DetectSecureBootTest, LockdownIsTheBracketedMode) {
  EXPECT_EQ(ParseLockdown("[none] integrity confidentiality\n"), "none");
  EXPECT_EQ(ParseLockdown("none [integrity] confidentiality\n"), "integrity");
  EXPECT_EQ(ParseLockdown("none integrity [confidentiality]"), "confidentiality");
  EXPECT_EQ(ParseLockdown("none integrity confidentiality"), "");
  EXPECT_EQ(ParseLockdown(""), "");
}

TEST(DetectSecureBootTest, SignedModulesRequiredWhenTheKernelWouldDemandThem) {
  struct Case {
    std::string name;
    std::function<void(HostTree&)> build;
    bool want;
  };
  const std::vector<Case> cases = {
      {"nothing enforced",
       [](HostTree& t) {
         t.SecureBoot(false).Lockdown("[none] integrity confidentiality\n").SigEnforce(false);
       },
       false},
      {"Secure Boot on", [](HostTree& t) { t.SecureBoot(true); }, true},
      {"sig_enforce", [](HostTree& t) { t.SecureBoot(false).SigEnforce(true); }, true},
      {"lockdown integrity", [](HostTree& t) { t.Lockdown("none [integrity] confidentiality\n"); },
       true},
      {"Secure Boot unknown fails closed",
       [](HostTree& t) { t.SecureBootVariable(std::string("\x06", 1)); }, true},
      {"no securityfs, no sig_enforce parameter", [](HostTree&) {}, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    HostTree tree(dir.path());
    tree.GardenLinux().T4();
    c.build(tree);
    EXPECT_EQ(DetectIn(dir.path()).RequiresSignedModules(), c.want);
  }
}

TEST(DetectSecureBootTest, RecordsLockdownAndSigEnforce) {
  TempDir dir;
  HostTree(dir.path())
      .GardenLinux()
      .T4()
      .Lockdown("none [integrity] confidentiality\n")
      .SigEnforce(true);
  const NodeFacts facts = DetectIn(dir.path());
  EXPECT_EQ(facts.lockdown, "integrity");
  EXPECT_TRUE(facts.sig_enforce);
  EXPECT_THAT(facts.problems, IsEmpty());
  EXPECT_EQ(ToString(facts.secure_boot), "disabled");
}

}  // namespace
}  // namespace gpuext::nodeagent
