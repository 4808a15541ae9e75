// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/fs_store.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/sha256.h"
#include "gpuext/time_format.h"
#include "lease_records.h"

namespace gpuext::nodeagent::artifact {

namespace {

namespace fs = std::filesystem;
using internal::FailureFromJsonText;
using internal::FailureToJsonText;
using internal::LeaseFromJsonText;
using internal::LeaseToJsonText;
using internal::RandomLeaseHex;
using nlohmann::json;

[[noreturn]] void ThrowErrno(const std::string& what) {
  const int err = errno;
  throw Error(ErrorCode::kInternal, fmt::format("{}: {}", what, std::strerror(err)));
}

void FsyncDir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    ThrowErrno("fsync " + dir.string());
  }
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) {
    ThrowErrno("fsync " + dir.string());
  }
}

// Copies `from` to the open descriptor `out_fd`, returning {size, sha256 hex}.
std::pair<std::int64_t, std::string> CopyHashing(const fs::path& from, int out_fd,
                                                 const std::string& out_name) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    ThrowErrno("open " + from.string());
  }
  Sha256 hash;
  std::int64_t size = 0;
  std::vector<char> buffer(std::size_t{1} << 20);
  try {
    while (true) {
      const ssize_t n = ::read(in, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        ThrowErrno("read " + from.string());
      }
      if (n == 0) {
        break;
      }
      for (ssize_t done = 0; done < n;) {
        const ssize_t w = ::write(out_fd, buffer.data() + done, static_cast<std::size_t>(n - done));
        if (w < 0 && errno == EINTR) {
          continue;
        }
        if (w < 0) {
          ThrowErrno("write " + out_name);
        }
        done += w;
      }
      hash.Update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      size += n;
    }
  } catch (...) {
    ::close(in);
    throw;
  }
  ::close(in);
  return {size, hash.FinishHex()};
}

}  // namespace

std::string BlobObjectName(std::string_view digest) {
  if (!IsSha256Digest(digest)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("blob digest \"{}\" is not sha256:<64 lower-case hex>", digest));
  }
  const auto hex = digest.substr(7);
  return fmt::format("blobs/sha256/{}/{}", hex.substr(0, 2), hex);
}

std::string ManifestObjectName(const ArtifactKey& key) {
  return fmt::format("manifests/{}.json", key.Path());
}

std::chrono::seconds FailureBackoff(std::int64_t attempts) {
  using namespace std::chrono_literals;
  constexpr std::chrono::seconds kFirst = 10min;
  constexpr std::chrono::seconds kMax = 6h;
  std::chrono::seconds backoff = kFirst;
  for (std::int64_t i = 1; i < attempts && backoff < kMax; ++i) {
    backoff *= 2;
  }
  return std::min(backoff, kMax);
}

FilesystemBlobStore::FilesystemBlobStore(fs::path root, Clock& clock)
    : root_(std::move(root)), clock_(clock) {
  for (const char* dir : {"blobs/sha256", "manifests", "leases", "failures", "tmp"}) {
    fs::create_directories(root_ / dir);
  }
}

fs::path FilesystemBlobStore::TmpPath(std::string_view suffix) const {
  return root_ / "tmp" / fmt::format("{}.{}", RandomLeaseHex(12), suffix);
}

fs::path FilesystemBlobStore::WriteTmp(const std::string& content) const {
  const fs::path tmp = TmpPath("tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    ThrowErrno("create " + tmp.string());
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = err;
      ThrowErrno("write " + tmp.string());
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    ThrowErrno("fsync " + tmp.string());
  }
  return tmp;
}

void FilesystemBlobStore::Publish(const std::string& content, const fs::path& dest) const {
  const fs::path tmp = WriteTmp(content);
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  fs::rename(tmp, dest, ec);
  if (ec) {
    ::unlink(tmp.c_str());
    throw Error(ErrorCode::kInternal, fmt::format("publish {}: {}", dest.string(), ec.message()));
  }
  FsyncDir(dest.parent_path());
}

bool FilesystemBlobStore::BlobExists(std::string_view digest) {
  return fs::is_regular_file(root_ / BlobObjectName(digest));
}

std::optional<std::int64_t> FilesystemBlobStore::BlobSize(std::string_view digest) {
  std::error_code ec;
  const auto size = fs::file_size(root_ / BlobObjectName(digest), ec);
  if (ec) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(size);
}

bool FilesystemBlobStore::GetBlob(std::string_view digest, const fs::path& dest) {
  const fs::path path = root_ / BlobObjectName(digest);
  if (!fs::exists(path)) {
    return false;
  }
  const int out = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    ThrowErrno("create " + dest.string());
  }
  std::pair<std::int64_t, std::string> got;
  try {
    got = CopyHashing(path, out, dest.string());
  } catch (...) {
    ::close(out);
    throw;
  }
  if (::close(out) != 0) {
    ThrowErrno("close " + dest.string());
  }
  if ("sha256:" + got.second != digest) {
    throw Error(ErrorCode::kInternal,
                fmt::format("stored blob {} is corrupt (its content hashes to sha256:{}); delete "
                            "it and the manifests naming it",
                            digest, got.second));
  }
  return true;
}

void FilesystemBlobStore::PutBlob(std::string_view digest, const fs::path& source) {
  const fs::path dest = root_ / BlobObjectName(digest);
  if (fs::exists(dest)) {
    return;  // content-addressed: the same digest is the same bytes
  }
  const fs::path tmp = TmpPath("blob");
  int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    ThrowErrno("create " + tmp.string());
  }
  try {
    const auto [size, hex] = CopyHashing(source, out, tmp.string());
    if ("sha256:" + hex != digest) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("blob upload: content ({} bytes) hashes to sha256:{}, not {}; "
                              "nothing was stored",
                              size, hex, digest));
    }
    const bool synced = ::fsync(out) == 0;
    ::close(std::exchange(out, -1));
    if (!synced) {
      ThrowErrno("fsync " + tmp.string());
    }
    fs::create_directories(dest.parent_path());
    fs::rename(tmp, dest);
    FsyncDir(dest.parent_path());
  } catch (...) {
    if (out >= 0) {
      ::close(out);
    }
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

std::vector<std::string> FilesystemBlobStore::ListBlobs() {
  std::vector<std::string> out;
  for (const auto& prefix : fs::directory_iterator(root_ / "blobs/sha256")) {
    if (!prefix.is_directory()) {
      continue;
    }
    for (const auto& blob : fs::directory_iterator(prefix.path())) {
      const std::string name = blob.path().filename().string();
      if (blob.is_regular_file() && IsSha256Hex(name) &&
          name.compare(0, 2, prefix.path().filename().string()) == 0) {
        out.push_back("sha256:" + name);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void FilesystemBlobStore::DeleteBlob(std::string_view digest) {
  fs::remove(root_ / BlobObjectName(digest));
}

std::optional<std::string> FilesystemBlobStore::GetManifest(const ArtifactKey& key) {
  return ReadFileIfExists(root_ / ManifestObjectName(key));
}

bool FilesystemBlobStore::ManifestExists(const ArtifactKey& key) {
  return fs::is_regular_file(root_ / ManifestObjectName(key));
}

void FilesystemBlobStore::PutManifest(const ArtifactManifest& manifest) {
  for (const BlobRef& blob : manifest.blobs) {
    if (!BlobExists(blob.digest)) {
      throw Error(ErrorCode::kNotReady,
                  fmt::format("manifest {}: blob {} is not stored yet; upload every blob before "
                              "the manifest",
                              manifest.key.Path(), blob.digest));
    }
  }
  Publish(EncodeManifest(manifest), root_ / ManifestObjectName(manifest.key));
}

std::vector<ArtifactKey> FilesystemBlobStore::ListManifests(std::string_view prefix) {
  std::vector<std::pair<std::string, ArtifactKey>> found;
  const fs::path dir = root_ / "manifests";
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") {
      continue;
    }
    std::string rel = entry.path().lexically_relative(dir).generic_string();
    rel.resize(rel.size() - 5);
    if (!rel.starts_with(prefix)) {
      continue;
    }
    try {
      found.emplace_back(rel, ArtifactKey::Parse(rel));
    } catch (const Error&) {
      continue;  // not ours; a store may be shared with other tools
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ArtifactKey> out;
  for (auto& [path, key] : found) {
    out.push_back(std::move(key));
  }
  return out;
}

void FilesystemBlobStore::DeleteManifest(const ArtifactKey& key) {
  fs::remove(root_ / ManifestObjectName(key));
}

fs::path FilesystemBlobStore::LeasePath(const ArtifactKey& key) const {
  return root_ / "leases" / (key.PathSha256() + ".json");
}

fs::path FilesystemBlobStore::FailurePath(const ArtifactKey& key) const {
  return root_ / "failures" / (key.PathSha256() + ".json");
}

bool FilesystemBlobStore::ClaimTransition(const ArtifactKey& key,
                                          const std::string& content) const {
  const fs::path marker =
      root_ / "leases" /
      fmt::format("{}.{}.next", key.PathSha256(), Sha256Hex(content).substr(0, 32));
  const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) {
      return false;
    }
    ThrowErrno("create " + marker.string());
  }
  ::close(fd);
  return true;
}

LeaseAnswer FilesystemBlobStore::AcquireLease(const ArtifactKey& key, std::string_view holder,
                                              std::chrono::seconds ttl) {
  const fs::path path = LeasePath(key);
  // A few rounds: each lost race means another process changed the lease, which we then read.
  for (int round = 0; round < 8; ++round) {
    const auto now = clock_.Now();
    Lease mine{.id = RandomLeaseHex(16),
               .holder = std::string(holder),
               .key = key.Path(),
               .created = now,
               .expires = now + ttl,
               .phase = "Pending",
               .generation = 0};
    const fs::path tmp = WriteTmp(LeaseToJsonText(mine));
    if (::link(tmp.c_str(), path.c_str()) == 0) {
      ::unlink(tmp.c_str());
      FsyncDir(path.parent_path());
      return {LeaseState::kGranted, std::move(mine), false};
    }
    const int err = errno;
    if (err != EEXIST) {
      ::unlink(tmp.c_str());
      errno = err;
      ThrowErrno("link " + path.string());
    }
    const auto content = ReadFileIfExists(path);
    if (!content) {
      ::unlink(tmp.c_str());
      continue;  // released meanwhile
    }
    const auto current = LeaseFromJsonText(*content);
    // An unreadable lease cannot be renewed by anyone; treat it like an expired one.
    if (current && current->expires > now) {
      ::unlink(tmp.c_str());
      return {LeaseState::kHeld, *current, false};
    }
    if (!ClaimTransition(key, *content)) {
      ::unlink(tmp.c_str());
      continue;  // someone else renewed, released or took it over first
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
      ::unlink(tmp.c_str());
      throw Error(ErrorCode::kInternal,
                  fmt::format("take over {}: {}", path.string(), ec.message()));
    }
    FsyncDir(path.parent_path());
    return {LeaseState::kGranted, std::move(mine), true};
  }
  throw Error(ErrorCode::kConflict,
              fmt::format("lease for {}: too much contention, try again", key.Path()));
}

std::optional<Lease> FilesystemBlobStore::RenewLease(const ArtifactKey& key,
                                                     std::string_view lease_id,
                                                     std::string_view phase,
                                                     std::chrono::seconds ttl) {
  const fs::path path = LeasePath(key);
  const auto content = ReadFileIfExists(path);
  if (!content) {
    return std::nullopt;
  }
  auto lease = LeaseFromJsonText(*content);
  if (!lease || lease->id != lease_id || !ClaimTransition(key, *content)) {
    return std::nullopt;
  }
  lease->expires = clock_.Now() + ttl;
  lease->phase = std::string(phase);
  ++lease->generation;
  const fs::path tmp = WriteTmp(LeaseToJsonText(*lease));
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    ::unlink(tmp.c_str());
    throw Error(ErrorCode::kInternal, fmt::format("renew {}: {}", path.string(), ec.message()));
  }
  return lease;
}

bool FilesystemBlobStore::ReleaseLease(const ArtifactKey& key, std::string_view lease_id) {
  const fs::path path = LeasePath(key);
  const auto content = ReadFileIfExists(path);
  if (!content) {
    return false;
  }
  const auto lease = LeaseFromJsonText(*content);
  if (!lease || lease->id != lease_id || !ClaimTransition(key, *content)) {
    return false;
  }
  fs::remove(path);
  return true;
}

std::optional<Lease> FilesystemBlobStore::GetLease(const ArtifactKey& key) {
  const auto content = ReadFileIfExists(LeasePath(key));
  return content ? LeaseFromJsonText(*content) : std::nullopt;
}

FailureRecord FilesystemBlobStore::RecordFailure(const ArtifactKey& key, std::string_view reason,
                                                 std::string_view message) {
  FailureRecord record = GetFailure(key).value_or(FailureRecord{});
  record.key = key.Path();
  record.reason = std::string(reason);
  record.message = std::string(message);
  ++record.attempts;
  record.failed_at = clock_.Now();
  record.retry_after = record.failed_at + FailureBackoff(record.attempts);
  Publish(FailureToJsonText(record), FailurePath(key));
  return record;
}

std::optional<FailureRecord> FilesystemBlobStore::GetFailure(const ArtifactKey& key) {
  const auto content = ReadFileIfExists(FailurePath(key));
  return content ? FailureFromJsonText(*content) : std::nullopt;
}

std::optional<FailureRecord> FilesystemBlobStore::ActiveFailure(const ArtifactKey& key) {
  auto record = GetFailure(key);
  if (record && clock_.Now() < record->retry_after) {
    return record;
  }
  return std::nullopt;
}

void FilesystemBlobStore::ClearFailure(const ArtifactKey& key) { fs::remove(FailurePath(key)); }

void FilesystemBlobStore::SweepStaleFiles(std::chrono::seconds age) {
  const auto cutoff = fs::file_time_type::clock::now() - age;
  const auto sweep = [&](const fs::path& dir, std::string_view suffix) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::error_code ec;
      const auto name = entry.path().filename().string();
      if (!name.ends_with(suffix) || entry.last_write_time(ec) > cutoff || ec) {
        continue;
      }
      fs::remove(entry.path(), ec);
    }
  };
  sweep(root_ / "tmp", "");
  sweep(root_ / "leases", ".next");
}

}  // namespace gpuext::nodeagent::artifact
