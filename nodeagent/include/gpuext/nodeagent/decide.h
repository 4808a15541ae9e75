// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Steps 3 and 4 of the node agent (DESIGN.md §13.3): the cache keys of a node, and whether the
// fast path applies (the desired driver is loaded already and the driver root points at a
// verified tree of it), so a reboot with a warm cache costs seconds.
//
//   const KernelPartKey kernel_key = MakeKernelPartKey("580.95.05", facts, ModuleType::kOpen);
//   const FastPath fast = DecideFastPath(host, facts, kernel_key, verify_tree);
//   if (fast.take) { /* jump to step 9 */ }
//
// Kept thin on purpose: the artifact library's ArtifactKey (§14.2) is the full key type; these
// structs carry the same fields and the same path spelling.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gpuext/gpuruntime/types.h"
#include "gpuext/nodeagent/detect.h"
#include "gpuext/nodeagent/host.h"

namespace gpuext::nodeagent {

// The kernel part: the .ko files, which depend on the exact kernel.
struct KernelPartKey {
  std::string driver_version = {};  // full version, "580.95.05"
  std::string kernel_release = {};  // "6.12.72-cloud-amd64"
  gpuruntime::ModuleType module_type = gpuruntime::ModuleType::kOpen;
  gpuruntime::Arch arch = gpuruntime::Arch::kAmd64;

  // "kernel/580.95.05/6.12.72-cloud-amd64/open/amd64" (§14.2 key path).
  [[nodiscard]] std::string Path() const;
  // The staged tree's directory name under run/nvidia/driver.d (§13.3 step 7):
  // "580.95.05-6.12.72-cloud-amd64-open".
  [[nodiscard]] std::string TreeName() const;
  friend bool operator==(const KernelPartKey&, const KernelPartKey&) = default;
};

// The userspace part: libraries, binaries, firmware; the same for every kernel.
struct UserspacePartKey {
  std::string driver_version = {};
  gpuruntime::Arch arch = gpuruntime::Arch::kAmd64;

  // "userspace/580.95.05/amd64".
  [[nodiscard]] std::string Path() const;
  friend bool operator==(const UserspacePartKey&, const UserspacePartKey&) = default;
};

// Keys for this node. Throws gpuext::Error(kConfigurationProblem) when the node's arch is not
// supported (facts.arch empty) or the kernel release is unknown.
[[nodiscard]] KernelPartKey MakeKernelPartKey(std::string_view driver_version,
                                              const NodeFacts& facts,
                                              gpuruntime::ModuleType module_type);
[[nodiscard]] UserspacePartKey MakeUserspacePartKey(std::string_view driver_version,
                                                    const NodeFacts& facts);

// A staged tree's name split back into its parts: "<version>-<kernel>-<type>". The version has
// no '-', the type is the last component, the kernel release is everything between.
struct ParsedTreeName {
  std::string driver_version = {};
  std::string kernel_release = {};
  gpuruntime::ModuleType module_type = gpuruntime::ModuleType::kOpen;
};
[[nodiscard]] std::optional<ParsedTreeName> ParseTreeName(std::string_view name);

// Whether a staged tree is intact (every file's size and sha256 against its manifest). Supplied
// by the artifact library's verifier; the decision does not know how trees are verified.
using TreeVerifier = std::function<bool(const std::filesystem::path& tree)>;

struct FastPath {
  bool take = false;
  std::string reason;  // why (not): for the log line and the status message
};

// §13.3 step 4: take the fast path when (1) the loaded nvidia module's version equals
// key.driver_version, (2) run/nvidia/driver is a symlink to driver.d/<key.TreeName()>, and
// (3) `verify` accepts that tree. Reads only; never throws for a missing or odd driver root.
[[nodiscard]] FastPath DecideFastPath(const HostPaths& host, const NodeFacts& facts,
                                      const KernelPartKey& key, const TreeVerifier& verify);

}  // namespace gpuext::nodeagent
