// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The driver root /run/nvidia/driver and its trees (DESIGN.md §13.3 steps 7–8, §13.4): verified
// trees are staged under run/nvidia/driver.d/<name> through <name>.tmp, and the root is a
// relative symlink switched with rename(2), so a kill -9 at any point leaves the previous or
// the new driver, never a mix.
//
//   const auto name = DriverTreeName("580.95.05", "6.12.44-cloud-amd64", ModuleType::kOpen);
//   StageDriverTree(host, verified_dir, verify_result.files, name);
//   const auto previous = ActivateDriverTree(host, name);
//   PruneDriverTrees(host, {name, previous.value_or("")});
//
// Installer-side functions: they write under the host root and are confined to one thread.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gpuext/gpuruntime/types.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/host.h"

namespace gpuext::nodeagent {

// "<driver version>-<kernel release>-<open|proprietary>": one tree per kernel part key.
[[nodiscard]] std::string DriverTreeName(const std::string& driver_version,
                                         const std::string& kernel_release,
                                         gpuruntime::ModuleType type);

// Copies the verified tree at `verified` into driver.d/<name> through driver.d/<name>.tmp,
// checking every file's size and sha256 against `files` while copying (a tree changed between
// verification and staging is refused), fsyncs, and renames it into place. A tree already
// staged under that name is checked instead of copied again. Throws gpuext::Error naming the
// file on a mismatch or I/O failure; nothing is left under <name> then. Returns the tree's path.
std::filesystem::path StageDriverTree(const HostPaths& host, const std::filesystem::path& verified,
                                      const std::vector<artifact::FileEntry>& files,
                                      const std::string& name);

// The tree the driver root points at, nullopt when there is none (first install).
[[nodiscard]] std::optional<std::string> ActiveDriverTree(const HostPaths& host);

// Points the driver root at driver.d/<name> atomically (symlink driver.tmp, then rename over
// driver). An empty directory at the driver root (made by a hostPath DirectoryOrCreate mount
// before the first install) is removed first; anything else that is not our symlink is refused
// (gpuext::Error kConflict naming the path). Returns the previously active tree.
std::optional<std::string> ActivateDriverTree(const HostPaths& host, const std::string& name);

// On agent start: removes leftovers of interrupted runs (driver.d/*.tmp, driver.tmp).
void RecoverDriverTrees(const HostPaths& host);

// Removes every tree in driver.d except those named in `keep` (and the active one, always).
void PruneDriverTrees(const HostPaths& host, const std::set<std::string>& keep);

enum class FirmwarePathOutcome { kSet, kAlreadyOurs, kConflict };

// Writes <driver root>/lib/firmware (as the host sees it: /run/nvidia/driver/lib/firmware) into
// sys/module/firmware_class/parameters/path, only when that is empty or already ours; another
// value is left alone and reported as kConflict (refusal FirmwarePathConflict).
FirmwarePathOutcome SetFirmwareSearchPath(const HostPaths& host);

}  // namespace gpuext::nodeagent
