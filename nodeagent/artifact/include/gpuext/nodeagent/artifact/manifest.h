// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The artifact manifest (DESIGN.md §14.2): what a cache entry holds and who built it, signed by the
// cache server. Decoding is strict (unknown fields, wrong types and floats are errors), because
// the node agent decides from it what to load into the kernel.
//
//   ArtifactManifest m = DecodeManifest(text);
//   std::string signed_bytes = CanonicalManifestJson(m);  // what the ed25519 signature covers

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/nodeagent/artifact/key.h"

namespace gpuext::nodeagent::artifact {

inline constexpr std::string_view kManifestApiVersion =
    "cache.gpu.extensions.gardener.cloud/v1alpha1";
inline constexpr std::string_view kManifestKind = "ArtifactManifest";
inline constexpr std::string_view kTarZstdMediaType = "application/vnd.gpuext.artifact.tar+zstd";

struct BuilderInfo {
  std::string image = {};
  std::string recipe = {};
  std::string source_sha256 = {};
  bool signed_modules = false;
  std::string job_name = {};
  std::string cluster = {};
  friend bool operator==(const BuilderInfo&, const BuilderInfo&) = default;
};

struct BlobRef {
  std::string digest = {};  // "sha256:<64 hex>"
  std::int64_t size = 0;
  std::string media_type = std::string(kTarZstdMediaType);
  friend bool operator==(const BlobRef&, const BlobRef&) = default;
};

// One file of the unpacked tree. A symbolic link (the SONAME links of the userspace part) has
// link_target set, and size/sha256 describe the target string; this field ("linkTarget") is our
// addition to the §14.2 example and is omitted for regular files.
struct FileEntry {
  std::string path = {};  // relative, "/"-separated, no "." or ".." segments
  std::int64_t size = 0;
  std::string sha256 = {};    // 64 lower-case hex
  std::uint32_t mode = 0644;  // permission bits only
  std::string link_target = {};
  friend bool operator==(const FileEntry&, const FileEntry&) = default;
};

struct ManifestSignature {
  std::string algorithm = "ed25519";
  std::string key_id = {};  // "sha256:<hex of the raw public key>"
  std::string value = {};   // base64 of the 64-byte signature
  friend bool operator==(const ManifestSignature&, const ManifestSignature&) = default;
};

struct ArtifactManifest {
  ArtifactKey key = {};
  std::string created = {};  // RFC 3339
  BuilderInfo builder = {};
  std::string vermagic = {};  // kernel part only; omitted when empty
  std::vector<BlobRef> blobs = {};
  std::vector<FileEntry> files = {};
  std::optional<ManifestSignature> signature = {};
  friend bool operator==(const ArtifactManifest&, const ArtifactManifest&) = default;
};

// Strict decoding of the JSON text. Throws gpuext::Error(kInvalidArgument) naming the field
// ("manifest: files[3].sha256: must be 64 lower-case hex characters").
[[nodiscard]] ArtifactManifest DecodeManifest(std::string_view text);
[[nodiscard]] ArtifactManifest ManifestFromJson(const nlohmann::json& json);

[[nodiscard]] nlohmann::json ManifestToJson(const ArtifactManifest& manifest);
// Compact JSON with sorted keys, the signature included when present.
[[nodiscard]] std::string EncodeManifest(const ArtifactManifest& manifest);

// The bytes the signature covers: the manifest without "signature", sorted object keys, compact
// dump(), UTF-8.
[[nodiscard]] std::string CanonicalManifestJson(const ArtifactManifest& manifest);

// "sha256:<64 lower-case hex>".
[[nodiscard]] bool IsSha256Digest(std::string_view digest);
// 64 lower-case hex characters.
[[nodiscard]] bool IsSha256Hex(std::string_view hex);

// A relative "/"-separated path with no empty, "." or ".." segment, no NUL, at most 4096 bytes.
[[nodiscard]] bool IsSafeRelativePath(std::string_view path);

}  // namespace gpuext::nodeagent::artifact
