// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// gpu (also kubectl-gpu, the kubectl plugin): the GPU driver state of a shoot and its driver
// cache (docs/cli.md).
#include <iostream>
#include <string>
#include <vector>

#include "gpuext/cli/app.h"
#include "gpuext/cli/output.h"
#include "gpuext/logger.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return gpuext::cli::RunGpu(args,
                             {.out = std::cout,
                              .err = std::cerr,
                              .colour = gpuext::cli::StdoutWantsColour(),
                              .program = gpuext::cli::ProgramName(argc > 0 ? argv[0] : "gpu")});
}
