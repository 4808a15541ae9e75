// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The private request and response shapes of S3Client (one libcurl exchange each).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpuext/nodeagent/artifact/s3_client.h"

namespace gpuext::nodeagent::artifact {

struct S3Client::Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string key = {};        // relative to the prefix; "" for the bucket
  S3Query query = {};
  S3Headers headers = {};
  // The body of a PUT or POST: in memory, or `body_size` bytes of `body_file` from the start.
  std::string_view body = {};
  std::filesystem::path body_file = {};
  std::int64_t body_size = 0;
  std::string payload_sha256 = {};  // hex; computed from `body` when empty and no file is given
  // Where a 2xx body goes: this descriptor (appending) or, when -1, Response::body.
  int out_fd = -1;
  // With out_fd: a 200 (not 206) answer to a Range request truncates the file first.
  bool truncate_on_full_answer = false;
};

struct S3Client::Response {
  long status = 0;
  std::string body = {};  // error bodies (capped) and 2xx bodies without out_fd
  std::vector<std::pair<std::string, std::string>> headers = {};  // names lower-cased
  std::int64_t written = 0;                                       // bytes written to out_fd

  // The last value of header `lower_name`, "" when absent.
  [[nodiscard]] std::string Header(std::string_view lower_name) const {
    for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
      if (it->first == lower_name) {
        return it->second;
      }
    }
    return {};
  }
  [[nodiscard]] bool ok() const { return status >= 200 && status < 300; }
};

namespace internal {
// The lower-case hex sha256 of a whole file. Throws gpuext::Error(kInternal) naming the file.
[[nodiscard]] std::string S3FileSha256(const std::filesystem::path& file);
}  // namespace internal

}  // namespace gpuext::nodeagent::artifact
