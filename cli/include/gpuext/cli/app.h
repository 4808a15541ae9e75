// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The `gpu` command line (also `kubectl gpu` as a kubectl plugin): parses the arguments, runs
// one command and returns the process exit code. main() and the tests call the same function.
//
//   std::vector<std::string> args(argv + 1, argv + argc);
//   return gpuext::cli::RunGpu(args, {.out = std::cout, .err = std::cerr,
//                                      .colour = StdoutWantsColour(),
//                                      .program = ProgramName(argv[0])});

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace gpuext::cli {

// Exit codes (documented in `gpu --help` and docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;     // the command failed (API unreachable, not found, ...)
inline constexpr int kExitUsage = 2;     // bad command line
inline constexpr int kExitNotReady = 3;  // `gpu status`: a GPU node is not ready yet

struct CliIo {
  std::ostream& out;
  std::ostream& err;
  bool colour = false;
  std::string program = "gpu";  // "kubectl gpu" when run as the plugin
};

// `args` without the program name.
[[nodiscard]] int RunGpu(const std::vector<std::string>& args, const CliIo& io);

// "kubectl gpu" when argv[0]'s file name is kubectl-gpu, else "gpu".
[[nodiscard]] std::string ProgramName(std::string_view argv0);

}  // namespace gpuext::cli
