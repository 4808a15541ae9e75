// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/http_cache_upload.h"

#include <cstdio>
#include <memory>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/sha256.h"
#include "http_cache_transport.h"

namespace gpuext::nodeagent::artifact {

namespace {

namespace hcu = http_cache_internal;
using nlohmann::json;

constexpr std::string_view kUploadPathMarker = "/v1/uploads/";

}  // namespace

std::string FileDigest(const std::filesystem::path& file) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!in) {
    throw Error(ErrorCode::kInternal, fmt::format("open {} failed", file.string()));
  }
  Sha256 hash;
  std::string buffer(1 << 16, '\0');
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), in.get())) > 0) {
    hash.Update(std::string_view(buffer.data(), n));
  }
  if (std::ferror(in.get()) != 0) {
    throw Error(ErrorCode::kInternal, fmt::format("read {} failed", file.string()));
  }
  return "sha256:" + hash.FinishHex();
}

UploadClient::UploadClient(UploadClientOptions options) : options_(std::move(options)) {
  std::string url = options_.upload_url;
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  const auto at = url.rfind(kUploadPathMarker);
  if (at == std::string::npos || at + kUploadPathMarker.size() >= url.size() ||
      url.find('/', at + kUploadPathMarker.size()) != std::string::npos) {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("upload URL \"{}\" must end in /v1/uploads/<lease id>", options_.upload_url));
  }
  base_url_ = url.substr(0, at);
  lease_id_ = url.substr(at + kUploadPathMarker.size());
  options_.upload_url = url;
  if (options_.token.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "upload token is empty; pass --token-file");
  }
}

namespace {

hcu::TransportOptions UploadTransport(const UploadClientOptions& o, bool transfer) {
  return {.ca_pem = o.ca_pem,
          .ca_file = o.ca_file,
          .connect_timeout = o.connect_timeout,
          .stall_timeout = o.stall_timeout,
          .request_timeout =
              transfer ? std::chrono::milliseconds(0) : std::chrono::milliseconds(120000),
          .connect_to = o.connect_to};
}

}  // namespace

std::string UploadClient::PutBlob(const std::filesystem::path& file) const {
  const std::string digest = FileDigest(file);
  const hcu::Request req{.method = "PUT",
                         .url = options_.upload_url + "/blobs/" + digest,
                         .headers = {"Authorization: Bearer " + options_.token,
                                     "Content-Type: application/octet-stream"},
                         .upload_file = file};
  const hcu::Response res = hcu::Perform(UploadTransport(options_, true), req);
  if (res.status != 201 && res.status != 200) {
    hcu::ThrowStatus(req, res);
  }
  return digest;
}

bool UploadClient::Heartbeat(std::string_view phase, int percent) const {
  const hcu::Request req{
      .method = "POST",
      .url = base_url_ + "/v1/leases/" + lease_id_ + "/heartbeat",
      .headers = {"Authorization: Bearer " + options_.token, "Content-Type: application/json"},
      .body = json{{"phase", phase}, {"percent", percent}}.dump()};
  const hcu::Response res = hcu::Perform(UploadTransport(options_, false), req);
  if (res.status == 409 || res.status == 410) {
    return false;
  }
  if (res.status != 200) {
    hcu::ThrowStatus(req, res);
  }
  return true;
}

std::string UploadClient::Commit(const CommitRequest& request) const {
  const hcu::Request req{
      .method = "POST",
      .url = options_.upload_url + "/commit",
      .headers = {"Authorization: Bearer " + options_.token, "Content-Type: application/json"},
      .body = ToJson(request).dump()};
  hcu::Response res = hcu::Perform(UploadTransport(options_, false), req);
  if (res.status != 200 && res.status != 201) {
    hcu::ThrowStatus(req, res);
  }
  return std::move(res.body);
}

void UploadClient::ReportFailure(std::string_view key_path, const FailureReport& report) const {
  const hcu::Request req{
      .method = "POST",
      .url = base_url_ + "/v1/builds/" + std::string(key_path) + "/failure",
      .headers = {"Authorization: Bearer " + options_.token, "Content-Type: application/json"},
      .body = ToJson(report).dump()};
  const hcu::Response res = hcu::Perform(UploadTransport(options_, false), req);
  if (res.status != 200) {
    hcu::ThrowStatus(req, res);
  }
}

}  // namespace gpuext::nodeagent::artifact
