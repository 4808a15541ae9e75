// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Charts compiled into the binary (cmake/gpuext_embed.cmake) render byte for byte as the same
// charts read from disk. Built from extension/helm/cmd/CMakeLists.txt, next to the embedding.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/helm/renderer.h"
#include "gpuext_helm_testcharts.h"

namespace gpuext::helm {
namespace {

TEST(EmbeddedChartTest, RendersLikeTheSameChartFromDisk) {
  const std::filesystem::path root =
      std::filesystem::path(GPUEXT_SOURCE_DIR) / "test/testdata/charts";
  for (const char* chart : {"basics", "subcharts"}) {
    SCOPED_TRACE(chart);
    const ChartFS disk = ChartFS::FromDirectory(root / chart);
    const ChartFS embedded = ChartFS::FromEmbedded(gpuext_testcharts::Files(), chart);
    EXPECT_EQ(embedded.files(), disk.files());
    const ReleaseOptions options{.name = "r", .ns = "ns", .include_crds = true};
    const std::string want = FormatManifests(Render(disk, nlohmann::json::object(), options));
    EXPECT_THAT(want, ::testing::HasSubstr("# Source: "));
    EXPECT_EQ(FormatManifests(Render(embedded, nlohmann::json::object(), options)), want);
  }
}

TEST(EmbeddedChartTest, UnknownPrefixIsNotFound) {
  EXPECT_THAT([] { (void)ChartFS::FromEmbedded(gpuext_testcharts::Files(), "nope"); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("no embedded files under")));
}

}  // namespace
}  // namespace gpuext::helm
