// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// FakeCommandRunner: a CommandRunner that runs nothing. It records every command and answers
// from a script of results matched by argv prefix; a command no script matches fails loudly
// (Run throws, and the call is listed in unexpected()), so a test can never pass while the code
// under test runs a command nobody expected.
//
//   FakeCommandRunner runner;
//   runner.Expect({"modprobe", "-d"}, {.exit_code = 0});
//   runner.Expect({"modprobe", "-r", "nouveau"}, {.exit_code = 1, .stderr_text = "in use"}, 1);
//   ... code under test ...
//   EXPECT_THAT(runner.argvs(), ElementsAre(ElementsAre("modprobe", "-d", root, "nvidia")));

#include <cstddef>
#include <functional>
#include <limits>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "gpuext/nodeagent/command_runner.h"

namespace gpuext::nodeagent::testing {

// Safe for concurrent use; handlers run without the lock held.
class FakeCommandRunner final : public CommandRunner {
 public:
  using Handler = std::function<CommandResult(const Command& command, std::stop_token stop)>;
  static constexpr std::size_t kAnyTimes = std::numeric_limits<std::size_t>::max();

  // Answers commands whose argv starts with `argv_prefix` with `result`, at most `times` times.
  // Scripts are tried in the order they were added; an exhausted one is skipped.
  FakeCommandRunner& Expect(std::vector<std::string> argv_prefix, CommandResult result,
                            std::size_t times = kAnyTimes);
  // The same with a handler computing the answer (to write files the real tool would write, or
  // to block until `stop`). A handler may throw; Run passes the exception on.
  FakeCommandRunner& On(std::vector<std::string> argv_prefix, Handler handler,
                        std::size_t times = kAnyTimes);

  // Records the command, then answers from the first matching script. Throws
  // gpuext::Error(kInternal) "FakeCommandRunner: unexpected command: a b c" when none matches.
  CommandResult Run(const Command& command, std::stop_token stop) override;

  // Every command Run received (matched or not), oldest first.
  [[nodiscard]] std::vector<Command> calls() const;
  // Just their argv vectors.
  [[nodiscard]] std::vector<std::vector<std::string>> argvs() const;
  // The argv of every command no script matched, joined by spaces.
  [[nodiscard]] std::vector<std::string> unexpected() const;

 private:
  struct Script {
    std::vector<std::string> prefix;
    Handler handler;
    std::size_t times_left;
  };

  mutable std::mutex mu_;  // guards scripts_, calls_ and unexpected_
  std::vector<Script> scripts_;
  std::vector<Command> calls_;
  std::vector<std::string> unexpected_;
};

// "a b c": an argv for messages (no quoting; for test output only).
[[nodiscard]] std::string JoinArgv(const std::vector<std::string>& argv);

}  // namespace gpuext::nodeagent::testing
