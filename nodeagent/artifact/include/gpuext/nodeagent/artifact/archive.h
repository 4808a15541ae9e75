// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// tar+zstd artifact blobs (DESIGN.md §14.2, §13.3 step 6) through libarchive. Packing is
// deterministic (sorted entries, mtime 0, uid/gid 0, no user names), so the same tree always has
// the same digest. Unpacking trusts nothing: it refuses absolute paths, "..", devices, FIFOs,
// hardlinks, duplicate entries, writes through symlinks and symlinks leaving the tree. Both
// stream through fixed-size buffers.
//
//   PackResult r = PackDirectory(tree, ListTree(tree), out / "blob.tar.zst");
//   std::vector<FileEntry> got = UnpackArchives({blob}, staging / "580.95.05");  // via .tmp

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/manifest.h"

namespace gpuext::nodeagent::artifact {

// Thrown by unpacking for an entry that would escape or subvert the destination tree. Its
// message names the entry. Other unpack failures (corrupt data, I/O) are plain gpuext::Error.
class UnsafeArchiveError : public Error {
 public:
  explicit UnsafeArchiveError(const std::string& message)
      : Error(ErrorCode::kInvalidArgument, message) {}
};

struct PackOptions {
  int zstd_level = 19;  // 1..22
};

struct PackResult {
  std::string digest = {};            // "sha256:<hex>" of the archive file
  std::int64_t size = 0;              // bytes of the archive file
  std::vector<FileEntry> files = {};  // in archive (sorted) order
};

// Regular files and symlinks under `root`, relative and sorted; directories are implied by the
// paths. Throws gpuext::Error for other file types (devices, sockets, FIFOs).
[[nodiscard]] std::vector<std::string> ListTree(const std::filesystem::path& root);

// Packs root/<path> for every path (regular files and symlinks; never followed) into
// `out_file`, replacing it. Throws gpuext::Error naming the file on failure.
PackResult PackDirectory(const std::filesystem::path& root, std::vector<std::string> paths,
                         const std::filesystem::path& out_file, const PackOptions& options = {});

struct UnpackOptions {
  std::int64_t max_total_bytes = std::int64_t{64} << 30;  // bound against decompression bombs
  std::int64_t max_entries = 200000;
  // Also accept gzip and xz compression: driver source tarballs (open-gpu-kernel-modules ships
  // .tar.gz) for the builder. Artifacts stay tar+zstd only, so the agent leaves this off.
  bool source_compressions = false;
};

// Extracts `archive_file` into the existing directory `dir` without replacing anything in it.
// Returns the regular files and symlinks written, with their sizes and sha256 computed while
// writing. Throws UnsafeArchiveError for unsafe entries; `dir` may then hold a partial tree.
std::vector<FileEntry> ExtractArchive(const std::filesystem::path& archive_file,
                                      const std::filesystem::path& dir,
                                      const UnpackOptions& options = {});

// Crash-safe unpack (§13.4): removes a leftover `<dest>.tmp`, extracts every archive into it,
// fsyncs and renames it to `dest`, which must not exist (else gpuext::Error(kConflict)). On any
// failure `<dest>.tmp` is removed and `dest` is not created. Returns every entry, sorted by path.
std::vector<FileEntry> UnpackArchives(std::span<const std::filesystem::path> archive_files,
                                      const std::filesystem::path& dest,
                                      const UnpackOptions& options = {});

}  // namespace gpuext::nodeagent::artifact
