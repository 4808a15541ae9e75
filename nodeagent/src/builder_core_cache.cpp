// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "builder_internal.h"
#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::internal {

namespace {

namespace fs = std::filesystem;

// Keeps only [A-Za-z0-9.+-] so a compiler version like "12.2.0" stays readable in the name.
std::string CoreCacheSafe(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '+' || c == '-';
    out.push_back(ok ? c : '_');
  }
  return out;
}

std::string CoreCacheTmpSuffix() {
  std::random_device random;
  return fmt::format("{}-{:08x}", ::getpid(), random());
}

}  // namespace

std::string CoreCache::EntryName(std::string_view recipe, std::string_view driver_version,
                                 gpuruntime::Arch arch, std::string_view compiler_version,
                                 std::string_view source_sha256) {
  const std::string inputs =
      fmt::format("{}\n{}\n{}\n{}\n{}\n", recipe, driver_version, gpuruntime::ToString(arch),
                  compiler_version, source_sha256);
  return fmt::format("{}-{}-cc{}-{}", CoreCacheSafe(driver_version), gpuruntime::ToString(arch),
                     CoreCacheSafe(compiler_version), Sha256Hex(inputs).substr(0, 16));
}

bool CoreCache::Restore(const std::string& entry, const fs::path& source_root) {
  if (dir_.empty()) {
    return false;
  }
  const fs::path entry_dir = dir_ / entry;
  const auto listing = ReadFileIfExists(entry_dir / "objects.txt");
  if (!listing) {
    return false;
  }
  std::istringstream lines(*listing);
  std::string linked;
  for (int n = 0; std::getline(lines, linked); ++n) {
    if (linked.empty() || linked.find("..") != std::string::npos || linked.front() == '/') {
      throw Error(ErrorCode::kInternal,
                  fmt::format("core cache entry {}: bad object path \"{}\"", entry, linked));
    }
    const fs::path dest = source_root / linked;
    fs::create_directories(dest.parent_path());
    fs::remove(dest);  // the top-level make's symlink, if an earlier step made one
    fs::copy_file(entry_dir / fmt::format("{}.o", n), dest);
  }
  return true;
}

void CoreCache::Store(const std::string& entry, const KbuildRecipe& recipe, gpuruntime::Arch arch,
                      const fs::path& source_root) {
  if (dir_.empty() || fs::exists(dir_ / entry)) {
    return;
  }
  fs::create_directories(dir_);
  const fs::path tmp = dir_ / fmt::format(".tmp-{}-{}", entry, CoreCacheTmpSuffix());
  fs::create_directories(tmp);
  std::string listing;
  int n = 0;
  for (const CoreObject& object : recipe.core_objects) {
    const fs::path built = source_root / CoreObjectBuiltPath(object, arch);
    std::error_code ec;
    if (!fs::is_regular_file(built, ec)) {
      continue;  // this source has no such core (the SIMULATED-driver has no modeset core)
    }
    fs::copy_file(built, tmp / fmt::format("{}.o", n++));
    listing += object.linked + "\n";
  }
  if (n == 0) {
    fs::remove_all(tmp);
    return;
  }
  WriteFileAtomically(tmp / "objects.txt", listing, 0644);
  std::error_code ec;
  fs::rename(tmp, dir_ / entry, ec);
  if (ec) {
    // Another builder published the same entry first: theirs is as good as ours.
    fs::remove_all(tmp);
  }
}

}  // namespace gpuext::nodeagent::internal
