// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/builder_source.h"

#include <cstdio>
#include <memory>
#include <system_error>

#include <curl/curl.h>
#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/builder_error.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent {

namespace {

namespace fs = std::filesystem;

struct SourceCurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SourceFileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Where curl's write callback puts the bytes: the file and the running hash.
struct SourceSink {
  std::FILE* file = nullptr;
  Sha256 hash;
  bool write_failed = false;
};

size_t SourceWrite(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<SourceSink*>(user);
  const size_t bytes = size * count;
  if (std::fwrite(data, 1, bytes, sink->file) != bytes) {
    sink->write_failed = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->hash.Update(std::string_view(data, bytes));
  return bytes;
}

int SourceProgress(void* user, curl_off_t /*dltotal*/, curl_off_t /*dlnow*/, curl_off_t /*ultotal*/,
                   curl_off_t /*ulnow*/) {
  const auto* stop = static_cast<const std::stop_token*>(user);
  return stop->stop_requested() ? 1 : 0;  // non-zero aborts the transfer
}

bool SourceSchemeAllowed(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://") || url.starts_with("file://");
}

}  // namespace

std::string DownloadSource(const SourceDownload& download, const fs::path& dest,
                           std::stop_token stop) {
  if (!SourceSchemeAllowed(download.url)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("source url \"{}\": must start with http://, https:// or file://",
                            download.url));
  }
  const std::unique_ptr<CURL, SourceCurlDeleter> curl(curl_easy_init());
  if (!curl) {
    throw Error(ErrorCode::kInternal, "curl_easy_init failed");
  }
  const fs::path part = fs::path(dest.string() + ".part");
  SourceSink sink;
  std::unique_ptr<std::FILE, SourceFileCloser> file(std::fopen(part.c_str(), "wb"));
  if (!file) {
    throw Error(ErrorCode::kInternal,
                fmt::format("create {}: {}", part.string(),
                            std::error_code(errno, std::generic_category()).message()));
  }
  sink.file = file.get();
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, download.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(download.timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, SourceWrite);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, SourceProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &stop);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  if (!download.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, download.ca_file.c_str());
  }
  const CURLcode code = curl_easy_perform(h);
  const bool flushed = std::fflush(file.get()) == 0 && !sink.write_failed;
  file.reset();
  if (code != CURLE_OK || !flushed) {
    std::error_code ignored;
    fs::remove(part, ignored);
    if (code == CURLE_ABORTED_BY_CALLBACK) {
      throw Error(ErrorCode::kTimeout, fmt::format("download {}: stopped", download.url));
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    const std::string cause = !flushed && code == CURLE_OK ? "writing the file failed"
                              : error_buffer[0] != '\0'    ? std::string(error_buffer)
                                                           : curl_easy_strerror(code);
    throw BuildError(BuildFailure::kSourceFetchFailed,
                     fmt::format("download {}: {}{}", download.url, cause,
                                 status >= 400 ? fmt::format(" (HTTP {})", status) : ""));
  }
  fs::rename(part, dest);
  return sink.hash.FinishHex();
}

}  // namespace gpuext::nodeagent
