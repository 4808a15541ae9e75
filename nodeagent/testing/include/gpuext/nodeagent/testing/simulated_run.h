// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A SIMULATED NVIDIA .run package for userspace builds (`gpu-node-agent build --key
// userspace/...`) in tests and the local landscape. Like the real one it is a makeself-style
// POSIX sh script: the header handles `-x|--extract-only` and `--target DIR` and extracts its
// payload with `tail -n +<N> "$0" | tar -xf - -C "$target"`; anything else is refused.
//
// The payload is an uncompressed tar of NVIDIA-Linux-x86_64-<version>/ holding every file that
// NvidiaVendor::UserspaceFileList marks required plus a few optional ones: binaries are shell
// scripts printing "SIMULATED <name> <version>", libraries are real ELF shared objects (gcc
// -shared, SONAME <name>.so.1, so ldconfig -n makes real links), firmware/gsp_ga10x.bin and
// gsp_tu10x.bin are a few KiB of fixed bytes. Same version ⇒ same bytes (fixed mtimes, owners
// and entry order), so a sha256 pin stays valid across runs.
//
//   SimulatedRunPackage run = PackSimulatedRunPackage(tmp, "580.95.05");
//   gpu-node-agent build --key userspace/580.95.05/amd64 --source-url run.url
//       --source-sha256 run.sha256 ...
//
// Needs sh, gcc and GNU tar on PATH (about one second, for the gcc runs).

#include <filesystem>
#include <string>
#include <vector>

namespace gpuext::nodeagent::testing {

struct SimulatedRunPackage {
  std::filesystem::path path = {};  // <dir>/SIMULATED-NVIDIA-Linux-x86_64-<version>.run
  std::string sha256 = {};          // lower-case hex of the file
  std::string url = {};             // file://<path>
};

// The libraries the package holds, without ".so.<version>" (the required ones and
// libnvidia-cfg, an optional one), for tests that check the packed links.
[[nodiscard]] const std::vector<std::string>& SimulatedRunLibraries();

// Writes the package into `dir` (created when missing; scratch files go to
// <dir>/SIMULATED-run-stage-<version>, removed afterwards). Throws gpuext::Error naming the
// failing tool (gcc, tar) with its output. `version` must be a full driver version.
SimulatedRunPackage PackSimulatedRunPackage(const std::filesystem::path& dir,
                                            const std::string& version);

}  // namespace gpuext::nodeagent::testing
