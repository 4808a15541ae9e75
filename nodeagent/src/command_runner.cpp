// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/command_runner.h"

#include <cstring>
#include <string>
#include <string_view>

#include "gpuext/error.h"

namespace gpuext::nodeagent {
namespace {

// The last non-empty line of `text`, trimmed: usually the error a tool printed last.
std::string LastLine(const std::string& text) {
  const std::string_view all = text;
  const size_t end = all.find_last_not_of(" \t\r\n");
  if (end == std::string_view::npos) {
    return "";
  }
  const std::string_view head = all.substr(0, end + 1);
  const size_t start = head.find_last_of('\n');
  return std::string(start == std::string_view::npos ? head : head.substr(start + 1));
}

}  // namespace

std::string CommandResult::Describe() const {
  std::string out;
  if (timed_out) {
    out = "timed out and was killed";
  } else if (cancelled) {
    out = "cancelled and was killed";
  } else if (term_signal != 0) {
    out = "killed by signal " + std::to_string(term_signal) + " (" + strsignal(term_signal) + ")";
  } else {
    out = "exit status " + std::to_string(exit_code);
  }
  const std::string last = LastLine(stderr_text);
  if (!last.empty()) {
    out += ": " + last;
  }
  return out;
}

CommandResult RunChecked(CommandRunner& runner, const Command& command, std::stop_token stop) {
  CommandResult result = runner.Run(command, std::move(stop));
  if (!result.Succeeded()) {
    throw Error(ErrorCode::kInternal, command.argv.at(0) + ": " + result.Describe());
  }
  return result;
}

}  // namespace gpuext::nodeagent
