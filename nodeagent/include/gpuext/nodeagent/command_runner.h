// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// CommandRunner: the one way the node agent starts a program (DESIGN.md §13.2): modprobe, depmod,
// ldconfig, nvidia-smi, the daemons, the builder's make and sign-file. A command is an argv
// vector, never a shell string, so no value from a config or a manifest is ever parsed by a shell.
//
//   RealCommandRunner runner;
//   CommandResult r = runner.Run({.argv = {"/sbin/modprobe", "-d", root, "nvidia"},
//                                 .timeout = std::chrono::seconds(60)},
//                                stop);
//   if (!r.Succeeded()) throw Error(ErrorCode::kInternal, "modprobe nvidia: " + r.Describe());
//
// Tests use gpuext::nodeagent::testing::FakeCommandRunner (nodeagent/testing/), which records
// every call and replays scripted results.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

namespace gpuext::nodeagent {

// How much of stdout and of stderr a result keeps: the last 64 KiB of each. Tools such as make
// can print megabytes; the tail is where the error is.
inline constexpr std::size_t kDefaultOutputLimit = 64 * 1024;

struct Command {
  // argv[0] is the program: an absolute path, or a name looked up in the PATH of `env` (in
  // "/usr/sbin:/usr/bin:/sbin:/bin" when `env` has no PATH). Must not be empty.
  std::vector<std::string> argv;
  // The child's complete environment as "NAME=value" entries. Nothing is inherited from the
  // agent, so its token paths and proxy settings never leak into host tools.
  std::vector<std::string> env = {};
  // Working directory of the child; empty keeps the agent's.
  std::filesystem::path working_dir = {};
  // After this the child's whole process group gets SIGTERM, then SIGKILL after the runner's
  // grace period. Every command has a deadline (STYLE.md §9).
  std::chrono::milliseconds timeout = std::chrono::minutes(5);
};

struct CommandResult {
  int exit_code = 0;             // the exit status when the child exited; -1 when a signal ended it
  int term_signal = 0;           // the signal that ended the child, 0 when it exited
  bool timed_out = false;        // the runner killed it because Command::timeout passed
  bool cancelled = false;        // the runner killed it because the stop token was triggered
  std::string stdout_text = {};  // the last kDefaultOutputLimit bytes (or the runner's limit)
  std::string stderr_text = {};
  bool stdout_truncated = false;  // earlier output was dropped
  bool stderr_truncated = false;

  // Exited by itself with status 0.
  [[nodiscard]] bool Succeeded() const {
    return exit_code == 0 && term_signal == 0 && !timed_out && !cancelled;
  }
  // "exit status 2", "killed by signal 9 after timeout", ... followed by the last line of stderr
  // when there is one. For error messages and conditions.
  [[nodiscard]] std::string Describe() const;
};

// Implementations are safe for concurrent use: several steps may run commands at once.
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;

  // Runs the command to completion, to its timeout, or until `stop` is requested; a stopped or
  // timed-out child's process group is terminated before Run returns (nothing is left running).
  // A non-zero exit is an answer, not a failure: it comes back in the result. Throws
  // gpuext::Error when the program cannot be started at all (not found, not executable, bad
  // working directory) or when argv is empty.
  virtual CommandResult Run(const Command& command, std::stop_token stop) = 0;
};

// Runs `command` and throws gpuext::Error(kInternal) with Describe() when it does not succeed;
// returns the result (for its stdout) otherwise.
CommandResult RunChecked(CommandRunner& runner, const Command& command, std::stop_token stop);

// Starts real processes with posix_spawn, each in a new process group, stdin from /dev/null,
// stdout and stderr drained through pipes with poll(2). When the direct child exits, whatever
// it left behind in its process group is killed too, so a command's helpers never outlive it
// (daemons that must outlive a command are supervised children, §13.3 step 10, not commands).
// Safe for concurrent use.
class RealCommandRunner final : public CommandRunner {
 public:
  struct Options {
    // Time between SIGTERM and SIGKILL when a command is timed out or cancelled.
    std::chrono::milliseconds kill_grace = std::chrono::seconds(5);
    // Bytes kept of stdout and of stderr each.
    std::size_t output_limit = kDefaultOutputLimit;
  };

  RealCommandRunner() = default;
  explicit RealCommandRunner(Options options) : options_(options) {}

  CommandResult Run(const Command& command, std::stop_token stop) override;

 private:
  Options options_;
};

}  // namespace gpuext::nodeagent
