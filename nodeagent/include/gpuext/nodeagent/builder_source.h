// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Getting a driver source for a build (DESIGN.md §14.5 step 2): download with libcurl, hash
// while writing, compare with the pinned sha256 before anything reads the file.
//
//   std::string got = DownloadSource({.url = url}, work / "source.tar", stop);
//   if (got != pinned) { ... SourceDigestMismatch ... }

#include <chrono>
#include <filesystem>
#include <stop_token>
#include <string>

namespace gpuext::nodeagent {

struct SourceDownload {
  // http://, https:// or file:// (tests, and sources baked into a build image). Other schemes
  // are refused, redirects to them too.
  std::string url = {};
  std::chrono::milliseconds timeout = std::chrono::minutes(30);
  // For https: a CA bundle file; empty uses the system store.
  std::filesystem::path ca_file = {};
};

// Streams the URL into `dest` (written through "<dest>.part" and renamed, so `dest` is complete
// or absent) and returns the lower-case hex sha256 of what was written. Throws
// BuildError(kSourceFetchFailed) naming the URL and the cause (HTTP status, curl error), and
// gpuext::Error(kInvalidArgument) for a URL with another scheme. Stops early when `stop` is
// requested. Safe for concurrent use (one curl handle per call).
std::string DownloadSource(const SourceDownload& download, const std::filesystem::path& dest,
                           std::stop_token stop);

}  // namespace gpuext::nodeagent
