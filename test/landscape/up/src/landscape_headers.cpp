// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// A SIMULATED newer kernel for the landscape: this machine has the headers of one kernel, but
// the story needs a second one (two builds; an OS upgrade). The headers root built here holds
// the real kernel's headers (links to /usr/src) and a re-labelled copy of its small arch
// directory whose UTS_RELEASE names the newer release. Kbuild then really compiles against it
// and the modules' vermagic names the newer release, which is all the agent checks.

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "landscape_impl.h"

namespace gpuext::landscape {

namespace fs = std::filesystem;

namespace {

void HeadersLink(const fs::path& target, const fs::path& link) {
  fs::create_directories(link.parent_path());
  std::error_code ec;
  fs::remove(link, ec);
  fs::create_directory_symlink(target, link);
}

}  // namespace

fs::path PrepareSimulatedHeadersRoot(const fs::path& dir, const std::string& real_release,
                                     const std::string& simulated_release) {
  const fs::path real_build = fs::canonical("/lib/modules/" + real_release + "/build");
  const fs::path root = dir / "headers-root";
  fs::remove_all(root);
  // Everything the real headers reach by absolute or relative path, as links to the real trees.
  for (const auto& entry : fs::directory_iterator("/usr/src")) {
    HeadersLink(entry.path(), root / "usr/src" / entry.path().filename());
  }
  for (const auto& entry : fs::directory_iterator("/usr/lib")) {
    if (entry.path().filename().string().starts_with("linux-kbuild-")) {
      HeadersLink(entry.path(), root / "usr/lib" / entry.path().filename());
    }
  }
  HeadersLink(real_build, root / "lib/modules" / real_release / "build");

  // The SIMULATED release: a copy of the arch build tree (a few MB; its links are relative or
  // name the shared -common tree) with the release strings changed.
  const fs::path copy = root / "usr/src" / ("linux-headers-" + simulated_release);
  fs::copy(real_build, copy, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  const fs::path uts = copy / "include/generated/utsrelease.h";
  std::string text = ReadFileIfExists(uts).value_or("");
  const std::string quoted = "\"" + real_release + "\"";
  const size_t at = text.find(quoted);
  if (at == std::string::npos) {
    throw Error(ErrorCode::kInternal,
                fmt::format("{} does not name {}; cannot derive a SIMULATED kernel", uts.string(),
                            real_release));
  }
  text.replace(at, quoted.size(), "\"" + simulated_release + "\"");
  WriteFileAtomically(uts, text, 0644);
  HeadersLink(copy, root / "lib/modules" / simulated_release / "build");
  return root;
}

std::string SimulatedNewerRelease(const std::string& real_release) {
  // 6.1.0-56-amd64 → 6.1.0-57-amd64: the ABI number Debian bumps with a kernel update.
  const size_t first = real_release.find('-');
  const size_t second = real_release.find('-', first + 1);
  if (first == std::string::npos || second == std::string::npos) {
    return real_release + "-simulated-upgrade";
  }
  const std::string abi = real_release.substr(first + 1, second - first - 1);
  try {
    return real_release.substr(0, first + 1) + std::to_string(std::stoi(abi) + 1) +
           real_release.substr(second);
  } catch (const std::exception&) {
    return real_release + "-simulated-upgrade";
  }
}

}  // namespace gpuext::landscape
