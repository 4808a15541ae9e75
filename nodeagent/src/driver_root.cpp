// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/driver_root.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTmpSuffix = ".tmp";
// What the host sees: the firmware loader runs in the host's mount namespace.
constexpr const char* kHostFirmwarePath = "/run/nvidia/driver/lib/firmware";

[[noreturn]] void Fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

void Fsync(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Fail(ErrorCode::kInternal, "open " + path.string() + ": " + std::strerror(errno));
  }
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) {
    Fail(ErrorCode::kInternal, "fsync " + path.string() + ": " + std::strerror(saved));
  }
}

// Streams `path` in chunks through sha256, handing each chunk to `sink` (which returns false
// to stop); returns the size and sha256 hex of what was read.
std::pair<std::int64_t, std::string> HashChunks(
    const fs::path& path, const std::function<bool(std::string_view chunk)>& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Fail(ErrorCode::kNotFound, "cannot read " + path.string());
  }
  Sha256 hash;
  std::int64_t size = 0;
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) {
      break;
    }
    const std::string_view chunk(buffer.data(), static_cast<std::size_t>(got));
    hash.Update(chunk);
    size += got;
    if (!sink(chunk)) {
      break;
    }
  }
  return {size, hash.FinishHex()};
}

std::pair<std::int64_t, std::string> HashFile(const fs::path& path) {
  return HashChunks(path, [](std::string_view) { return true; });
}

// Copies `from` to `to` (new file, `mode`) while hashing; returns the size and sha256 hex of
// what was read, so the check covers the bytes that land in the tree.
std::pair<std::int64_t, std::string> CopyHashed(const fs::path& from, const fs::path& to,
                                                std::uint32_t mode) {
  const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    Fail(ErrorCode::kInternal, "staging: create " + to.string() + ": " + std::strerror(errno));
  }
  bool ok = true;
  std::pair<std::int64_t, std::string> result;
  try {
    result = HashChunks(from, [&](std::string_view chunk) {
      for (std::size_t done = 0; done < chunk.size();) {
        const ssize_t n = ::write(fd, chunk.data() + done, chunk.size() - done);
        if (n < 0 && errno == EINTR) {
          continue;
        }
        if (n <= 0) {
          ok = false;
          return false;
        }
        done += static_cast<std::size_t>(n);
      }
      return true;
    });
  } catch (...) {
    ::close(fd);
    throw;
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) {
    Fail(ErrorCode::kInternal, "staging: write " + to.string() + ": " + std::strerror(saved));
  }
  // Permission bits exactly as listed, whatever the umask made of them.
  fs::permissions(to, static_cast<fs::perms>(mode & 07777), fs::perm_options::replace);
  return result;
}

void CheckEntry(const artifact::FileEntry& want, std::int64_t size, const std::string& sha256,
                const fs::path& where) {
  if (size != want.size || sha256 != want.sha256) {
    Fail(ErrorCode::kConflict,
         "staging refused: " + where.string() + " is " + std::to_string(size) +
             " bytes sha256:" + sha256 + " but the verified manifest lists " +
             std::to_string(want.size) + " bytes sha256:" + want.sha256 +
             "; the tree changed after verification, the agent fetches and verifies it again");
  }
}

// Whether an existing staged tree holds exactly the listed files with their digests.
bool TreeMatches(const fs::path& tree, const std::vector<artifact::FileEntry>& files) {
  for (const artifact::FileEntry& f : files) {
    const fs::path p = tree / f.path;
    std::error_code ec;
    if (!f.link_target.empty()) {
      if (!fs::is_symlink(p, ec) || fs::read_symlink(p, ec).string() != f.link_target) {
        return false;
      }
      continue;
    }
    if (!fs::is_regular_file(fs::symlink_status(p, ec))) {
      return false;
    }
    const auto [size, sha] = HashFile(p);
    if (size != f.size || sha != f.sha256) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string DriverTreeName(const std::string& driver_version, const std::string& kernel_release,
                           gpuruntime::ModuleType type) {
  return driver_version + "-" + kernel_release + "-" + std::string(gpuruntime::ToString(type));
}

fs::path StageDriverTree(const HostPaths& host, const fs::path& verified,
                         const std::vector<artifact::FileEntry>& files, const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name.starts_with(".")) {
    Fail(ErrorCode::kInvalidArgument, "driver tree name \"" + name + "\" must be a plain name");
  }
  const fs::path trees = host.DriverTrees();
  const fs::path final_dir = trees / name;
  if (fs::exists(final_dir)) {
    if (TreeMatches(final_dir, files)) {
      return final_dir;  // staged by an earlier run that did not get to activate
    }
    // A damaged tree with our name is never activated: replace it.
    fs::remove_all(final_dir);
  }
  const fs::path tmp = trees / (name + kTmpSuffix);
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  try {
    for (const artifact::FileEntry& f : files) {
      const fs::path to = tmp / f.path;
      fs::create_directories(to.parent_path());
      if (!f.link_target.empty()) {
        fs::create_symlink(f.link_target, to);
        continue;
      }
      const auto [size, sha] = CopyHashed(verified / f.path, to, f.mode);
      CheckEntry(f, size, sha, verified / f.path);
    }
    // Directories too, so the rename below publishes a durable tree.
    for (auto it = fs::recursive_directory_iterator(tmp); it != fs::recursive_directory_iterator();
         ++it) {
      if (it->is_directory() && !it->is_symlink()) {
        Fsync(it->path());
      }
    }
    Fsync(tmp);
    fs::rename(tmp, final_dir);
    Fsync(trees);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
  return final_dir;
}

std::optional<std::string> ActiveDriverTree(const HostPaths& host) {
  std::error_code ec;
  const fs::path root = host.DriverRoot();
  if (!fs::is_symlink(root, ec)) {
    return std::nullopt;
  }
  const fs::path target = fs::read_symlink(root, ec);
  if (ec || target.parent_path() != "driver.d") {
    return std::nullopt;
  }
  return target.filename().string();
}

std::optional<std::string> ActivateDriverTree(const HostPaths& host, const std::string& name) {
  const fs::path root = host.DriverRoot();
  const fs::path tree = host.DriverTrees() / name;
  if (!fs::is_directory(tree)) {
    Fail(ErrorCode::kNotFound, "cannot activate " + tree.string() + ": it was not staged");
  }
  std::error_code ec;
  const auto previous = ActiveDriverTree(host);
  const auto status = fs::symlink_status(root, ec);
  if (fs::exists(status) && !fs::is_symlink(status)) {
    // rename(2) cannot put a symlink over a directory; an empty one is the kubelet's
    // DirectoryOrCreate placeholder and carries nothing.
    if (!fs::is_directory(status) || !fs::is_empty(root)) {
      Fail(ErrorCode::kConflict,
           root.string() +
               " is not a symlink managed by gpu-node-agent (a driver installed by "
               "other means?); remove it or the other installer, then retry");
    }
    fs::remove(root);
  }
  const fs::path link = root.parent_path() / "driver.tmp";
  fs::remove(link, ec);
  // Relative, so it also resolves where the host's / is mounted elsewhere (/host).
  fs::create_symlink(fs::path("driver.d") / name, link);
  fs::rename(link, root);
  Fsync(root.parent_path());
  return previous;
}

void RecoverDriverTrees(const HostPaths& host) {
  std::error_code ec;
  fs::remove(host.RunNvidia() / "driver.tmp", ec);
  const fs::path trees = host.DriverTrees();
  if (!fs::is_directory(trees, ec)) {
    return;
  }
  std::vector<fs::path> leftovers;
  for (const auto& entry : fs::directory_iterator(trees)) {
    if (entry.path().filename().string().ends_with(kTmpSuffix)) {
      leftovers.push_back(entry.path());
    }
  }
  for (const fs::path& p : leftovers) {
    fs::remove_all(p);
  }
}

void PruneDriverTrees(const HostPaths& host, const std::set<std::string>& keep) {
  std::error_code ec;
  const fs::path trees = host.DriverTrees();
  if (!fs::is_directory(trees, ec)) {
    return;
  }
  const auto active = ActiveDriverTree(host);
  std::vector<fs::path> doomed;
  for (const auto& entry : fs::directory_iterator(trees)) {
    const std::string name = entry.path().filename().string();
    if (!keep.contains(name) && (!active || name != *active) && !name.ends_with(kTmpSuffix)) {
      doomed.push_back(entry.path());
    }
  }
  for (const fs::path& p : doomed) {
    fs::remove_all(p);
  }
}

FirmwarePathOutcome SetFirmwareSearchPath(const HostPaths& host) {
  const fs::path param = host.FirmwareClassPath();
  std::string current;
  {
    std::ifstream in(param);
    std::getline(in, current);
  }
  if (current == kHostFirmwarePath) {
    return FirmwarePathOutcome::kAlreadyOurs;
  }
  if (!current.empty()) {
    return FirmwarePathOutcome::kConflict;
  }
  // A sysfs parameter: written in place (no rename in sysfs), the kernel takes it atomically.
  std::ofstream out(param, std::ios::trunc);
  out << kHostFirmwarePath;
  out.flush();
  if (!out) {
    Fail(ErrorCode::kInternal, "cannot write " + param.string());
  }
  return FirmwarePathOutcome::kSet;
}

}  // namespace gpuext::nodeagent
