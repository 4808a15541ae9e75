// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/testing/fake_command_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"

namespace gpuext::nodeagent::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FakeCommandRunnerTest, RecordsEveryCallWithItsEnvironmentAndTimeout) {
  FakeCommandRunner runner;
  runner.Expect({"depmod"}, {});
  (void)runner.Run({.argv = {"depmod", "-b", "/tree", "6.12"},
                    .env = {"PATH=/sbin"},
                    .working_dir = "/w",
                    .timeout = std::chrono::seconds(7)},
                   {});
  const std::vector<Command> calls = runner.calls();
  ASSERT_EQ(calls.size(), 1u);
  const Command& c = calls[0];
  EXPECT_THAT(c.argv, ElementsAre("depmod", "-b", "/tree", "6.12"));
  EXPECT_THAT(c.env, ElementsAre("PATH=/sbin"));
  EXPECT_EQ(c.working_dir, "/w");
  EXPECT_EQ(c.timeout, std::chrono::seconds(7));
}

TEST(FakeCommandRunnerTest, AnswersFromTheFirstMatchingPrefix) {
  FakeCommandRunner runner;
  runner.Expect({"modprobe", "-r"}, {.exit_code = 1, .stderr_text = "in use\n"})
      .Expect({"modprobe"}, {.stdout_text = "loaded"});
  EXPECT_EQ(runner.Run({.argv = {"modprobe", "-r", "nouveau"}}, {}).exit_code, 1);
  EXPECT_EQ(runner.Run({.argv = {"modprobe", "nvidia"}}, {}).stdout_text, "loaded");
  EXPECT_THAT(runner.argvs(), ElementsAre(ElementsAre("modprobe", "-r", "nouveau"),
                                          ElementsAre("modprobe", "nvidia")));
}

TEST(FakeCommandRunnerTest, ExhaustedScriptsFallThroughToLaterOnes) {
  FakeCommandRunner runner;
  runner.Expect({"nvidia-smi"}, {.exit_code = 9}, 1).Expect({"nvidia-smi"}, {.exit_code = 0});
  EXPECT_EQ(runner.Run({.argv = {"nvidia-smi", "-L"}}, {}).exit_code, 9);
  EXPECT_EQ(runner.Run({.argv = {"nvidia-smi", "-L"}}, {}).exit_code, 0);
  EXPECT_EQ(runner.Run({.argv = {"nvidia-smi", "-L"}}, {}).exit_code, 0);
}

TEST(FakeCommandRunnerTest, UnexpectedCommandsFailLoudly) {
  FakeCommandRunner runner;
  runner.Expect({"modprobe", "nvidia"}, {}, 1);
  (void)runner.Run({.argv = {"modprobe", "nvidia"}}, {});
  EXPECT_THAT(
      [&] {
        (void)runner.Run({.argv = {"modprobe", "nvidia"}}, {});
      },
      ::testing::ThrowsMessage<Error>(
          HasSubstr("FakeCommandRunner: unexpected command: modprobe nvidia")));
  EXPECT_THAT(
      [&] {
        (void)runner.Run({.argv = {"rm", "-rf", "/"}}, {});
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("unexpected command: rm -rf /")));
  // A prefix longer than the argv never matches.
  runner.Expect({"ldconfig", "-r", "/tree"}, {});
  EXPECT_THAT([&] { (void)runner.Run({.argv = {"ldconfig"}}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("unexpected command: ldconfig")));
  EXPECT_THAT(runner.unexpected(), ElementsAre("modprobe nvidia", "rm -rf /", "ldconfig"));
  EXPECT_EQ(runner.calls().size(), 4u);
}

TEST(FakeCommandRunnerTest, HandlersSeeTheCommandAndTheStopToken) {
  FakeCommandRunner runner;
  runner.On({"make"}, [](const Command& c, std::stop_token stop) {
    return CommandResult{.cancelled = stop.stop_requested(), .stdout_text = c.argv.back()};
  });
  std::stop_source source;
  source.request_stop();
  const CommandResult r = runner.Run({.argv = {"make", "modules"}}, source.get_token());
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.stdout_text, "modules");
}

}  // namespace
}  // namespace gpuext::nodeagent::testing
