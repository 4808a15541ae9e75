// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Steps 5 and 6 of the node agent (DESIGN.md §13.3): fetch each part from the node-local cache
// or the first source that has it, with progress, and verify it into the scratch directory.
#include <fstream>
#include <vector>

#include <fmt/format.h>
#include <sys/stat.h>

#include "agent_impl.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent {

namespace fs = std::filesystem;

namespace {

// Size and sha256 hex of a file, streamed; nullopt when it cannot be read.
std::optional<std::pair<std::int64_t, std::string>> AgentHashFile(const fs::path& path) {
  try {
    FileDigest digest = Sha256File(path);
    return std::pair{digest.size, std::move(digest.sha256_hex)};
  } catch (const Error&) {
    return std::nullopt;
  }
}

// Path, size, mtime and inode of every listed file (lstat), plus the tree itself.
std::string AgentTreeFingerprint(const fs::path& tree,
                                 const std::vector<artifact::FileEntry>& files) {
  std::string out = tree.string();
  for (const artifact::FileEntry& f : files) {
    struct stat st {};
    if (::lstat((tree / f.path).c_str(), &st) != 0) {
      return {};
    }
    out += fmt::format("\n{} {} {}.{} {}", f.path, st.st_size, st.st_mtim.tv_sec,
                       st.st_mtim.tv_nsec, st.st_ino);
  }
  return Sha256Hex(out);
}

std::string AgentPartLabel(const artifact::ArtifactKey& key) {
  return std::string(artifact::ToString(key.part)) + " part " + key.Path();
}

}  // namespace

namespace {

// One source's answer for a part: the verified part, a refusal, or (all empty) "not here".
struct AgentAttempt {
  std::optional<AgentFetchedPart> part = {};
  artifact::RefusalReason reason = artifact::RefusalReason::kNone;
  std::string refusal_reason = {};  // set for refusals found before VerifyArtifact
  std::string message = {};
};

}  // namespace

AgentFetchedPart Agent::Impl::FetchPart(const artifact::ArtifactKey& key, std::stop_token stop) {
  const std::string label = AgentPartLabel(key);
  const fs::path dir = scratch / std::string(artifact::ToString(key.part));

  // Verifies `store`'s copy of the part. Answers, for the caller to decide per source.
  const auto attempt = [&](artifact::BlobStore& store, const std::string& source,
                           bool is_local) -> AgentAttempt {
    fs::remove_all(dir);
    fs::create_directories(dir / "blobs");
    const std::optional<std::string> text = store.GetManifest(key);
    if (!text) {
      return {};
    }
    artifact::ArtifactManifest manifest;
    try {
      manifest = artifact::DecodeManifest(*text);
    } catch (const std::exception& e) {
      return {.refusal_reason = std::string(kReasonInvalidManifest),
              .message = source + ": " + label + ": " + e.what()};
    }
    uint64_t total = 0;
    for (const auto& blob : manifest.blobs) {
      total += static_cast<uint64_t>(std::max<std::int64_t>(blob.size, 0));
    }
    if (total > static_cast<uint64_t>(options.max_artifact_bytes)) {
      return {.refusal_reason = std::string(kReasonArtifactTooLarge),
              .message = fmt::format("{}: {}: the manifest declares {} bytes of blobs, more than "
                                     "this agent accepts ({} bytes); nothing was downloaded. "
                                     "Rebuild the artifact, or check the source",
                                     source, label, total, options.max_artifact_bytes)};
    }
    std::vector<fs::path> blob_files;
    uint64_t done = 0;
    for (std::size_t i = 0; i < manifest.blobs.size(); ++i) {
      if (stop.stop_requested()) {
        throw Error(ErrorCode::kTimeout, "stopped while downloading " + label);
      }
      const artifact::BlobRef& blob = manifest.blobs[i];
      if (!is_local) {
        Progress(Phase::kDownloading, fmt::format("downloading {} from {}", label, source), done,
                 total);
      }
      const fs::path file = dir / "blobs" / std::to_string(i);
      bool found = false;
      try {
        found = store.GetBlob(blob.digest, file);
      } catch (const std::exception& e) {
        // A store that checks digests itself throws for corrupt bytes; the bytes decide.
        const auto got = AgentHashFile(file);
        if (!got || "sha256:" + got->second == blob.digest) {
          throw;
        }
        return {.reason = artifact::RefusalReason::kDigestMismatch,
                .message = fmt::format("{}: {}: blob {} hashes to sha256:{}: {}", source, label,
                                       blob.digest, got->second, e.what())};
      }
      if (!found) {
        throw Error(ErrorCode::kNotFound, fmt::format("{}: {}: manifest names blob {}, which the "
                                                      "source does not hold",
                                                      source, label, blob.digest));
      }
      blob_files.push_back(file);
      done += static_cast<uint64_t>(std::max<std::int64_t>(blob.size, 0));
    }
    if (!is_local) {
      Progress(Phase::kDownloading, fmt::format("downloaded {} from {}", label, source), done,
               total);
    }
    AfterStep(AgentStep::kFetch);
    Progress(Phase::kVerifying, fmt::format("verifying {} from {}", label, source));
    const fs::path tree = dir / "tree";
    artifact::VerifyResult result =
        artifact::VerifyArtifact({.manifest = manifest,
                                  .blob_files = blob_files,
                                  .requested_key = key,
                                  .trusted_keys = trusted_keys,
                                  .target_kernel_release = env.kernel->Release(),
                                  .require_signed_modules = require_signed_modules,
                                  .dest = tree});
    if (!result.ok()) {
      return {.reason = result.reason,
              .message = fmt::format("{}: {}: {}", source, label, result.message)};
    }
    if (!is_local) {
      local_cache.Add(manifest, blob_files);
    }
    return {.part = AgentFetchedPart{.manifest = std::move(manifest),
                                     .tree = tree,
                                     .files = std::move(result.files),
                                     .source = source}};
  };

  // The node-local cache first: a reboot reinstalls without network. A copy that no longer
  // verifies (damaged disk, rotated keys) is dropped and fetched again.
  try {
    AgentAttempt local = attempt(local_cache.store(), "local", true);
    if (local.part) {
      return std::move(*local.part);
    }
    if (local.reason != artifact::RefusalReason::kNone || !local.refusal_reason.empty()) {
      options.logger.Info("Node-local copy does not verify; fetching it again",
                          {{"key", key.Path()}, {"problem", local.message}});
      local_cache.Forget(key);
    }
  } catch (const AgentHookAbort&) {
    throw;
  } catch (const std::exception& e) {
    if (stop.stop_requested()) {
      throw;
    }
    options.logger.Error(e, "Node-local cache unreadable; trying the sources",
                         {{"key", key.Path()}});
  }

  // Every source in order; on a miss from all of them the cache server is asked to build the
  // part (step 5), and when it answers that the part appeared meanwhile, the sources are read
  // once more.
  std::string detail;
  for (int round = 0; round < 2; ++round) {
    std::vector<std::string> misses;
    for (const AgentSource& source : env.sources) {
      AgentAttempt got;
      try {
        got = attempt(*source.store, source.name, false);
      } catch (const AgentHookAbort&) {
        throw;
      } catch (const std::exception& e) {
        if (stop.stop_requested()) {
          throw;
        }
        // An unreachable or inconsistent source is not a verdict on the artifact: next source.
        misses.push_back(source.name + ": " + DescribeException(e));
        options.logger.Error(e, "Source failed", {{"source", source.name}, {"key", key.Path()}});
        continue;
      }
      if (got.part) {
        return std::move(*got.part);
      }
      if (!got.refusal_reason.empty()) {
        throw AgentRefusal(got.refusal_reason, got.message);
      }
      if (got.reason != artifact::RefusalReason::kNone) {
        // §13.6: a bad artifact is refused loudly, not silently replaced by another source's.
        throw AgentRefusal(std::string(artifact::ToString(got.reason)), got.message);
      }
      misses.push_back(source.name + ": no manifest");
    }
    detail.clear();
    for (const std::string& m : misses) {
      detail += (detail.empty() ? "" : "; ") + m;
    }
    if (round == 0) {
      RequestBuild(key, label, detail);  // returns only when the part is available now
    }
  }
  // The server said "available" but no read found it (deleted again in between).
  throw AgentArtifactMissing(fmt::format(
      "the cache server reports {} as available, but no source holds it ({})", label, detail));
}

bool Agent::Impl::TreeIsVerified(const fs::path& tree, const artifact::ArtifactKey& kernel_key,
                                 const artifact::ArtifactKey& userspace_key) {
  std::vector<artifact::FileEntry> files;
  for (const artifact::ArtifactKey& key : {kernel_key, userspace_key}) {
    std::optional<std::string> text;
    try {
      text = local_cache.store().GetManifest(key);
    } catch (const std::exception&) {
      return false;
    }
    if (!text) {
      return false;
    }
    try {
      const artifact::ArtifactManifest manifest = artifact::DecodeManifest(*text);
      if (manifest.key != key || !artifact::VerifyManifestSignature(manifest, trusted_keys).ok()) {
        return false;
      }
      files.insert(files.end(), manifest.files.begin(), manifest.files.end());
    } catch (const std::exception&) {
      return false;
    }
  }
  const std::string fingerprint = AgentTreeFingerprint(tree, files);
  if (!verified_fingerprint.empty() && fingerprint == verified_fingerprint) {
    return true;
  }
  std::error_code ec;
  for (const artifact::FileEntry& f : files) {
    const fs::path p = tree / f.path;
    if (!f.link_target.empty()) {
      if (!fs::is_symlink(p, ec) || fs::read_symlink(p, ec).string() != f.link_target) {
        return false;
      }
      continue;
    }
    if (!fs::is_regular_file(fs::symlink_status(p, ec))) {
      return false;
    }
    const auto got = AgentHashFile(p);
    if (!got || got->first != f.size || got->second != f.sha256) {
      return false;
    }
  }
  verified_fingerprint = fingerprint;
  return true;
}

}  // namespace gpuext::nodeagent
