// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Finding a kernel's headers for an out-of-tree module build (DESIGN.md §14.5 step 1).
//
// Kbuild needs two trees: the configured build tree (SYSOUT, with .config, generated headers and
// Module.symvers; `/lib/modules/<k>/build`) and the kernel source tree (SYSSRC; the `source`
// link). Debian-style header packages split them: linux-headers-<kernelRelease> holds the build
// tree, and its Makefile is a one-line `include .../linux-headers-<x.y.z>-common/Makefile`.
// Pointing SYSSRC at the arch directory breaks real NVIDIA builds (the conftest misses
// linux/stdarg.h), so both are resolved here.
//
//   KernelHeaders h = ResolveKernelHeaders("/", "6.1.0-56-amd64");   // throws NoHeadersForKernel
//   h.source_dir  // /usr/src/linux-headers-6.1.0-56-common
//   h.build_dir   // /usr/src/linux-headers-6.1.0-56-amd64

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpuext::nodeagent {

struct KernelHeaders {
  // UTS_RELEASE of the build tree (include/generated/utsrelease.h): what `uname -r` prints on
  // the kernel these headers belong to and what the modules' vermagic starts with.
  std::string kernel_release = {};
  std::filesystem::path build_dir = {};   // SYSOUT
  std::filesystem::path source_dir = {};  // SYSSRC; equals build_dir for a combined tree
};

// The headers of `kernel_release` under `root` ("/" in the build Job; a directory tree in
// tests): `<root>/lib/modules/<k>/build`, else `<root>/usr/src/linux-headers-<k>`. A tree counts
// only when its utsrelease.h names exactly `kernel_release`. Absolute symlink targets and include
// paths are read relative to `root`. nullopt when none is found. Throws nothing for absent trees.
[[nodiscard]] std::optional<KernelHeaders> FindKernelHeaders(const std::filesystem::path& root,
                                                             std::string_view kernel_release);

// FindKernelHeaders, or a BuildError(kNoHeadersForKernel) naming every place it looked and the
// fix (install the linux-headers package of that kernel into the build image).
[[nodiscard]] KernelHeaders ResolveKernelHeaders(const std::filesystem::path& root,
                                                 std::string_view kernel_release);

// Every complete set of kernel headers installed under `root`, sorted by kernel release and
// without duplicates (the same tree reached through /lib/modules and /usr/src counts once).
// Used to pick the kernel when a build names none, and by tests to find the installed headers.
[[nodiscard]] std::vector<KernelHeaders> ListInstalledKernelHeaders(
    const std::filesystem::path& root);

}  // namespace gpuext::nodeagent
