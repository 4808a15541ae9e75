// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// `gpu-node-agent build`: the builder Job's entry point (DESIGN.md §14.5). The binary's main
// passes the arguments after "build":
//
//   gpu-node-agent build --key kernel/580.95.05/6.1.0-56-amd64/open/amd64
//       --recipe kbuild-open --source-url https://…/open-gpu-kernel-modules-580.95.05.tar.gz
//       --source-sha256 <hex> --work-dir /work
//       (--upload https://gpu-driver-cache…/v1/uploads/<id> --token-file /token
//        | --output-dir /out [--signing-key-file key.pem])
//
//   gpu-node-agent build --key userspace/580.95.05/amd64
//       --source-url https://…/NVIDIA-Linux-x86_64-580.95.05.run --source-sha256 <hex> …
//
// A userspace key takes recipe kbuild-run (the default for it): the .run package is extracted
// with `sh <package> -x --target <dir>` and the vendor's userspace file list is packed.
//
// --upload publishes through the cache's upload API (the server signs the manifest) and reports
// a failed build to it; --output-dir writes a FilesystemBlobStore layout (blobs/, manifests/),
// signed when --signing-key-file is given.

#include <iosfwd>
#include <span>
#include <string>

namespace gpuext::nodeagent {

// Parses the flags, builds and publishes. Returns the exit code: 0 built and published, 1 the
// build failed (the reason word and message are printed to `err`), 2 bad flags (every problem,
// then the usage, printed to `err`). Never throws.
int RunBuildCommand(std::span<const std::string> args, std::ostream& out, std::ostream& err);

// The same, printing to std::cout and std::cerr.
int RunBuildCommand(std::span<const std::string> args);

}  // namespace gpuext::nodeagent
