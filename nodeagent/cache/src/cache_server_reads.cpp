// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// CacheServer reads: manifests, blobs (single Range, streamed from the file), keys, builds.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_server_impl.h"
#include "gpuext/nodeagent/artifact/blob_store.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/cache/byte_range.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::cache {

namespace {

using nlohmann::json;

artifact::ArtifactKey CacheReadsParseKey(const std::string& path) {
  try {
    return artifact::ArtifactKey::Parse(path);
  } catch (const Error& e) {
    throw CacheHttpError(400, e.what());
  }
}

// An open blob file shared by the content provider's calls; closed by the releaser.
struct CacheReadsOpenFile {
  int fd = -1;
  ~CacheReadsOpenFile() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

}  // namespace

void CacheServer::Impl::GetManifest(const httplib::Request& req, httplib::Response& res) {
  const artifact::ArtifactKey key = CacheReadsParseKey(req.matches[1]);
  const auto text = deps.store.GetManifest(key);
  const std::string op = req.method == "HEAD" ? "head_manifest" : "manifest";
  if (!text) {
    requests.WithLabelValues({op, "miss"}).Inc();
    WriteJson(res, 404, {{"error", fmt::format("no manifest for {}", key.Path())}});
    return;
  }
  requests.WithLabelValues({op, "hit"}).Inc();
  if (deps.served != nullptr && req.method == "GET") {
    deps.served->Touch(key.Path(), deps.clock.Now());
  }
  res.set_header("ETag", "\"" + Sha256Hex(*text) + "\"");
  res.status = 200;
  res.set_content(*text, "application/json");
}

void CacheServer::Impl::GetBlob(const httplib::Request& req, httplib::Response& res) {
  const std::string digest = req.matches[1];
  if (!artifact::IsSha256Digest(digest)) {
    throw CacheHttpError(400, fmt::format("\"{}\" is not sha256:<64 lower-case hex>", digest));
  }
  const std::filesystem::path file = deps.store.root() / artifact::BlobObjectName(digest);
  auto open = std::make_shared<CacheReadsOpenFile>();
  open->fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (open->fd < 0 || ::fstat(open->fd, &st) != 0) {
    requests.WithLabelValues({"blob", "miss"}).Inc();
    WriteJson(res, 404, {{"error", fmt::format("no blob {}", digest)}});
    return;
  }
  const std::int64_t size = st.st_size;
  res.set_header("Accept-Ranges", "bytes");
  res.set_header("ETag", "\"" + digest + "\"");
  const RangeAnswer range = ResolveByteRange(req.get_header_value("Range"), size);
  // httplib applies req.ranges itself when it writes the answer and does not clamp them, so
  // it gets the range exactly as resolved here (Guard cleared them).
  auto& ranges = const_cast<httplib::Request&>(req).ranges;
  if (range.kind == RangeAnswer::Kind::kUnsatisfiable) {
    requests.WithLabelValues({"blob", "range_invalid"}).Inc();
    res.status = 416;
    res.set_header("Content-Range", fmt::format("bytes */{}", size));
    return;
  }
  requests.WithLabelValues({"blob", "hit"}).Inc();
  if (range.kind == RangeAnswer::Kind::kPartial) {
    ranges.emplace_back(range.first, range.last);
    res.status = 206;
  } else {
    res.status = 200;
  }
  if (size == 0) {
    res.set_content("", "application/octet-stream");
    return;
  }
  auto* served = &bytes_served;
  res.set_content_provider(
      static_cast<size_t>(size), "application/octet-stream",
      [open, served](size_t offset, size_t length, httplib::DataSink& sink) {
        // One bounded chunk per call: httplib calls again for the rest.
        char buffer[1 << 16];
        const size_t want = std::min(length, sizeof(buffer));
        const ssize_t n = ::pread(open->fd, buffer, want, static_cast<off_t>(offset));
        if (n <= 0) {
          return false;  // the file shrank underneath us: abort the connection
        }
        served->WithLabelValues({}).Inc(static_cast<double>(n));
        return sink.write(buffer, static_cast<size_t>(n));
      },
      [open](bool) {});
}

void CacheServer::Impl::ListKeys(const httplib::Request& req, httplib::Response& res) {
  const std::string prefix = req.get_param_value("prefix");
  const std::string after = req.get_param_value("continue");
  json keys = json::array();
  std::string next;
  for (const artifact::ArtifactKey& key : deps.store.ListManifests(prefix)) {
    const std::string path = key.Path();
    if (!after.empty() && path <= after) {
      continue;
    }
    if (static_cast<int>(keys.size()) >= options.keys_page_size) {
      next = keys.back().get<std::string>();
      break;
    }
    keys.push_back(path);
  }
  json body = {{"keys", keys}};
  if (!next.empty()) {
    body["continue"] = next;
  }
  WriteJson(res, 200, body);
}

void CacheServer::Impl::ListBuilds(const httplib::Request&, httplib::Response& res) {
  json items = json::array();
  std::vector<std::string> keys;
  {
    std::lock_guard lock(builds_mutex);
    for (const auto& [key, record] : builds) {
      keys.push_back(key);
    }
  }
  for (const std::string& path : keys) {
    if (const auto status = BuildStatusOf(artifact::ArtifactKey::Parse(path))) {
      items.push_back(artifact::ToJson(*status));
    }
  }
  WriteJson(res, 200, {{"builds", items}});
}

void CacheServer::Impl::GetBuild(const httplib::Request& req, httplib::Response& res) {
  const artifact::ArtifactKey key = CacheReadsParseKey(req.matches[1]);
  const auto status = BuildStatusOf(key);
  if (!status) {
    WriteJson(res, 404, {{"error", fmt::format("no build known for {}", key.Path())}});
    return;
  }
  WriteJson(res, 200, artifact::ToJson(*status));
}

}  // namespace gpuext::nodeagent::cache
