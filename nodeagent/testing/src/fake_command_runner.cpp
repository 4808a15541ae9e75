// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/testing/fake_command_runner.h"

#include <algorithm>
#include <utility>

#include "gpuext/error.h"

namespace gpuext::nodeagent::testing {

std::string JoinArgv(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    out += (out.empty() ? "" : " ") + arg;
  }
  return out;
}

FakeCommandRunner& FakeCommandRunner::Expect(std::vector<std::string> argv_prefix,
                                             CommandResult result, std::size_t times) {
  return On(
      std::move(argv_prefix),
      [result = std::move(result)](const Command&, std::stop_token) { return result; }, times);
}

FakeCommandRunner& FakeCommandRunner::On(std::vector<std::string> argv_prefix, Handler handler,
                                         std::size_t times) {
  std::lock_guard lock(mu_);
  scripts_.push_back({std::move(argv_prefix), std::move(handler), times});
  return *this;
}

CommandResult FakeCommandRunner::Run(const Command& command, std::stop_token stop) {
  Handler handler;
  {
    std::lock_guard lock(mu_);
    calls_.push_back(command);
    for (Script& script : scripts_) {
      const bool matches =
          script.times_left > 0 && script.prefix.size() <= command.argv.size() &&
          std::equal(script.prefix.begin(), script.prefix.end(), command.argv.begin());
      if (matches) {
        if (script.times_left != kAnyTimes) {
          --script.times_left;
        }
        handler = script.handler;
        break;
      }
    }
    if (!handler) {
      unexpected_.push_back(JoinArgv(command.argv));
      throw Error(ErrorCode::kInternal,
                  "FakeCommandRunner: unexpected command: " + JoinArgv(command.argv));
    }
  }
  return handler(command, std::move(stop));
}

std::vector<Command> FakeCommandRunner::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::vector<std::vector<std::string>> FakeCommandRunner::argvs() const {
  std::lock_guard lock(mu_);
  std::vector<std::vector<std::string>> out;
  for (const Command& c : calls_) {
    out.push_back(c.argv);
  }
  return out;
}

std::vector<std::string> FakeCommandRunner::unexpected() const {
  std::lock_guard lock(mu_);
  return unexpected_;
}

}  // namespace gpuext::nodeagent::testing
