// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Artifact verification before anything touches the kernel (DESIGN.md §13.3 step 6, §19.4):
// signature, key, blob digests, safe unpack, every file's digest, no unlisted file, vermagic of
// every module, signed modules under Secure Boot. A failed check is an answer (a refusal with a
// reason code and the fix), not an exception: the agent turns it into a DriverRefused event and
// keeps the previous driver (§13.6).
//
//   VerifyResult r = VerifyArtifact({.manifest = m, .blob_files = {blob}, .requested_key = key,
//                                    .trusted_keys = keys, .target_kernel_release = release,
//                                    .require_signed_modules = secure_boot, .dest = tree});
//   if (!r.ok()) { Refuse(ToString(r.reason), r.message); }

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/artifact/key.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/artifact/signing.h"

namespace gpuext::nodeagent::artifact {

enum class RefusalReason {
  kNone,              // verified
  kBadSignature,      // missing, malformed or non-verifying signature
  kUnknownKey,        // signed by a key that is not trusted
  kKeyMismatch,       // the manifest describes another key than the one requested
  kDigestMismatch,    // a blob or file differs from the manifest in size or sha256, or is missing
  kUnlistedFile,      // the archive holds a file the manifest does not list
  kUnsafePath,        // absolute path, "..", device, hardlink, symlink leaving the tree
  kVermagicMismatch,  // a module is built for another kernel, or is no readable module
  kUnsignedModules,   // Secure Boot or sig_enforce is on and the modules are not signed
};

// "BadSignature", "UnknownKey", ...; "" for kNone. Used as the Node condition reason suffix.
std::string_view ToString(RefusalReason reason);

struct VerifyRequest {
  ArtifactManifest manifest = {};
  // The downloaded blobs, in the order of manifest.blobs.
  std::vector<std::filesystem::path> blob_files = {};
  ArtifactKey requested_key = {};
  std::vector<PublicKey> trusted_keys = {};
  // The running kernel (uname -r); checked against every .ko of a kernel part.
  std::string target_kernel_release = {};
  // Secure Boot on or module.sig_enforce=1.
  bool require_signed_modules = false;
  // Where the verified tree goes (unpacked through "<dest>.tmp"); must not exist.
  std::filesystem::path dest = {};
  UnpackOptions unpack = {};
};

struct VerifyResult {
  RefusalReason reason = RefusalReason::kNone;
  std::string message = {};           // what failed and how to fix it; empty when ok
  std::vector<FileEntry> files = {};  // the verified tree's entries when ok

  [[nodiscard]] bool ok() const { return reason == RefusalReason::kNone; }
};

// Runs every check in the order of §13.3 step 6 and stops at the first failure. On success the
// verified tree is at request.dest; on a refusal request.dest does not exist. Throws only for
// environment failures (disk full, permissions), never for bad artifacts.
[[nodiscard]] VerifyResult VerifyArtifact(const VerifyRequest& request);

// The vermagic check on its own: true when `vermagic` is `kernel_release` followed by a space or
// by nothing ("6.1.0-18-amd64 SMP ..." does not match "6.1.0").
[[nodiscard]] bool VermagicMatches(std::string_view vermagic, std::string_view kernel_release);

}  // namespace gpuext::nodeagent::artifact
