// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Multipart upload (CreateMultipartUpload, UploadPart, CompleteMultipartUpload, Abort) for files
// above the threshold. Each part is read into memory (part_size, 16 MiB by default) so that its
// sha256 can be signed as the payload hash before it is sent.
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "gpuext/nodeagent/artifact/s3_client.h"
#include "gpuext/nodeagent/artifact/s3_xml.h"
#include "s3_request.h"

namespace gpuext::nodeagent::artifact {

namespace {

// Reads up to `size` bytes at `offset`; short only at the end of the file.
std::string S3ReadPart(int fd, const std::filesystem::path& file, std::int64_t offset,
                       std::int64_t size) {
  std::string out(static_cast<std::size_t>(size), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        ::pread(fd, out.data() + done, out.size() - done, offset + static_cast<std::int64_t>(done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      throw Error(ErrorCode::kInternal,
                  fmt::format("read {}: {}", file.string(), std::strerror(errno)));
    }
    if (n == 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

// Closes a descriptor on scope exit.
struct S3FdCloser {
  int fd;
  ~S3FdCloser() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

}  // namespace

std::string S3Client::CreateMultipartUpload(std::string_view key, const S3Headers& headers) {
  Request request{
      .method = "POST", .key = std::string(key), .query = {{"uploads", ""}}, .headers = headers};
  request.headers.emplace_back("Content-Type", "application/octet-stream");
  const Response response = Perform(request);
  if (!response.ok()) {
    ThrowFor(request, response);
  }
  auto upload_id = XmlChildText(response.body, "UploadId");
  if (!upload_id || upload_id->empty()) {
    throw S3Error(ErrorCode::kInternal,
                  fmt::format("S3 CreateMultipartUpload s3://{}/{}{}: the answer has no UploadId",
                              config_.bucket, prefix_, key),
                  response.status, "");
  }
  return *upload_id;
}

std::string S3Client::UploadPart(std::string_view key, std::string_view upload_id, int part_number,
                                 std::string_view body) {
  Request request{
      .method = "PUT",
      .key = std::string(key),
      .query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}},
      .body = body};
  const Response response = Perform(request);
  if (!response.ok()) {
    ThrowFor(request, response);
  }
  return response.Header("etag");
}

std::string S3Client::CompleteMultipartUpload(std::string_view key, std::string_view upload_id,
                                              const std::vector<std::string>& part_etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < part_etags.size(); ++i) {
    xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1,
                       XmlEscape(part_etags[i]));
  }
  xml += "</CompleteMultipartUpload>";
  Request request{.method = "POST",
                  .key = std::string(key),
                  .query = {{"uploadId", std::string(upload_id)}},
                  .headers = {{"Content-Type", "application/xml"}},
                  .body = xml};
  const Response response = Perform(request);
  // S3 may answer 200 and still report an error in the body (a failure late in the merge).
  if (!response.ok() || XmlChildText(response.body, "Code").has_value()) {
    ThrowFor(request, response.ok() ? Response{.status = 500, .body = response.body} : response);
  }
  return XmlChildText(response.body, "ETag").value_or(response.Header("etag"));
}

void S3Client::AbortMultipartUpload(std::string_view key, std::string_view upload_id) {
  Request request{
      .method = "DELETE", .key = std::string(key), .query = {{"uploadId", std::string(upload_id)}}};
  const Response response = Perform(request);
  if (!response.ok() && response.status != 404) {
    ThrowFor(request, response);
  }
}

std::string S3Client::PutFileMultipart(std::string_view key, const std::filesystem::path& file,
                                       std::int64_t size, const S3Headers& headers) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ErrorCode::kInternal,
                fmt::format("open {}: {}", file.string(), std::strerror(errno)));
  }
  const S3FdCloser closer{fd};
  const std::string upload_id = CreateMultipartUpload(key, headers);
  try {
    std::vector<std::string> etags;
    for (std::int64_t offset = 0; offset < size; offset += config_.part_size) {
      const std::string part = S3ReadPart(fd, file, offset, config_.part_size);
      etags.push_back(UploadPart(key, upload_id, static_cast<int>(etags.size()) + 1, part));
    }
    return CompleteMultipartUpload(key, upload_id, etags);
  } catch (...) {
    // Abort so the bucket keeps no orphaned parts; the original failure is what matters.
    try {
      AbortMultipartUpload(key, upload_id);
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch)
    }
    throw;
  }
}

}  // namespace gpuext::nodeagent::artifact
