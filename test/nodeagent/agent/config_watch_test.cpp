// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// WatchConfigFile: a new valid configuration reaches the running agent; an invalid one is
// refused while the watch goes on; a stop ends the watch without a change.

#include "gpuext/nodeagent/config_watch.h"

#include <future>

#include <gtest/gtest.h>

#include "gpuext/files.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

using namespace std::chrono_literals;

std::string ConfigWatchBaseText() {
  return ReadFileIfExists(std::string(GPUEXT_SOURCE_DIR) +
                          "/gpuruntime/testdata/api/agent-configuration.yaml")
      .value_or("");
}

std::string ConfigWatchWithMode(const std::string& mode) {
  std::string text = ConfigWatchBaseText();
  const std::string from = "mode: install";
  text.replace(text.find(from), from.size(), "mode: " + mode);
  return text;
}

class ConfigWatchTest : public ::testing::Test {
 protected:
  std::future<std::optional<ConfigChange>> Watch(std::stop_token stop) {
    return std::async(std::launch::async, [this, stop] {
      return WatchConfigFile(file_, current_, clock_, stop, Logger::Root().WithName("test"), 5s);
    });
  }

  // One poll: wait until the watcher sleeps, then let its interval pass.
  void Poll() {
    ASSERT_TRUE(clock_.WaitForSleepers(1));
    clock_.Advance(5s);
  }

  gpuext::testing::TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "config.yaml";
  std::string current_ = ConfigWatchBaseText();
  gpuext::testing::FakeClock clock_;
};

TEST_F(ConfigWatchTest, UninstallModeReachesTheWatcherAfterAnInvalidVersionWasRefused) {
  WriteFileAtomically(file_, current_, 0644);
  std::stop_source stop;
  auto watch = Watch(stop.get_token());
  Poll();  // unchanged
  WriteFileAtomically(file_, "mode: [not, a, mode\n", 0644);
  Poll();  // invalid: refused, still watching
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  EXPECT_EQ(watch.wait_for(0s), std::future_status::timeout);
  WriteFileAtomically(file_, ConfigWatchWithMode("uninstall"), 0644);
  clock_.Advance(5s);
  const std::optional<ConfigChange> change = watch.get();
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->text, ConfigWatchWithMode("uninstall"));
  EXPECT_EQ(change->config.mode, gpuruntime::api::AgentMode::kUninstall);
}

TEST_F(ConfigWatchTest, MissingFileCountsAsUnchangedAndStopEndsTheWatch) {
  std::stop_source stop;
  auto watch = Watch(stop.get_token());
  Poll();  // no file (kubelet between symlink swaps)
  ASSERT_TRUE(clock_.WaitForSleepers(1));
  stop.request_stop();
  EXPECT_FALSE(watch.get().has_value());
}

}  // namespace
}  // namespace gpuext::nodeagent
