// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "gpuext/nodeagent/builder_source.h"

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/builder_error.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/process.h"
#include "simulated_driver.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;

TEST(DownloadSourceTest, FileUrlIsCopiedAndHashed) {
  gpuext::testing::TempDir tmp;
  const std::string content(300000, 'S');
  build_test::BuildTestWriteFile(tmp.path() / "SIMULATED-source.tar", content);
  const std::string got = DownloadSource(
      {.url = "file://" + (tmp.path() / "SIMULATED-source.tar").string()}, tmp.path() / "dl", {});
  EXPECT_EQ(got, Sha256Hex(content));
  EXPECT_EQ(build_test::BuildTestReadFile(tmp.path() / "dl"), content);
  EXPECT_FALSE(fs::exists(tmp.path() / "dl.part"));
}

TEST(DownloadSourceTest, MissingFileIsSourceFetchFailedAndLeavesNothing) {
  gpuext::testing::TempDir tmp;
  try {
    (void)DownloadSource({.url = "file://" + (tmp.path() / "absent").string()}, tmp.path() / "dl",
                         {});
    FAIL() << "no error";
  } catch (const BuildError& e) {
    EXPECT_EQ(e.reason(), BuildFailure::kSourceFetchFailed);
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "dl"));
  EXPECT_FALSE(fs::exists(tmp.path() / "dl.part"));
}

TEST(DownloadSourceTest, OtherSchemesAreRefused) {
  gpuext::testing::TempDir tmp;
  EXPECT_THAT([&] { (void)DownloadSource({.url = "ftp://example/x"}, tmp.path() / "dl", {}); },
              ::testing::ThrowsMessage<Error>(
                  ::testing::HasSubstr("must start with http://, https:// or file://")));
}

// The builder unpacks .tar.gz sources through artifact::ExtractArchive's source_compressions;
// artifacts themselves must stay tar+zstd only.
TEST(DownloadSourceTest, GzipIsASourceFormatButNoArtifactFormat) {
  gpuext::testing::TempDir tmp;
  build_test::BuildTestWriteFile(tmp.path() / "tree/SIMULATED-top/Makefile", "all:\n");
  const auto tar =
      gpuext::testing::RunProcess({"tar", "-C", (tmp.path() / "tree").string(), "-czf",
                                   (tmp.path() / "s.tar.gz").string(), "SIMULATED-top"});
  ASSERT_EQ(tar.exit_code, 0) << tar.stderr_text;
  fs::create_directories(tmp.path() / "artifact");
  EXPECT_THAT(
      [&] { (void)artifact::ExtractArchive(tmp.path() / "s.tar.gz", tmp.path() / "artifact"); },
      ::testing::Throws<Error>());
  fs::create_directories(tmp.path() / "source");
  const auto files = artifact::ExtractArchive(tmp.path() / "s.tar.gz", tmp.path() / "source",
                                              {.source_compressions = true});
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(files[0].path, "SIMULATED-top/Makefile");
}

}  // namespace
}  // namespace gpuext::nodeagent
