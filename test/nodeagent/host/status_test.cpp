// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/status.h"

#include <fstream>

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/host.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using gpuext::testing::FakeClock;
using gpuext::testing::TempDir;
using ::testing::HasSubstr;

std::string ReadWholeFile(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(PhaseTest, NamesMatchTheConditionReasons) {
  for (const auto& [phase, name] :
       std::vector<std::pair<Phase, std::string>>{{Phase::kDetecting, "Detecting"},
                                                  {Phase::kDownloading, "Downloading"},
                                                  {Phase::kWaitingForBuild, "WaitingForBuild"},
                                                  {Phase::kVerifying, "Verifying"},
                                                  {Phase::kInstalling, "Installing"},
                                                  {Phase::kReady, "Ready"},
                                                  {Phase::kFailed, "Failed"},
                                                  {Phase::kNoGpu, "NoGPU"},
                                                  {Phase::kUninstalled, "Uninstalled"}}) {
    EXPECT_EQ(ToString(phase), name);
    EXPECT_EQ(ParsePhase(name), phase);
  }
  EXPECT_EQ(ParsePhase("downloading"), std::nullopt);
}

TEST(StatusWriterTest, WritesTheProgressRecordUnderRunNvidia) {
  TempDir dir;
  FakeClock clock;
  const HostPaths host{dir.path()};
  StatusWriter writer(host.StatusFile(), clock);
  writer.Write({.phase = Phase::kDownloading,
                .bytes_done = 1024,
                .bytes_total = 4096,
                .eta_seconds = 3,
                .message = "kernel part 580.95.05"});
  const nlohmann::json doc = nlohmann::json::parse(ReadWholeFile(host.StatusFile()));
  EXPECT_EQ(doc, nlohmann::json::parse(R"({"phase": "Downloading", "bytesDone": 1024,
      "bytesTotal": 4096, "etaSeconds": 3, "message": "kernel part 580.95.05",
      "updateTime": "2026-01-01T00:00:00Z"})"));
  EXPECT_EQ(fs::status(host.StatusFile()).permissions() & fs::perms::all,
            static_cast<fs::perms>(0644));
}

TEST(StatusWriterTest, LeavesUnknownValuesOut) {
  TempDir dir;
  FakeClock clock;
  StatusWriter writer(dir.path() / "status.json", clock);
  writer.Write({.phase = Phase::kDetecting, .message = "scanning PCI"});
  const nlohmann::json doc = nlohmann::json::parse(ReadWholeFile(dir.path() / "status.json"));
  EXPECT_FALSE(doc.contains("bytesTotal"));
  EXPECT_FALSE(doc.contains("etaSeconds"));
  EXPECT_EQ(ReadStatusFile(dir.path() / "status.json"),
            (Progress{.phase = Phase::kDetecting, .message = "scanning PCI"}));
}

TEST(StatusWriterTest, ReplacesTheFileInsteadOfRewritingIt) {
  TempDir dir;
  FakeClock clock;
  const fs::path path = dir.path() / "status.json";
  StatusWriter writer(path, clock);
  writer.Write({.phase = Phase::kVerifying, .message = "first"});
  // A reader holding the old file keeps reading the old, complete content: the new one is a
  // different inode renamed over it, never the same file truncated and rewritten.
  const int old_fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(old_fd, 0);
  clock.Advance(5s);
  writer.Write({.phase = Phase::kReady, .message = "second"});
  char buf[4096];
  const ssize_t n = pread(old_fd, buf, sizeof(buf), 0);
  close(old_fd);
  ASSERT_GT(n, 0);
  EXPECT_THAT(std::string(buf, static_cast<size_t>(n)), HasSubstr("\"first\""));
  EXPECT_EQ(ReadStatusFile(path)->message, "second");
  EXPECT_THAT(ReadWholeFile(path), HasSubstr("2026-01-01T00:00:05Z"));
  EXPECT_EQ(writer.Last()->phase, Phase::kReady);
  // No temporary file is left next to it.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"status.json"});
}

TEST(ReadStatusFileTest, AbsentIsNulloptAndGarbageIsAnError) {
  TempDir dir;
  EXPECT_EQ(ReadStatusFile(dir.path() / "none.json"), std::nullopt);
  std::ofstream(dir.path() / "bad.json") << "{not json";
  EXPECT_THAT([&] { (void)ReadStatusFile(dir.path() / "bad.json"); },
              ::testing::ThrowsMessage<Error>(HasSubstr("is not a JSON object")));
  std::ofstream(dir.path() / "phase.json") << R"({"phase": "Sleeping"})";
  EXPECT_THAT([&] { (void)ReadStatusFile(dir.path() / "phase.json"); },
              ::testing::ThrowsMessage<Error>(HasSubstr("phase.json")));
}

TEST(RateEstimatorTest, UnknownUntilTwoSamplesAtDifferentTimes) {
  FakeClock clock;
  RateEstimator rate(clock);
  EXPECT_EQ(rate.BytesPerSecond(), std::nullopt);
  rate.Record(0);
  rate.Record(100);  // same instant
  EXPECT_EQ(rate.BytesPerSecond(), std::nullopt);
  EXPECT_EQ(rate.EtaSeconds(100, 1000), std::nullopt);
  EXPECT_EQ(rate.EtaSeconds(1000, 1000), 0);
}

TEST(RateEstimatorTest, RateAndEtaFromSteadyProgress) {
  FakeClock clock;
  RateEstimator rate(clock);
  for (int s = 0; s <= 4; ++s) {
    rate.Record(static_cast<uint64_t>(s) * 2'000'000);
    clock.Advance(1s);
  }
  EXPECT_DOUBLE_EQ(*rate.BytesPerSecond(), 2'000'000.0);
  EXPECT_EQ(rate.EtaSeconds(8'000'000, 30'000'000), 11);  // 22 MB at 2 MB/s
  EXPECT_EQ(rate.EtaSeconds(8'000'000, 8'000'001), 1);    // rounded up
}

TEST(RateEstimatorTest, OnlyTheWindowCounts) {
  FakeClock clock;
  RateEstimator rate(clock, 10s);
  // 60 s at 100 kB/s, then 10 s at 1 MB/s: the estimate follows the recent rate.
  uint64_t done = 0;
  for (int s = 0; s < 60; ++s) {
    rate.Record(done);
    done += 100'000;
    clock.Advance(1s);
  }
  for (int s = 0; s <= 10; ++s) {
    rate.Record(done);
    done += 1'000'000;
    clock.Advance(1s);
  }
  EXPECT_NEAR(*rate.BytesPerSecond(), 1'000'000.0, 1.0);
}

TEST(RateEstimatorTest, ResumedDownloadCountsOnlyNewBytes) {
  FakeClock clock;
  RateEstimator rate(clock);
  rate.Record(50'000'000);  // resumed at 50 MB by Range
  clock.Advance(2s);
  rate.Record(51'000'000);
  EXPECT_DOUBLE_EQ(*rate.BytesPerSecond(), 500'000.0);
}

TEST(RateEstimatorTest, RestartClearsTheWindow) {
  FakeClock clock;
  RateEstimator rate(clock);
  rate.Record(0);
  clock.Advance(1s);
  rate.Record(10'000'000);
  clock.Advance(1s);
  rate.Record(1'000);  // the download started over
  EXPECT_EQ(rate.BytesPerSecond(), std::nullopt);
  clock.Advance(1s);
  rate.Record(3'000);
  EXPECT_DOUBLE_EQ(*rate.BytesPerSecond(), 2'000.0);
}

TEST(RateEstimatorTest, StalledTransferHasNoEta) {
  FakeClock clock;
  RateEstimator rate(clock);
  rate.Record(500);
  clock.Advance(3s);
  rate.Record(500);
  EXPECT_DOUBLE_EQ(*rate.BytesPerSecond(), 0.0);
  EXPECT_EQ(rate.EtaSeconds(500, 1000), std::nullopt);
}

}  // namespace
}  // namespace gpuext::nodeagent
