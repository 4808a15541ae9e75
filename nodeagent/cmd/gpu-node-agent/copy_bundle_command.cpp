// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// `gpu-node-agent copy-bundle --from=DIR --to=DIR`: the builder Job's init container (DESIGN.md
// §14.5) copies the agent's bundle (this binary and what it needs) into an emptyDir, so the OS
// build image, which knows nothing of us, can run `gpu-node-agent build`. Files keep their
// mode, symlinks stay symlinks; what exists at the destination is replaced.
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include "commands.h"

namespace gpuext::nodeagent::cmd {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCopyBundleUsage = "usage: gpu-node-agent copy-bundle --from=DIR --to=DIR\n";

bool CopyBundleFlag(const std::string& arg, const std::string& name, std::string& value) {
  const std::string prefix = "--" + name + "=";
  if (arg.rfind(prefix, 0) != 0) {
    return false;
  }
  value = arg.substr(prefix.size());
  return true;
}

}  // namespace

int CopyBundleCommand(const std::vector<std::string>& args) {
  std::string from;
  std::string to;
  std::vector<std::string> problems;
  for (const std::string& arg : args) {
    if (!CopyBundleFlag(arg, "from", from) && !CopyBundleFlag(arg, "to", to)) {
      problems.push_back("unknown flag \"" + arg + "\"");
    }
  }
  if (from.empty()) {
    problems.push_back("--from: required: the bundle directory, e.g. --from=/opt/gpuext/bundle");
  }
  if (to.empty()) {
    problems.push_back("--to: required: the shared volume, e.g. --to=/gpuext");
  }
  if (problems.empty() && !fs::is_directory(from)) {
    problems.push_back("--from: \"" + from + "\" is not a directory");
  }
  if (!problems.empty()) {
    for (const std::string& problem : problems) {
      std::cerr << "gpu-node-agent copy-bundle: " << problem << "\n";
    }
    std::cerr << kCopyBundleUsage;
    return 2;
  }
  std::error_code ec;
  fs::create_directories(to, ec);
  if (!ec) {
    fs::copy(from, to,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks |
                 fs::copy_options::overwrite_existing,
             ec);
  }
  if (ec) {
    std::cerr << "gpu-node-agent copy-bundle: copying " << from << " to " << to << ": "
              << ec.message() << "\n";
    return 1;
  }
  std::cout << "copied " << from << " to " << to << "\n";
  return 0;
}

}  // namespace gpuext::nodeagent::cmd
