// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gpuext/error.h"

namespace gpuext {

namespace fs = std::filesystem;

void WriteFileAtomically(const fs::path& path, const std::string& content, int mode) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    throw Error(ErrorCode::kInternal,
                "cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno));
  }
  bool ok = fchmod(fd, static_cast<mode_t>(mode)) == 0;
  std::size_t written = 0;
  while (ok && written < content.size()) {
    const ssize_t n = write(fd, content.data() + written, content.size() - written);
    ok = n > 0;
    written += ok ? static_cast<std::size_t>(n) : 0;
  }
  ok = ok && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || std::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    std::remove(tmpl.c_str());
    throw Error(ErrorCode::kInternal,
                "cannot write " + path.string() + ": " + std::strerror(saved));
  }
}

std::optional<std::string> ReadFileIfExists(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) {
      return std::nullopt;
    }
    throw Error(ErrorCode::kInternal, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace gpuext
