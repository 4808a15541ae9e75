// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "gpuext/error.h"
#include "gpuext/testing/process.h"

namespace gpuext {
namespace {

TEST(FilesTest, WritesReplacesAndSetsMode) {
  gpuext::testing::TempDir dir;
  const auto path = dir.path() / "tls.key";
  WriteFileAtomically(path, "one", 0600);
  WriteFileAtomically(path, "two", 0600);
  EXPECT_EQ(ReadFileIfExists(path), "two");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary files are left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(FilesTest, MissingFileIsAnAnswerNotAnError) {
  gpuext::testing::TempDir dir;
  EXPECT_EQ(ReadFileIfExists(dir.path() / "absent"), std::nullopt);
}

TEST(FilesTest, UnwritableDirectoryNamesThePath) {
  try {
    WriteFileAtomically("/nonexistent-dir/x", "data", 0644);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gpuext
