// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// CacheServer uploads (DESIGN.md §14.3): builder blobs streamed to staging and hashed, and the
// commit that re-derives the file list, signs the manifest and publishes it.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "cache_server_impl.h"
#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/artifact/elf_modinfo.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/sha256.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::cache {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::atomic<std::uint64_t> g_cache_upload_sequence{0};

std::string CacheUploadsBearer(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
    return {};
  }
  return header.substr(kBearer.size());
}

std::vector<std::string> CacheUploadsOrder(const fs::path& dir) {
  std::vector<std::string> order;
  std::ifstream in(dir / "order");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && std::find(order.begin(), order.end(), line) == order.end()) {
      order.push_back(line);
    }
  }
  return order;
}

std::mutex g_cache_upload_order_mutex;

void CacheUploadsAppendOrder(const fs::path& dir, const std::string& digest) {
  std::lock_guard lock(g_cache_upload_order_mutex);
  const auto order = CacheUploadsOrder(dir);
  if (std::find(order.begin(), order.end(), digest) != order.end()) {
    return;
  }
  std::ofstream out(dir / "order", std::ios::app);
  out << digest << "\n";
  if (!out) {
    throw Error(ErrorCode::kInternal, fmt::format("write {}", (dir / "order").string()));
  }
}

bool CacheUploadsSameFile(const artifact::FileEntry& a, const artifact::FileEntry& b) {
  return a.size == b.size && a.sha256 == b.sha256 && a.link_target == b.link_target &&
         a.mode == b.mode;
}

}  // namespace

UploadClaims CacheServer::Impl::CheckUploadToken(const httplib::Request& req,
                                                 const std::string& lease_id, int ended_status) {
  const std::string token = CacheUploadsBearer(req);
  if (token.empty()) {
    throw CacheHttpError(401, "an upload token is required (Authorization: Bearer <token>)");
  }
  const TokenCheck check = deps.tokens.Verify(token, deps.clock.Now());
  switch (check.status) {
    case TokenStatus::kOk:
      break;
    case TokenStatus::kExpired:
      throw CacheHttpError(401, "the upload token has expired; the build took too long");
    case TokenStatus::kMalformed:
    case TokenStatus::kBadSignature:
      throw CacheHttpError(401, "the upload token is not valid");
  }
  if (check.claims.lease_id != lease_id) {
    throw CacheHttpError(403, "the upload token belongs to another lease");
  }
  artifact::ArtifactKey key;
  try {
    key = artifact::ArtifactKey::Parse(check.claims.key);
  } catch (const Error&) {
    throw CacheHttpError(401, "the upload token names no valid key");
  }
  const auto lease = deps.store.GetLease(key);
  if (!lease || lease->id != lease_id) {
    throw CacheHttpError(ended_status,
                         fmt::format("the lease of this upload token has ended (committed, failed "
                                     "or taken over after it expired); {} must not be published "
                                     "by this build",
                                     key.Path()));
  }
  return check.claims;
}

void CacheServer::Impl::PutBlob(const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader) {
  const std::string lease_id = req.matches[1];
  const std::string digest = req.matches[2];
  try {
    if (!artifact::IsSha256Digest(digest)) {
      throw CacheHttpError(400, fmt::format("\"{}\" is not sha256:<64 lower-case hex>", digest));
    }
    (void)CheckUploadToken(req, lease_id, 403);
  } catch (...) {
    // Rejected before its body was read: a small body is drained to keep the connection
    // usable, a large one ends the connection.
    const auto length = std::strtoll(req.get_header_value("Content-Length").c_str(), nullptr, 10);
    if (length >= 0 && length <= (16 << 20)) {
      reader([](const char*, size_t) { return true; });
    } else {
      res.set_header("Connection", "close");
    }
    throw;
  }
  const fs::path dir = StagingDir(lease_id);
  fs::create_directories(dir);
  const std::string hex = digest.substr(7);
  const fs::path part = dir / fmt::format("{}.part.{}", hex, g_cache_upload_sequence.fetch_add(1));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(part.c_str(), "wb"), &std::fclose);
  if (!out) {
    throw Error(ErrorCode::kInternal, fmt::format("create {}", part.string()));
  }
  Sha256 hash;
  std::int64_t size = 0;
  bool too_large = false;
  bool write_failed = false;
  const bool complete = reader([&](const char* data, size_t length) {
    size += static_cast<std::int64_t>(length);
    if (size > options.max_upload_bytes) {
      too_large = true;
      return false;
    }
    hash.Update(std::string_view(data, length));
    if (std::fwrite(data, 1, length, out.get()) != length) {
      write_failed = true;
      return false;
    }
    return true;
  });
  const bool closed = std::fclose(out.release()) == 0;
  std::error_code ec;
  if (too_large) {
    fs::remove(part, ec);
    res.set_header("Connection", "close");
    throw CacheHttpError(413, fmt::format("the blob exceeds {} bytes", options.max_upload_bytes));
  }
  if (write_failed || !closed) {
    fs::remove(part, ec);
    throw Error(ErrorCode::kInternal, fmt::format("write {} failed (disk full?)", part.string()));
  }
  if (!complete) {
    fs::remove(part, ec);
    throw CacheHttpError(400, "the upload ended before its body was complete");
  }
  const std::string got = "sha256:" + hash.FinishHex();
  if (got != digest) {
    fs::remove(part, ec);
    requests.WithLabelValues({"upload", "digest_mismatch"}).Inc();
    throw CacheHttpError(400, fmt::format("the uploaded body hashes to {}, not {}; nothing was "
                                          "stored",
                                          got, digest));
  }
  fs::rename(part, dir / hex);
  CacheUploadsAppendOrder(dir, digest);
  requests.WithLabelValues({"upload", "ok"}).Inc();
  WriteJson(res, 201, {{"digest", digest}, {"size", size}});
}

void CacheServer::Impl::Commit(const httplib::Request& req, httplib::Response& res) {
  const std::string lease_id = req.matches[1];
  const UploadClaims claims = CheckUploadToken(req, lease_id, 403);
  const artifact::ArtifactKey key = artifact::ArtifactKey::Parse(claims.key);
  artifact::CommitRequest commit;
  try {
    commit = artifact::CommitRequestFromJson(json::parse(req.body));
  } catch (const Error& e) {
    throw CacheHttpError(400, DescribeException(e));
  }
  const fs::path dir = StagingDir(lease_id);
  std::vector<std::string> blobs = commit.blobs.empty() ? CacheUploadsOrder(dir) : commit.blobs;
  if (blobs.empty()) {
    throw CacheHttpError(400, "no blob was uploaded under this lease; PUT the blobs first");
  }

  // Re-derive every file from the blobs themselves: the builder's list is only a claim.
  const fs::path unpack = dir / "unpack";
  std::error_code ec;
  fs::remove_all(unpack, ec);
  fs::create_directories(unpack);
  std::vector<artifact::FileEntry> files;
  std::vector<artifact::BlobRef> refs;
  for (const std::string& digest : blobs) {
    const fs::path file = dir / digest.substr(7);
    if (!fs::is_regular_file(file, ec)) {
      throw CacheHttpError(400, fmt::format("blob {} was not uploaded under this lease", digest));
    }
    refs.push_back({.digest = digest, .size = static_cast<std::int64_t>(fs::file_size(file))});
    try {
      auto entries = artifact::ExtractArchive(file, unpack);
      files.insert(files.end(), entries.begin(), entries.end());
    } catch (const Error& e) {
      throw CacheHttpError(400, fmt::format("blob {}: {}", digest, DescribeException(e)));
    }
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  if (!commit.files.empty()) {
    std::map<std::string, const artifact::FileEntry*> claimed;
    for (const auto& f : commit.files) {
      claimed[f.path] = &f;
    }
    for (const auto& f : files) {
      const auto it = claimed.find(f.path);
      if (it == claimed.end()) {
        throw CacheHttpError(
            400, fmt::format("files: {} is in the blobs but not in the commit", f.path));
      }
      if (!CacheUploadsSameFile(f, *it->second)) {
        throw CacheHttpError(
            400, fmt::format("files: {}: the blobs hold size {} sha256 {} mode {:o}, the commit "
                             "claims size {} sha256 {} mode {:o}",
                             f.path, f.size, f.sha256, f.mode, it->second->size, it->second->sha256,
                             it->second->mode));
      }
      claimed.erase(it);
    }
    if (!claimed.empty()) {
      throw CacheHttpError(400, fmt::format("files: {} is in the commit but not in the blobs",
                                            claimed.begin()->first));
    }
  }

  std::string vermagic;
  if (key.part == artifact::ArtifactPart::kKernel) {
    int modules = 0;
    for (const auto& f : files) {
      if (!f.link_target.empty() || !f.path.ends_with(".ko")) {
        continue;
      }
      ++modules;
      std::string module_vermagic;
      try {
        module_vermagic = artifact::ReadModInfo(unpack / f.path).Get("vermagic").value_or("");
      } catch (const Error& e) {
        throw CacheHttpError(400, fmt::format("{}: {}", f.path, DescribeException(e)));
      }
      if (!artifact::VermagicMatches(module_vermagic, key.kernel_release)) {
        throw CacheHttpError(400, fmt::format("{}: vermagic \"{}\" is not for kernel {}", f.path,
                                              module_vermagic, key.kernel_release));
      }
      if (vermagic.empty()) {
        vermagic = module_vermagic;
      }
    }
    if (modules == 0) {
      throw CacheHttpError(400, "a kernel part must contain at least one .ko module");
    }
    if (!commit.vermagic.empty() &&
        !artifact::VermagicMatches(commit.vermagic, key.kernel_release)) {
      throw CacheHttpError(400, fmt::format("vermagic \"{}\" is not for kernel {}", commit.vermagic,
                                            key.kernel_release));
    }
    if (!commit.vermagic.empty()) {
      vermagic = commit.vermagic;
    }
  }
  fs::remove_all(unpack, ec);

  artifact::ArtifactManifest manifest;
  manifest.key = key;
  manifest.created = FormatRfc3339(deps.clock.Now());
  manifest.builder = commit.builder;
  manifest.vermagic = vermagic;
  manifest.blobs = refs;
  manifest.files = std::move(files);

  // Blobs first, manifest last: a reader that sees the manifest finds every blob. Blobs are
  // content-addressed, so storing them outside the lock is harmless even if the lease is lost
  // meanwhile (GC removes them when no manifest ever names them).
  for (const auto& ref : manifest.blobs) {
    deps.store.PutBlob(ref.digest, dir / ref.digest.substr(7));
  }
  std::lock_guard lock(lease_mutex);
  const auto lease = deps.store.GetLease(key);
  if (!lease || lease->id != lease_id) {
    throw CacheHttpError(403, "the lease ended while committing; nothing was published");
  }
  // The holder is "<cluster>/<job>" as this server wrote it: more trustworthy than the claim.
  const auto slash = lease->holder.rfind('/');
  manifest.builder.job_name =
      slash == std::string::npos ? lease->holder : lease->holder.substr(slash + 1);
  if (slash != std::string::npos) {
    manifest.builder.cluster = lease->holder.substr(0, slash);
  }
  artifact::SignManifest(manifest, deps.signing_key);
  deps.store.PutManifest(manifest);
  (void)deps.store.ReleaseLease(key, lease_id);
  deps.store.ClearFailure(key);
  FinishBuild(key.Path(), lease_id, true, {}, {});
  fs::remove_all(dir, ec);
  log.Info("Build published", {{"key", key.Path()},
                               {"lease", lease_id},
                               {"blobs", static_cast<std::int64_t>(manifest.blobs.size())},
                               {"files", static_cast<std::int64_t>(manifest.files.size())}});
  res.status = 201;
  res.set_content(artifact::EncodeManifest(manifest), "application/json");
}

}  // namespace gpuext::nodeagent::cache
