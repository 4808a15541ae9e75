// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/verify.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/elf_modinfo.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::artifact {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRebuildFix =
    "delete the cache entry (kubectl gpu cache delete <key>) so it is rebuilt; the agent "
    "retries when the artifact changes";

VerifyResult Refuse(RefusalReason reason, std::string message) {
  return VerifyResult{.reason = reason, .message = std::move(message), .files = {}};
}

// Streams the file through sha256; returns {size, hex}.
std::pair<std::int64_t, std::string> HashFile(const fs::path& path) {
  FileDigest digest = Sha256File(path);
  return {digest.size, std::move(digest.sha256_hex)};
}

bool IsCompressedModule(std::string_view path) {
  return path.ends_with(".ko.xz") || path.ends_with(".ko.zst") || path.ends_with(".ko.gz");
}

VerifyResult CheckBlobs(const VerifyRequest& r) {
  const auto& blobs = r.manifest.blobs;
  if (blobs.empty()) {
    return Refuse(RefusalReason::kDigestMismatch,
                  "the manifest lists no blob; " + std::string(kRebuildFix));
  }
  if (r.blob_files.size() != blobs.size()) {
    return Refuse(RefusalReason::kDigestMismatch,
                  fmt::format("the manifest lists {} blob(s) but {} were downloaded; fetch every "
                              "blob of the manifest",
                              blobs.size(), r.blob_files.size()));
  }
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    if (blobs[i].media_type != kTarZstdMediaType) {
      return Refuse(RefusalReason::kDigestMismatch,
                    fmt::format("blob {} has media type \"{}\", want \"{}\"; {}", blobs[i].digest,
                                blobs[i].media_type, kTarZstdMediaType, kRebuildFix));
    }
    const auto [size, hex] = HashFile(r.blob_files[i]);
    if (size != blobs[i].size || "sha256:" + hex != blobs[i].digest) {
      return Refuse(RefusalReason::kDigestMismatch,
                    fmt::format("blob {} ({} bytes) was downloaded as sha256:{} ({} bytes): the "
                                "download is corrupt or the store is damaged; delete {} so it is "
                                "downloaded again, or {}",
                                blobs[i].digest, blobs[i].size, hex, size, r.blob_files[i].string(),
                                kRebuildFix));
    }
  }
  return {};
}

VerifyResult CheckFiles(const VerifyRequest& r, const std::vector<FileEntry>& unpacked) {
  std::map<std::string, const FileEntry*, std::less<>> listed;
  for (const FileEntry& f : r.manifest.files) {
    listed.emplace(f.path, &f);
  }
  for (const FileEntry& got : unpacked) {
    const auto it = listed.find(got.path);
    if (it == listed.end()) {
      return Refuse(RefusalReason::kUnlistedFile,
                    fmt::format("the archive holds \"{}\", which the manifest does not list; {}",
                                got.path, kRebuildFix));
    }
    const FileEntry& want = *it->second;
    if (got.size != want.size || got.sha256 != want.sha256 || got.mode != want.mode ||
        got.link_target != want.link_target) {
      return Refuse(
          RefusalReason::kDigestMismatch,
          fmt::format("\"{}\" is {} bytes sha256:{} mode {:o}{} but the manifest says {} "
                      "bytes sha256:{} mode {:o}{}; {}",
                      got.path, got.size, got.sha256, got.mode,
                      got.link_target.empty() ? "" : " link -> " + got.link_target, want.size,
                      want.sha256, want.mode,
                      want.link_target.empty() ? "" : " link -> " + want.link_target, kRebuildFix));
    }
    listed.erase(it);
  }
  if (!listed.empty()) {
    return Refuse(RefusalReason::kDigestMismatch,
                  fmt::format("the manifest lists \"{}\" ({} file(s) in all) but the archive does "
                              "not hold it; {}",
                              listed.begin()->first, listed.size(), kRebuildFix));
  }
  return {};
}

VerifyResult CheckModules(const VerifyRequest& r, const std::vector<FileEntry>& files) {
  const auto& release = r.target_kernel_release;
  if (!r.manifest.vermagic.empty() && !VermagicMatches(r.manifest.vermagic, release)) {
    return Refuse(RefusalReason::kVermagicMismatch,
                  fmt::format("the manifest's vermagic \"{}\" is not for the running kernel {}; "
                              "{}",
                              r.manifest.vermagic, release, kRebuildFix));
  }
  std::size_t modules = 0;
  for (const FileEntry& f : files) {
    if (IsCompressedModule(f.path)) {
      return Refuse(RefusalReason::kVermagicMismatch,
                    fmt::format("\"{}\" is a compressed module, whose vermagic cannot be checked; "
                                "artifacts must hold uncompressed .ko files; {}",
                                f.path, kRebuildFix));
    }
    if (!f.path.ends_with(".ko")) {
      continue;
    }
    if (!f.link_target.empty()) {
      return Refuse(RefusalReason::kUnsafePath,
                    fmt::format("module \"{}\" is a symlink; modules must be regular files so "
                                "that the file checked is the file loaded; {}",
                                f.path, kRebuildFix));
    }
    ++modules;
    const fs::path file = r.dest / f.path;
    std::optional<std::string> vermagic;
    try {
      vermagic = ReadModInfo(file).Get("vermagic");
    } catch (const ElfError& e) {
      return Refuse(RefusalReason::kVermagicMismatch,
                    fmt::format("\"{}\" is not a readable kernel module ({}); {}", f.path, e.what(),
                                kRebuildFix));
    }
    if (!vermagic) {
      return Refuse(
          RefusalReason::kVermagicMismatch,
          fmt::format("module \"{}\" has no vermagic in .modinfo; {}", f.path, kRebuildFix));
    }
    if (!VermagicMatches(*vermagic, release)) {
      return Refuse(RefusalReason::kVermagicMismatch,
                    fmt::format("module \"{}\" was built for \"{}\" but the node runs {}: the "
                                "builder used the wrong kernel headers; {}",
                                f.path, *vermagic, release, kRebuildFix));
    }
    if (r.require_signed_modules && !HasModuleSignature(file)) {
      return Refuse(RefusalReason::kUnsignedModules,
                    fmt::format("module \"{}\" carries no signature but Secure Boot or "
                                "module.sig_enforce requires one; set moduleSigning.secretRef so "
                                "the builder signs the modules, enroll that key, and rebuild",
                                f.path));
    }
  }
  if (r.manifest.key.part == ArtifactPart::kKernel && modules == 0) {
    return Refuse(RefusalReason::kVermagicMismatch,
                  fmt::format("the kernel part holds no .ko module; {}", kRebuildFix));
  }
  return {};
}

}  // namespace

std::string_view ToString(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::kNone:
      return "";
    case RefusalReason::kBadSignature:
      return "BadSignature";
    case RefusalReason::kUnknownKey:
      return "UnknownKey";
    case RefusalReason::kKeyMismatch:
      return "KeyMismatch";
    case RefusalReason::kDigestMismatch:
      return "DigestMismatch";
    case RefusalReason::kUnlistedFile:
      return "UnlistedFile";
    case RefusalReason::kUnsafePath:
      return "UnsafePath";
    case RefusalReason::kVermagicMismatch:
      return "VermagicMismatch";
    case RefusalReason::kUnsignedModules:
      return "UnsignedModules";
  }
  return "Unknown";
}

bool VermagicMatches(std::string_view vermagic, std::string_view kernel_release) {
  return !kernel_release.empty() && vermagic.starts_with(kernel_release) &&
         (vermagic.size() == kernel_release.size() || vermagic[kernel_release.size()] == ' ');
}

VerifyResult VerifyArtifact(const VerifyRequest& r) {
  const ArtifactManifest& m = r.manifest;
  const SignatureCheck sig = VerifyManifestSignature(m, r.trusted_keys);
  if (!sig.ok()) {
    return Refuse(sig.status == SignatureStatus::kUnknownKey ? RefusalReason::kUnknownKey
                                                             : RefusalReason::kBadSignature,
                  sig.message);
  }
  if (!(m.key == r.requested_key)) {
    return Refuse(RefusalReason::kKeyMismatch,
                  fmt::format("the manifest is for {} but {} was requested: the store serves the "
                              "wrong entry; {}",
                              m.key.Path(), r.requested_key.Path(), kRebuildFix));
  }
  if (m.key.part == ArtifactPart::kKernel && m.key.kernel_release != r.target_kernel_release) {
    return Refuse(RefusalReason::kKeyMismatch,
                  fmt::format("the requested key {} is for kernel {} but the node runs {}",
                              m.key.Path(), m.key.kernel_release, r.target_kernel_release));
  }
  if (r.require_signed_modules && m.key.part == ArtifactPart::kKernel &&
      !m.builder.signed_modules) {
    return Refuse(RefusalReason::kUnsignedModules,
                  "Secure Boot or module.sig_enforce is on but the artifact's modules are not "
                  "signed (builder.signedModules=false); set moduleSigning.secretRef in the GPU "
                  "configuration so the builder signs them, enroll that key, and rebuild");
  }
  if (VerifyResult blobs = CheckBlobs(r); !blobs.ok()) {
    return blobs;
  }
  std::vector<FileEntry> files;
  try {
    files = UnpackArchives(r.blob_files, r.dest, r.unpack);
  } catch (const UnsafeArchiveError& e) {
    return Refuse(RefusalReason::kUnsafePath, fmt::format("{}; {}", e.what(), kRebuildFix));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kInvalidArgument) {
      throw;
    }
    return Refuse(RefusalReason::kDigestMismatch,
                  fmt::format("the archive cannot be unpacked: {}; {}", e.what(), kRebuildFix));
  }
  VerifyResult result = CheckFiles(r, files);
  if (result.ok()) {
    result = CheckModules(r, files);
  }
  if (!result.ok()) {
    std::error_code ignored;
    fs::remove_all(r.dest, ignored);
    return result;
  }
  result.files = std::move(files);
  return result;
}

}  // namespace gpuext::nodeagent::artifact
