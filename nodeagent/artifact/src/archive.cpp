// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/archive.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <system_error>
#include <utility>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gpuext/sha256.h"

namespace gpuext::nodeagent::artifact {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBufferSize = std::size_t{1} << 20;

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

[[noreturn]] void ThrowArchiveErrno(const std::string& what) {
  const int err = errno;
  throw Error(ErrorCode::kInternal, fmt::format("{}: {}", what, std::strerror(err)));
}

[[noreturn]] void Unsafe(std::string_view entry, std::string_view why) {
  throw UnsafeArchiveError(fmt::format("unsafe archive entry \"{}\": {}", entry, why));
}

struct ArchiveWriteFree {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct ArchiveReadFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

std::string ArchiveError(struct archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

void WriteAll(int fd, const char* data, std::size_t size, const std::string& what) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      ThrowArchiveErrno(what);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// The output side of packing: hashes and counts what libarchive writes.
struct PackSink {
  int fd = -1;
  std::string path;
  Sha256 hash;
  std::int64_t size = 0;
};

la_ssize_t PackWrite(struct archive* a, void* client, const void* buffer, size_t length) {
  auto* sink = static_cast<PackSink*>(client);
  try {
    WriteAll(sink->fd, static_cast<const char*>(buffer), length, "write " + sink->path);
    sink->hash.Update(std::string_view(static_cast<const char*>(buffer), length));
    sink->size += static_cast<std::int64_t>(length);
    return static_cast<la_ssize_t>(length);
  } catch (const std::exception& e) {
    archive_set_error(a, EIO, "%s", e.what());
    return -1;
  }
}

FileEntry PackOne(struct archive* a, const fs::path& root, const std::string& rel,
                  std::vector<char>& buffer) {
  const fs::path full = root / rel;
  struct stat st {};
  if (::lstat(full.c_str(), &st) != 0) {
    ThrowArchiveErrno("pack: stat " + full.string());
  }
  const std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), rel.c_str());
  archive_entry_set_mtime(entry.get(), 0, 0);
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  FileEntry file{.path = rel};
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
    const ssize_t n = ::readlink(full.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<std::size_t>(n) >= target.size()) {
      ThrowArchiveErrno("pack: readlink " + full.string());
    }
    target.resize(static_cast<std::size_t>(n));
    archive_entry_set_filetype(entry.get(), AE_IFLNK);
    archive_entry_set_perm(entry.get(), 0777);
    archive_entry_set_symlink(entry.get(), target.c_str());
    archive_entry_set_size(entry.get(), 0);
    if (archive_write_header(a, entry.get()) != ARCHIVE_OK) {
      throw Error(ErrorCode::kInternal, fmt::format("pack {}: {}", rel, ArchiveError(a)));
    }
    file.size = static_cast<std::int64_t>(target.size());
    file.sha256 = Sha256Hex(target);
    file.mode = 0777;
    file.link_target = target;
    return file;
  }
  if (!S_ISREG(st.st_mode)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("pack: {} is neither a regular file nor a symlink", full.string()));
  }
  const Fd fd(::open(full.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) {
    ThrowArchiveErrno("pack: open " + full.string());
  }
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), st.st_mode & 0777);
  archive_entry_set_size(entry.get(), st.st_size);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) {
    throw Error(ErrorCode::kInternal, fmt::format("pack {}: {}", rel, ArchiveError(a)));
  }
  Sha256 hash;
  std::int64_t done = 0;
  while (done < st.st_size) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      ThrowArchiveErrno("pack: read " + full.string());
    }
    if (n == 0) {
      break;
    }
    const auto len = std::min<std::int64_t>(n, st.st_size - done);
    if (archive_write_data(a, buffer.data(), static_cast<std::size_t>(len)) != len) {
      throw Error(ErrorCode::kInternal, fmt::format("pack {}: {}", rel, ArchiveError(a)));
    }
    hash.Update(std::string_view(buffer.data(), static_cast<std::size_t>(len)));
    done += len;
  }
  if (done != st.st_size) {
    throw Error(ErrorCode::kInternal,
                fmt::format("pack: {} changed size while being packed", full.string()));
  }
  file.size = st.st_size;
  file.sha256 = hash.FinishHex();
  file.mode = st.st_mode & 0777;
  return file;
}

// "./a//b/" -> "a/b"; the result is then checked by IsSafeRelativePath.
std::string NormalizeEntryPath(std::string_view raw) {
  while (raw.starts_with("./")) {
    raw.remove_prefix(2);
    while (raw.starts_with('/') && !raw.empty()) {
      raw.remove_prefix(1);
    }
  }
  while (raw.size() > 1 && raw.ends_with('/')) {
    raw.remove_suffix(1);
  }
  return std::string(raw);
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    parts.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return parts;
}

// Opens (creating as needed) the directories leading to the last segment of `parts`, never
// following a symlink: a symlink in the archive must not redirect later entries.
Fd OpenParent(int root_fd, const std::vector<std::string>& parts, std::size_t count,
              const std::string& entry) {
  Fd current(::dup(root_fd));
  if (!current.valid()) {
    ThrowArchiveErrno("unpack: dup");
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (::mkdirat(current.get(), parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
      ThrowArchiveErrno(fmt::format("unpack {}: mkdir", entry));
    }
    Fd next(
        ::openat(current.get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) {
      if (errno == ELOOP || errno == ENOTDIR) {
        Unsafe(entry, "a parent of it is a symlink or a file");
      }
      ThrowArchiveErrno(fmt::format("unpack {}: open directory", entry));
    }
    current = std::move(next);
  }
  return current;
}

// A symlink target must be relative and, read as a path from the link's directory, stay inside.
void CheckLinkTargetLexically(const std::string& entry, const std::vector<std::string>& parts,
                              std::string_view target) {
  if (target.empty()) {
    Unsafe(entry, "symlink with an empty target");
  }
  if (target.front() == '/') {
    Unsafe(entry, fmt::format("symlink to the absolute path \"{}\"", target));
  }
  std::size_t depth = parts.size() - 1;
  for (const std::string& segment : SplitPath(target)) {
    if (segment.empty() || segment == ".") {
      continue;
    }
    if (segment == "..") {
      if (depth == 0) {
        Unsafe(entry, fmt::format("symlink to \"{}\" points outside the tree", target));
      }
      --depth;
    } else {
      ++depth;
    }
  }
}

// With every entry in place, resolve each symlink for real: another symlink can make a target
// that looked harmless (l/..) leave the tree.
void CheckLinksResolveInside(const fs::path& dir, const std::vector<FileEntry>& entries) {
  const fs::path root = fs::canonical(dir);
  for (const FileEntry& e : entries) {
    if (e.link_target.empty()) {
      continue;
    }
    std::error_code ec;
    const fs::path resolved =
        fs::weakly_canonical(root / fs::path(e.path).parent_path() / e.link_target, ec);
    if (ec) {
      Unsafe(e.path,
             fmt::format("symlink to \"{}\" cannot be resolved: {}", e.link_target, ec.message()));
    }
    const auto mismatch = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
    if (mismatch.first != root.end()) {
      Unsafe(e.path, fmt::format("symlink to \"{}\" points outside the tree", e.link_target));
    }
  }
}

FileEntry ExtractRegular(struct archive* a, archive_entry* entry, int parent_fd,
                         const std::string& name, const std::string& path,
                         std::int64_t& total_bytes, const UnpackOptions& options,
                         std::vector<char>& buffer) {
  Fd fd(::openat(parent_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) {
      Unsafe(path, "the archive holds this path twice");
    }
    ThrowArchiveErrno(fmt::format("unpack {}: create", path));
  }
  Sha256 hash;
  std::int64_t size = 0;
  while (true) {
    const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
    if (n < 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("unpack {}: corrupt archive: {}", path, ArchiveError(a)));
    }
    if (n == 0) {
      break;
    }
    total_bytes += n;
    if (total_bytes > options.max_total_bytes) {
      Unsafe(path,
             fmt::format("the archive unpacks to more than {} bytes", options.max_total_bytes));
    }
    WriteAll(fd.get(), buffer.data(), static_cast<std::size_t>(n), "unpack " + path);
    hash.Update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    size += n;
  }
  const auto mode = static_cast<std::uint32_t>(archive_entry_perm(entry) & 0777);
  if (::fchmod(fd.get(), mode) != 0 || ::fsync(fd.get()) != 0) {
    ThrowArchiveErrno(fmt::format("unpack {}: chmod/fsync", path));
  }
  return FileEntry{.path = path, .size = size, .sha256 = hash.FinishHex(), .mode = mode};
}

void FsyncPath(const fs::path& path) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) {
    ThrowArchiveErrno("fsync " + path.string());
  }
}

}  // namespace

std::vector<std::string> ListTree(const fs::path& root) {
  std::vector<std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const auto status = it->symlink_status();
    if (fs::is_directory(status)) {
      continue;
    }
    if (!fs::is_regular_file(status) && !fs::is_symlink(status)) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("{} is neither a regular file nor a symlink", it->path().string()));
    }
    // lexically: fs::relative would resolve a symlink to its target
    out.push_back(it->path().lexically_relative(root).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

PackResult PackDirectory(const fs::path& root, std::vector<std::string> paths,
                         const fs::path& out_file, const PackOptions& options) {
  std::sort(paths.begin(), paths.end());
  if (const auto dup = std::adjacent_find(paths.begin(), paths.end()); dup != paths.end()) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("pack: \"{}\" is listed twice", *dup));
  }
  for (const auto& p : paths) {
    if (!IsSafeRelativePath(p)) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("pack: \"{}\" is not a safe relative path", p));
    }
  }
  if (options.zstd_level < 1 || options.zstd_level > 22) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("pack: zstd level {} is outside 1..22", options.zstd_level));
  }
  const fs::path part = out_file.string() + ".part";
  PackSink sink;
  sink.path = part.string();
  const Fd fd(::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    ThrowArchiveErrno("pack: create " + part.string());
  }
  sink.fd = fd.get();
  PackResult result;
  try {
    const std::unique_ptr<struct archive, ArchiveWriteFree> a(archive_write_new());
    const std::string level = std::to_string(options.zstd_level);
    if (!a || archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        archive_write_add_filter_zstd(a.get()) != ARCHIVE_OK ||
        archive_write_set_filter_option(a.get(), "zstd", "compression-level", level.c_str()) !=
            ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK ||
        archive_write_open(a.get(), &sink, nullptr, PackWrite, nullptr) != ARCHIVE_OK) {
      throw Error(ErrorCode::kInternal, "pack: libarchive setup: " + ArchiveError(a.get()));
    }
    std::vector<char> buffer(kBufferSize);
    for (const auto& p : paths) {
      result.files.push_back(PackOne(a.get(), root, p, buffer));
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) {
      throw Error(ErrorCode::kInternal, "pack: finish archive: " + ArchiveError(a.get()));
    }
    if (::fsync(fd.get()) != 0) {
      ThrowArchiveErrno("pack: fsync " + part.string());
    }
    fs::rename(part, out_file);
  } catch (...) {
    std::error_code ignored;
    fs::remove(part, ignored);
    throw;
  }
  result.digest = "sha256:" + sink.hash.FinishHex();
  result.size = sink.size;
  return result;
}

std::vector<FileEntry> ExtractArchive(const fs::path& archive_file, const fs::path& dir,
                                      const UnpackOptions& options) {
  const std::unique_ptr<struct archive, ArchiveReadFree> a(archive_read_new());
  // Only the format we write: tar (ustar/pax) compressed with zstd (gzip and xz on request).
  if (!a || archive_read_support_filter_zstd(a.get()) != ARCHIVE_OK ||
      (options.source_compressions && (archive_read_support_filter_gzip(a.get()) < ARCHIVE_WARN ||
                                       archive_read_support_filter_xz(a.get()) < ARCHIVE_WARN)) ||
      archive_read_support_format_tar(a.get()) != ARCHIVE_OK ||
      archive_read_open_filename(a.get(), archive_file.c_str(), 64 * 1024) != ARCHIVE_OK) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("unpack {}: {}", archive_file.string(), ArchiveError(a.get())));
  }
  const Fd root_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) {
    ThrowArchiveErrno("unpack: open " + dir.string());
  }
  std::vector<char> buffer(kBufferSize);
  std::vector<FileEntry> out;
  std::int64_t entries = 0;
  std::int64_t total_bytes = 0;
  while (true) {
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) {
      break;
    }
    if (rc != ARCHIVE_OK) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("unpack {}: corrupt archive: {}", archive_file.string(),
                              ArchiveError(a.get())));
    }
    if (++entries > options.max_entries) {
      throw UnsafeArchiveError(fmt::format("unpack {}: more than {} entries", archive_file.string(),
                                           options.max_entries));
    }
    const char* raw = archive_entry_pathname(entry);
    const std::string raw_path = raw != nullptr ? raw : "";
    if (raw_path.starts_with('/')) {
      Unsafe(raw_path, "absolute path");
    }
    const std::string path = NormalizeEntryPath(raw_path);
    if (!IsSafeRelativePath(path)) {
      Unsafe(raw_path, "the path is empty or has a \"..\" or empty segment");
    }
    if (archive_entry_hardlink(entry) != nullptr) {
      Unsafe(path, fmt::format("hardlink to \"{}\"", archive_entry_hardlink(entry)));
    }
    const std::vector<std::string> parts = SplitPath(path);
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) {
      (void)OpenParent(root_fd.get(), parts, parts.size(), path);
      continue;
    }
    if (type != AE_IFREG && type != AE_IFLNK) {
      Unsafe(path, "device, FIFO or socket entries are not allowed");
    }
    const Fd parent = OpenParent(root_fd.get(), parts, parts.size() - 1, path);
    const std::string& name = parts.back();
    if (type == AE_IFREG) {
      out.push_back(
          ExtractRegular(a.get(), entry, parent.get(), name, path, total_bytes, options, buffer));
      continue;
    }
    const char* target_raw = archive_entry_symlink(entry);
    const std::string target = target_raw != nullptr ? target_raw : "";
    CheckLinkTargetLexically(path, parts, target);
    if (::symlinkat(target.c_str(), parent.get(), name.c_str()) != 0) {
      if (errno == EEXIST) {
        Unsafe(path, "the archive holds this path twice");
      }
      ThrowArchiveErrno(fmt::format("unpack {}: symlink", path));
    }
    total_bytes += static_cast<std::int64_t>(target.size());
    out.push_back(FileEntry{.path = path,
                            .size = static_cast<std::int64_t>(target.size()),
                            .sha256 = Sha256Hex(target),
                            .mode = 0777,
                            .link_target = target});
  }
  CheckLinksResolveInside(dir, out);
  return out;
}

std::vector<FileEntry> UnpackArchives(std::span<const fs::path> archive_files, const fs::path& dest,
                                      const UnpackOptions& options) {
  if (fs::exists(fs::symlink_status(dest))) {
    throw Error(ErrorCode::kConflict, fmt::format("unpack: {} already exists", dest.string()));
  }
  const fs::path tmp = dest.string() + ".tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  std::vector<FileEntry> all;
  try {
    for (const auto& archive_file : archive_files) {
      auto entries = ExtractArchive(archive_file, tmp, options);
      all.insert(all.end(), std::make_move_iterator(entries.begin()),
                 std::make_move_iterator(entries.end()));
    }
    // A later archive's symlinks can change how an earlier one's resolve.
    CheckLinksResolveInside(tmp, all);
    FsyncPath(tmp);
    fs::rename(tmp, dest);
    FsyncPath(dest.parent_path().empty() ? fs::path(".") : dest.parent_path());
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
  std::sort(all.begin(), all.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  return all;
}

}  // namespace gpuext::nodeagent::artifact
