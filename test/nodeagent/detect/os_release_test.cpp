// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/detect.h"

namespace gpuext::nodeagent {
namespace {

TEST(ParseOsReleaseTest, GardenLinux) {
  const OsRelease os = ParseOsRelease(
      "ID=gardenlinux\nNAME=\"Garden Linux\"\nPRETTY_NAME=\"Garden Linux 1877.5\"\n"
      "VERSION_ID=1877.5\nGARDENLINUX_VERSION=1877.5\n"
      "GARDENLINUX_FEATURES=log,sap,ssh,_boot,base,server,cloud,aws,gardener\n");
  EXPECT_EQ(os.id, "gardenlinux");
  EXPECT_EQ(os.version_id, "1877.5");
  EXPECT_EQ(os.gardenlinux_version, "1877.5");
  EXPECT_EQ(os.pretty_name, "Garden Linux 1877.5");
  EXPECT_EQ(os.fields.at("GARDENLINUX_FEATURES"),
            "log,sap,ssh,_boot,base,server,cloud,aws,gardener");
}

TEST(ParseOsReleaseTest, EdgeCases) {
  struct Case {
    std::string name;
    std::string text;
    std::string key;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"double quotes", "VERSION_ID=\"12\"\n", "VERSION_ID", "12"},
      {"single quotes", "VERSION_ID='12'\n", "VERSION_ID", "12"},
      {"escaped quote and backslash", R"(NAME="a \"b\" \\ c")", "NAME", R"(a "b" \ c)"},
      {"escaped dollar and backtick", R"(X="\$HOME \`id\`")", "X", "$HOME `id`"},
      {"single quotes keep backslashes", R"(X='a\b')", "X", R"(a\b)"},
      {"no trailing newline", "ID=debian", "ID", "debian"},
      {"CRLF line ends", "ID=ubuntu\r\nVERSION_ID=\"22.04\"\r\n", "VERSION_ID", "22.04"},
      {"comment lines skipped", "# ID=wrong\nID=right\n", "ID", "right"},
      {"indented comment skipped", "   # ID=wrong\nID=right\n", "ID", "right"},
      {"blank lines", "\n\n  \nID=gardenlinux\n\n", "ID", "gardenlinux"},
      {"later assignment wins", "ID=a\nID=b\n", "ID", "b"},
      {"value with '='", "X=\"a=b\"\n", "X", "a=b"},
      {"empty value", "VARIANT_ID=\n", "VARIANT_ID", ""},
      {"empty quoted value", "VARIANT_ID=\"\"\n", "VARIANT_ID", ""},
      {"unmatched quote kept raw", "NAME=\"Garden\n", "NAME", "\"Garden"},
      {"spaces around value trimmed", "ID=  debian  \n", "ID", "debian"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const OsRelease os = ParseOsRelease(c.text);
    ASSERT_TRUE(os.fields.contains(c.key));
    EXPECT_EQ(os.fields.at(c.key), c.want);
  }
}

TEST(ParseOsReleaseTest, IgnoresLinesWithoutAssignment) {
  const OsRelease os = ParseOsRelease("garbage\n=value\nID=debian\n");
  EXPECT_EQ(os.fields.size(), 1u);
  EXPECT_EQ(os.id, "debian");
  EXPECT_EQ(os.gardenlinux_version, "");
}

TEST(ParseOsReleaseTest, EmptyInput) {
  const OsRelease os = ParseOsRelease("");
  EXPECT_TRUE(os.fields.empty());
  EXPECT_EQ(os.id, "");
}

}  // namespace
}  // namespace gpuext::nodeagent
