// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A real S3 server for tests: @20minutes/s3rver 5.0.0 (installed into .tools/node_modules by
// scripts/install-deps.sh), started on 127.0.0.1 with a free port and a fresh data directory. It
// verifies SigV4 signatures, so a test against it proves that requests are signed correctly. The
// package ships no CLI, so a small generated Node script starts it through its JavaScript API.
//
//   gpuext::testing::S3rver s3({.bucket = "gpu-drivers"});
//   S3Client client({.endpoint = s3.endpoint(), .region = "us-east-1", .bucket = s3.bucket(),
//                    .force_path_style = true,
//                    .credentials = {s3.access_key_id(), s3.secret_access_key()}});
//
// Known gaps of the server: it ignores If-None-Match / If-Match on PUT (no conditional writes,
// DESIGN.md §14.4; see simulate_conditional_writes); it has no AbortMultipartUpload (405); and it
// verifies SigV4 of virtual-hosted requests against "/<bucket>/<key>" instead of "/<key>", so only
// path-style requests can be signed for it. Node runs with --openssl-legacy-provider because
// s3rver's continuation tokens use DES. Confined to one thread; the server is killed on
// destruction.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpuext/testing/process.h"

namespace gpuext::testing {

struct S3rverOptions {
  std::string bucket = "gpu-drivers";  // created before the server answers
  // Key pairs accepted besides the built-in S3RVER / S3RVER.
  std::vector<std::pair<std::string, std::string>> extra_credentials = {};
  // Host names <bucket>.s3.<service_endpoint> address a bucket virtual-hosted style;
  // "localhost" works without DNS because libcurl resolves *.localhost to the loopback.
  std::string service_endpoint = "localhost";
  // SIMULATED: adds what s3rver lacks, conditional PUTs (If-None-Match: * fails with 412 when
  // the object exists, If-Match: <etag> when its ETag differs), by wrapping s3rver's putObject
  // handler in the generated script and serialising every PUT, so that check and write are
  // atomic as on real S3. Lets the conditional lease path run against a SigV4-checking server.
  bool simulate_conditional_writes = false;
  // When both are set the server speaks HTTPS with this certificate (PEM) and key.
  std::string tls_cert_pem = {};
  std::string tls_key_pem = {};
};

class S3rver {
 public:
  // Starts the server and waits (up to 30 s) until it answers. Throws std::runtime_error with
  // the reason (tool missing: run scripts/install-deps.sh; or the server's log tail).
  explicit S3rver(S3rverOptions options = {});
  ~S3rver();
  S3rver(const S3rver&) = delete;
  S3rver& operator=(const S3rver&) = delete;

  // Empty when node and the package are installed; otherwise what is missing and the fix.
  [[nodiscard]] static std::string Check();

  [[nodiscard]] int port() const { return port_; }
  // "http(s)://127.0.0.1:<port>" (path-style only: an IP cannot carry a bucket name).
  [[nodiscard]] std::string endpoint() const;
  // "http(s)://s3.localhost:<port>": routes virtual-hosted names (see the gaps above).
  [[nodiscard]] std::string vhost_endpoint() const;
  [[nodiscard]] const std::string& bucket() const { return options_.bucket; }
  [[nodiscard]] static std::string access_key_id() { return "S3RVER"; }
  [[nodiscard]] static std::string secret_access_key() { return "S3RVER"; }
  // Where the server keeps its objects (its own file layout).
  [[nodiscard]] std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  // The server's output so far (one line per finished request, plus s3rver's own messages such
  // as "Stored part N of ..."), for failure messages.
  [[nodiscard]] std::string Log() const;
  // How often `needle` occurs in the log once it occurs at least `want` times, or when `timeout`
  // passed. The request line is written after the answer was sent, so a client can be faster
  // than the log.
  [[nodiscard]] std::size_t WaitForLogCount(
      std::string_view needle, std::size_t want,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  [[nodiscard]] std::string Scheme() const;

  S3rverOptions options_;
  TempDir dir_;  // declared before process_: the server dies before its directory is removed
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
};

}  // namespace gpuext::testing
