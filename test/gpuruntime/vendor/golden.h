// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Golden-file comparison for the gpuruntime tests: GPUEXT_UPDATE_GOLDEN=1 rewrites the files.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace gpuext::gpuruntime::testing {

inline std::filesystem::path TestdataPath(const std::string& name) {
  return std::filesystem::path(GPUEXT_SOURCE_DIR) / "gpuruntime" / "testdata" / name;
}

inline void ExpectGolden(const std::string& name, const std::string& actual) {
  std::filesystem::path path = TestdataPath(name);
  if (const char* update = std::getenv("GPUEXT_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with GPUEXT_UPDATE_GOLDEN=1)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(actual, want.str()) << "golden file " << path << " differs";
}

}  // namespace gpuext::gpuruntime::testing
