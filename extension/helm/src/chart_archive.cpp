// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// ChartFS::FromArchive: a packaged chart (.tgz) read with libarchive.
#include <memory>
#include <string>

#include <archive.h>
#include <archive_entry.h>

#include "gpuext/error.h"
#include "gpuext/helm/chart_fs.h"

namespace gpuext::helm {

ChartFS ChartFS::FromArchive(std::string_view tgz) {
  std::unique_ptr<archive, decltype(&archive_read_free)> ar(archive_read_new(), &archive_read_free);
  archive_read_support_filter_all(ar.get());
  archive_read_support_format_tar(ar.get());
  if (archive_read_open_memory(ar.get(), tgz.data(), tgz.size()) != ARCHIVE_OK) {
    throw Error(ErrorCode::kConfigurationProblem,
                std::string("cannot read chart archive: ") + archive_error_string(ar.get()));
  }
  std::map<std::string, std::string, std::less<>> files;
  archive_entry* entry = nullptr;
  int rc = ARCHIVE_OK;
  while ((rc = archive_read_next_header(ar.get(), &entry)) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) {
      continue;
    }
    std::string path = archive_entry_pathname(entry);
    const size_t slash = path.find('/');
    if (slash == std::string::npos) {
      continue;  // Helm's loader skips files outside the chart's top directory
    }
    std::string bytes;
    char buf[16384];
    la_ssize_t n = 0;
    while ((n = archive_read_data(ar.get(), buf, sizeof buf)) > 0) {
      bytes.append(buf, static_cast<size_t>(n));
    }
    if (n < 0) {
      throw Error(ErrorCode::kConfigurationProblem,
                  std::string("cannot read chart archive: ") + archive_error_string(ar.get()));
    }
    files[path.substr(slash + 1)] = std::move(bytes);
  }
  if (rc != ARCHIVE_EOF) {
    throw Error(ErrorCode::kConfigurationProblem,
                std::string("cannot read chart archive: ") + archive_error_string(ar.get()));
  }
  if (files.empty()) {
    throw Error(ErrorCode::kConfigurationProblem, "no files in chart archive");
  }
  return ChartFS(std::move(files));
}

}  // namespace gpuext::helm
