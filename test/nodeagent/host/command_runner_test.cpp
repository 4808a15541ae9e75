// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// RealCommandRunner against real processes (/bin/sh scripts). Timeouts here are real time by
// nature (a child process does not read our FakeClock); they are short and nothing sleeps in
// the test itself: synchronisation goes through FIFOs the child opens.
#include "gpuext/nodeagent/command_runner.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::vector<std::string> kEnv = {"PATH=/usr/bin:/bin"};

Command Sh(const std::string& script,
           std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  return {.argv = {"/bin/sh", "-c", script}, .env = kEnv, .timeout = timeout};
}

// Orphans of the commands are re-parented to this test process, so a test can reap them and see
// how they died.
void BecomeSubreaper() { ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0); }

// Waits for `pid` (a re-parented grandchild) and returns the signal that ended it, 0 if it
// exited normally.
int ReapSignal(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) {
    return -1;
  }
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

TEST(RealCommandRunnerTest, ReportsExitCodeAndCapturesBothStreams) {
  RealCommandRunner runner;
  const CommandResult r = runner.Run(Sh("echo out; echo err >&2; exit 3"), {});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_FALSE(r.Succeeded());
  EXPECT_EQ(r.stdout_text, "out\n");
  EXPECT_EQ(r.stderr_text, "err\n");
  EXPECT_EQ(r.Describe(), "exit status 3: err");
}

TEST(RealCommandRunnerTest, SucceedsOnExitZero) {
  RealCommandRunner runner;
  const CommandResult r = runner.Run(Sh("true"), {});
  EXPECT_TRUE(r.Succeeded());
  EXPECT_EQ(r.stdout_text, "");
}

TEST(RealCommandRunnerTest, ReportsTerminatingSignal) {
  RealCommandRunner runner;
  const CommandResult r = runner.Run(Sh("kill -KILL $$"), {});
  EXPECT_EQ(r.term_signal, SIGKILL);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_FALSE(r.timed_out);
  EXPECT_THAT(r.Describe(), StartsWith("killed by signal 9"));
}

TEST(RealCommandRunnerTest, ChildSeesExactlyTheGivenEnvironment) {
  ::setenv("GPUEXT_AGENT_SECRET", "must-not-leak", 1);
  RealCommandRunner runner;
  const CommandResult r = runner.Run({.argv = {"/usr/bin/env"}, .env = {"A=1", "B=two words"}}, {});
  EXPECT_EQ(r.stdout_text, "A=1\nB=two words\n");
}

TEST(RealCommandRunnerTest, LooksUpBareProgramNamesInTheCommandsPath) {
  RealCommandRunner runner;
  EXPECT_EQ(runner.Run({.argv = {"echo", "hi"}, .env = kEnv}, {}).stdout_text, "hi\n");
  EXPECT_THAT([&] { (void)runner.Run({.argv = {"echo"}, .env = {"PATH=/nonexistent"}}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("cannot start echo: not found")));
}

TEST(RealCommandRunnerTest, ArgumentsAreNeverParsedByAShell) {
  RealCommandRunner runner;
  const CommandResult r =
      runner.Run({.argv = {"/bin/echo", "$(id)", "a;b", "'q'"}, .env = kEnv}, {});
  EXPECT_EQ(r.stdout_text, "$(id) a;b 'q'\n");
}

TEST(RealCommandRunnerTest, RunsInTheWorkingDirectory) {
  gpuext::testing::TempDir dir;
  RealCommandRunner runner;
  const CommandResult r =
      runner.Run({.argv = {"/bin/pwd"}, .env = kEnv, .working_dir = dir.path()}, {});
  EXPECT_EQ(r.stdout_text, std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(RealCommandRunnerTest, ThrowsWhenTheProgramCannotStart) {
  RealCommandRunner runner;
  EXPECT_THAT([&] { (void)runner.Run({.argv = {"/nonexistent/modprobe"}}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("cannot start /nonexistent/modprobe")));
  EXPECT_THAT([&] { (void)runner.Run({.argv = {}}, {}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("empty argv")));
  EXPECT_THAT(
      [&] { (void)runner.Run({.argv = {"/bin/true"}, .working_dir = "/nonexistent-dir"}, {}); },
      ::testing::ThrowsMessage<Error>(HasSubstr("in /nonexistent-dir")));
}

TEST(RealCommandRunnerTest, TimeoutTerminatesTheWholeProcessGroup) {
  BecomeSubreaper();
  RealCommandRunner runner({.kill_grace = std::chrono::seconds(10)});
  // The shell starts a grandchild and waits; both must die at the timeout.
  const CommandResult r =
      runner.Run(Sh("sleep 1000 & echo $!; wait", std::chrono::milliseconds(300)), {});
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.cancelled);
  EXPECT_EQ(r.term_signal, SIGTERM);
  EXPECT_THAT(r.Describe(), StartsWith("timed out"));
  const pid_t grandchild = std::stoi(r.stdout_text);
  EXPECT_EQ(ReapSignal(grandchild), SIGTERM);
}

TEST(RealCommandRunnerTest, EscalatesToSigkillWhenTermIsIgnored) {
  BecomeSubreaper();
  RealCommandRunner runner({.kill_grace = std::chrono::milliseconds(200)});
  // An ignored signal stays ignored across fork and exec, so the grandchild ignores TERM too.
  const CommandResult r = runner.Run(
      Sh("trap '' TERM; sleep 1000 & echo $!; wait", std::chrono::milliseconds(300)), {});
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.term_signal, SIGKILL);
  EXPECT_EQ(ReapSignal(std::stoi(r.stdout_text)), SIGKILL);
}

TEST(RealCommandRunnerTest, StopTokenCancelsARunningCommand) {
  gpuext::testing::TempDir dir;
  const std::string fifo = (dir.path() / "started").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  RealCommandRunner runner({.kill_grace = std::chrono::seconds(10)});
  std::stop_source stop;
  // Opening the FIFO for reading blocks until the child opens it for writing: then it runs.
  std::thread canceller([&] {
    std::ifstream started(fifo);
    std::string line;
    std::getline(started, line);  // the child's write is complete: closing cannot SIGPIPE it
    stop.request_stop();
  });
  const CommandResult r =
      runner.Run(Sh("echo up > " + fifo + "; exec sleep 1000"), stop.get_token());
  canceller.join();
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, SIGTERM);
}

TEST(RealCommandRunnerTest, StopRequestedBeforehandKillsAtOnce) {
  RealCommandRunner runner({.kill_grace = std::chrono::seconds(10)});
  std::stop_source stop;
  stop.request_stop();
  const CommandResult r = runner.Run(Sh("exec sleep 1000"), stop.get_token());
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.term_signal, SIGTERM);
}

TEST(RealCommandRunnerTest, HelpersLeftBehindByAnExitedCommandAreKilled) {
  BecomeSubreaper();
  RealCommandRunner runner;
  // The background sleep keeps stdout open; Run must still return when the shell exits.
  const CommandResult r = runner.Run(Sh("sleep 1000 & echo $!"), {});
  EXPECT_TRUE(r.Succeeded());
  EXPECT_EQ(ReapSignal(std::stoi(r.stdout_text)), SIGKILL);
}

TEST(RealCommandRunnerTest, KeepsOnlyTheTailOfLargeOutput) {
  RealCommandRunner runner({.output_limit = 4096});
  // 1 MB of 'a' on stdout and on stderr, then a marker: the tail must end with the marker.
  const CommandResult r = runner.Run(Sh("head -c 1000000 /dev/zero | tr '\\0' a; echo END; "
                                        "head -c 1000000 /dev/zero | tr '\\0' b >&2; echo ERR >&2"),
                                     {});
  EXPECT_TRUE(r.Succeeded());
  EXPECT_EQ(r.stdout_text.size(), 4096u);
  EXPECT_TRUE(r.stdout_truncated);
  EXPECT_THAT(r.stdout_text, EndsWith("aaaEND\n"));
  EXPECT_EQ(r.stderr_text.size(), 4096u);
  EXPECT_TRUE(r.stderr_truncated);
  EXPECT_THAT(r.stderr_text, EndsWith("bbbERR\n"));
}

TEST(RealCommandRunnerTest, DefaultLimitIs64KiB) {
  RealCommandRunner runner;
  const CommandResult r = runner.Run(Sh("head -c 200000 /dev/zero | tr '\\0' x"), {});
  EXPECT_EQ(r.stdout_text.size(), kDefaultOutputLimit);
  EXPECT_EQ(kDefaultOutputLimit, 64u * 1024u);
}

TEST(RealCommandRunnerTest, ChildStdinIsEmpty) {
  RealCommandRunner runner;
  EXPECT_EQ(runner.Run(Sh("cat; echo done"), {}).stdout_text, "done\n");
}

TEST(RunCheckedTest, ThrowsWithTheLastStderrLine) {
  RealCommandRunner runner;
  EXPECT_THAT(
      [&] {
        (void)RunChecked(runner,
                         {.argv = {"/bin/sh", "-c",
                                   "echo first >&2; echo 'modprobe: FATAL' >&2; "
                                   "exit 1"},
                          .env = kEnv},
                         {});
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("/bin/sh: exit status 1: modprobe: FATAL")));
  EXPECT_EQ(RunChecked(runner, Sh("echo ok"), {}).stdout_text, "ok\n");
}

}  // namespace
}  // namespace gpuext::nodeagent
