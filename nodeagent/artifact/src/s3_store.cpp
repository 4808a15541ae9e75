// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// S3BlobStore: blobs and manifests (leases and failure records are in s3_store_leases.cpp).
#include "gpuext/nodeagent/artifact/s3_store.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "s3_request.h"

namespace gpuext::nodeagent::artifact {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kS3BlobListPrefix = "blobs/sha256/";
constexpr std::string_view kS3ManifestPrefix = "manifests/";

std::int64_t S3LocalSize(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::int64_t>(size);
}

void S3RemoveQuietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

}  // namespace

S3BlobStore::S3BlobStore(S3ClientConfig config, Clock& clock, S3StoreOptions options)
    : client_(std::move(config), clock), clock_(clock), options_(std::move(options)) {}

void S3BlobStore::RequireWritable(std::string_view operation) const {
  if (options_.read_only) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("{} on s3://{}/{}: this S3 store is read-only (a consumer such as a "
                            "node agent with cache.mode=s3 only reads); writes, deletes and "
                            "leases belong to the cache server",
                            operation, client_.config().bucket, client_.prefix()));
  }
}

bool S3BlobStore::BlobExists(std::string_view digest) {
  return client_.HeadObject(BlobObjectName(digest)).has_value();
}

std::optional<std::int64_t> S3BlobStore::BlobSize(std::string_view digest) {
  const auto info = client_.HeadObject(BlobObjectName(digest));
  if (!info) {
    return std::nullopt;
  }
  return info->size;
}

bool S3BlobStore::DownloadPart(const std::string& object, const fs::path& part, std::int64_t size) {
  // Two rounds: a 416 means the .part file is not a prefix of this object; start over once.
  for (int round = 0; round < 2; ++round) {
    const std::int64_t have = S3LocalSize(part);
    if (have == size && fs::exists(part)) {
      return true;
    }
    const auto got = client_.GetObjectToFile(object, part, have);
    if (!got) {
      return false;
    }
    if (!got->range_not_satisfiable) {
      return true;
    }
    S3RemoveQuietly(part);
  }
  return true;
}

bool S3BlobStore::GetBlob(std::string_view digest, const fs::path& dest) {
  const std::string object = BlobObjectName(digest);
  const auto info = client_.HeadObject(object);
  if (!info) {
    return false;
  }
  const fs::path part = dest.string() + ".part";
  if (S3LocalSize(part) > info->size) {
    S3RemoveQuietly(part);  // left by a download of other bytes
  }
  bool resumed = S3LocalSize(part) > 0;
  while (true) {
    if (!DownloadPart(object, part, info->size)) {
      S3RemoveQuietly(part);
      return false;  // deleted between HEAD and GET
    }
    const std::int64_t size = S3LocalSize(part);
    const std::string hex = internal::S3FileSha256(part);
    if (size == info->size && "sha256:" + hex == digest) {
      break;
    }
    S3RemoveQuietly(part);
    if (resumed) {
      resumed = false;  // the kept prefix may have been the bad part: fetch everything once
      continue;
    }
    S3RemoveQuietly(dest);
    throw Error(ErrorCode::kInternal,
                fmt::format("S3 blob s3://{}/{}{} is corrupt: its {} bytes (announced {}) hash to "
                            "sha256:{}, not {}; delete it and the manifests naming it, then "
                            "rebuild",
                            client_.config().bucket, client_.prefix(), object, size, info->size,
                            hex, digest));
  }
  std::error_code ec;
  fs::rename(part, dest, ec);
  if (ec) {
    S3RemoveQuietly(part);
    throw Error(ErrorCode::kInternal,
                fmt::format("rename {} to {}: {}", part.string(), dest.string(), ec.message()));
  }
  return true;
}

void S3BlobStore::PutBlob(std::string_view digest, const fs::path& source) {
  RequireWritable("PutBlob");
  const std::string object = BlobObjectName(digest);
  if (client_.HeadObject(object)) {
    return;  // content-addressed: the same digest is the same bytes
  }
  const std::string hex = internal::S3FileSha256(source);
  if ("sha256:" + hex != digest) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("blob upload: content ({} bytes) hashes to sha256:{}, not {}; nothing "
                            "was stored",
                            S3LocalSize(source), hex, digest));
  }
  client_.PutFile(object, source, hex, {{"Content-Type", "application/octet-stream"}});
}

std::vector<std::string> S3BlobStore::ListBlobs() {
  std::vector<std::string> out;
  for (const S3ListEntry& entry : client_.ListAll(kS3BlobListPrefix)) {
    // blobs/sha256/<2>/<64>: anything else under the prefix is not ours.
    const std::string_view rest = std::string_view(entry.key).substr(kS3BlobListPrefix.size());
    if (rest.size() != 67 || rest[2] != '/' || !IsSha256Hex(rest.substr(3)) ||
        rest.substr(0, 2) != rest.substr(3, 2)) {
      continue;
    }
    out.push_back("sha256:" + std::string(rest.substr(3)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void S3BlobStore::DeleteBlob(std::string_view digest) {
  RequireWritable("DeleteBlob");
  client_.DeleteObject(BlobObjectName(digest));
}

std::optional<std::string> S3BlobStore::GetManifest(const ArtifactKey& key) {
  auto object = client_.GetObject(ManifestObjectName(key));
  if (!object) {
    return std::nullopt;
  }
  return std::move(object->body);
}

bool S3BlobStore::ManifestExists(const ArtifactKey& key) {
  return client_.HeadObject(ManifestObjectName(key)).has_value();
}

void S3BlobStore::PutManifest(const ArtifactManifest& manifest) {
  RequireWritable("PutManifest");
  for (const BlobRef& blob : manifest.blobs) {
    if (!BlobExists(blob.digest)) {
      throw Error(ErrorCode::kNotReady,
                  fmt::format("manifest {}: blob {} is not stored yet; upload every blob before "
                              "the manifest",
                              manifest.key.Path(), blob.digest));
    }
  }
  client_.PutObject(ManifestObjectName(manifest.key), EncodeManifest(manifest),
                    {{"Content-Type", "application/json"}});
}

std::vector<ArtifactKey> S3BlobStore::ListManifests(std::string_view prefix) {
  std::vector<std::pair<std::string, ArtifactKey>> found;
  for (const S3ListEntry& entry :
       client_.ListAll(std::string(kS3ManifestPrefix) + std::string(prefix))) {
    std::string path = entry.key.substr(kS3ManifestPrefix.size());
    if (!path.ends_with(".json")) {
      continue;
    }
    path.resize(path.size() - 5);
    try {
      ArtifactKey key = ArtifactKey::Parse(path);
      found.emplace_back(std::move(path), std::move(key));
    } catch (const Error&) {
      continue;  // not ours; a bucket may be shared with other tools
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ArtifactKey> out;
  out.reserve(found.size());
  for (auto& [path, key] : found) {
    out.push_back(std::move(key));
  }
  return out;
}

void S3BlobStore::DeleteManifest(const ArtifactKey& key) {
  RequireWritable("DeleteManifest");
  client_.DeleteObject(ManifestObjectName(key));
}

}  // namespace gpuext::nodeagent::artifact
