// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/testing/simulated_run.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/gpuruntime/nvidia.h"
#include "gpuext/nodeagent/command_runner.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::testing {

namespace {

namespace fs = std::filesystem;

constexpr const char* kSimulatedRunPath = "/usr/local/bin:/usr/bin:/bin";

// Optional entries of the file list that the package still carries, so tests see that optional
// files are copied when present (and the others skipped when absent).
const std::set<std::string>& SimulatedRunOptionalBinaries() {
  static const std::set<std::string> names = {"nvidia-debugdump"};
  return names;
}

void SimulatedRunCheck(const CommandResult& result, const std::string& what) {
  if (!result.Succeeded()) {
    throw Error(ErrorCode::kInternal,
                fmt::format("SIMULATED .run: {}: {}\n{}{}", what, result.Describe(),
                            result.stdout_text, result.stderr_text));
  }
}

// The makeself-like header; `skip` is the line where the payload starts.
std::string SimulatedRunHeader(const std::string& version, int skip) {
  return fmt::format(
      R"SH(#!/bin/sh
# SIMULATED NVIDIA-Linux-x86_64-{0}.run: a test stand-in for NVIDIA's self-extracting driver
# package. Like makeself it supports -x|--extract-only and --target DIR; it installs nothing.
skip={1:04d}
target=.
extract=0
while [ $# -gt 0 ]; do
  case "$1" in
    -x|--extract-only) extract=1; shift ;;
    --target)
      if [ $# -lt 2 ]; then echo "SIMULATED installer: --target needs a directory" >&2; exit 2; fi
      target="$2"; shift 2 ;;
    *) echo "SIMULATED installer: unsupported option $1 (only -x and --target DIR)" >&2; exit 2 ;;
  esac
done
if [ "$extract" != 1 ]; then
  echo "SIMULATED installer: installing is not simulated; use -x --target DIR" >&2
  exit 2
fi
mkdir -p "$target" || exit 1
tail -n +"$skip" "$0" | tar -xf - -C "$target" || exit 1
echo "SIMULATED NVIDIA-Linux-x86_64-{0}: extracted into $target"
exit 0
)SH",
      version, skip);
}

std::string SimulatedRunFirmware(const std::string& chip) {
  std::string bytes = "SIMULATED GSP firmware " + chip + "\n";
  for (int i = 0; bytes.size() < 4096; ++i) {
    bytes.push_back(static_cast<char>((i * 31 + 7) & 0xff));
  }
  return bytes;
}

}  // namespace

const std::vector<std::string>& SimulatedRunLibraries() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> found;
    const auto version = gpuruntime::DriverVersion::Parse("580.95.05");
    for (const gpuruntime::UserspaceFile& file :
         gpuruntime::NvidiaVendor().UserspaceFileList(*version, gpuruntime::Arch::kAmd64)) {
      const auto at = file.source.find(".so.");
      if (at != std::string::npos && (file.required || file.source.starts_with("libnvidia-cfg"))) {
        found.push_back(file.source.substr(0, at));
      }
    }
    return found;
  }();
  return names;
}

SimulatedRunPackage PackSimulatedRunPackage(const fs::path& dir, const std::string& version) {
  const auto parsed = gpuruntime::DriverVersion::Parse(version);
  if (!parsed || parsed->IsBranchOnly()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("SIMULATED .run: \"{}\" is not a full driver version", version));
  }
  const std::string top = "NVIDIA-Linux-x86_64-" + version;
  const fs::path stage = dir / ("SIMULATED-run-stage-" + version);
  const fs::path root = stage / top;
  fs::remove_all(stage);
  fs::create_directories(root / "firmware");
  RealCommandRunner runner;
  const std::vector<std::string> env = {std::string("PATH=") + kSimulatedRunPath, "LC_ALL=C",
                                        "SOURCE_DATE_EPOCH=0"};

  for (const gpuruntime::UserspaceFile& file :
       gpuruntime::NvidiaVendor().UserspaceFileList(*parsed, gpuruntime::Arch::kAmd64)) {
    if (file.destination == "bin" &&
        (file.required || SimulatedRunOptionalBinaries().contains(file.source))) {
      WriteFileAtomically(
          root / file.source,
          fmt::format("#!/bin/sh\necho \"SIMULATED {} {}\"\n", file.source, version), 0755);
    }
  }
  for (const std::string& library : SimulatedRunLibraries()) {
    const std::string c_file = "SIMULATED-" + library + ".c";
    std::string symbol = library;
    std::replace(symbol.begin(), symbol.end(), '-', '_');
    WriteFileAtomically(
        stage / c_file,
        fmt::format("int SIMULATED_{}_branch(void) {{ return {}; }}\n", symbol, parsed->Branch()),
        0644);
    // Relative paths and a fixed working directory: the object's symbols name no temp dir.
    SimulatedRunCheck(
        runner.Run({.argv = {"gcc", "-shared", "-fPIC", "-O1", "-Wl,-soname," + library + ".so.1",
                             "-o", top + "/" + library + ".so." + version, c_file},
                    .env = env,
                    .working_dir = stage,
                    .timeout = std::chrono::minutes(2)},
                   {}),
        "gcc -shared " + library);
    fs::remove(stage / c_file);
    fs::permissions(root / (library + ".so." + version), fs::perms(0755));
  }
  WriteFileAtomically(root / "firmware/gsp_ga10x.bin", SimulatedRunFirmware("ga10x"), 0644);
  WriteFileAtomically(root / "firmware/gsp_tu10x.bin", SimulatedRunFirmware("tu10x"), 0644);
  WriteFileAtomically(
      root / "SIMULATED-README.txt",
      "SIMULATED NVIDIA driver package " + version + ": test libraries and scripts, no driver.\n",
      0644);
  for (const auto& entry : fs::recursive_directory_iterator(stage)) {
    if (entry.is_directory()) {
      fs::permissions(entry.path(), fs::perms(0755));
    }
  }
  fs::permissions(stage, fs::perms(0755));

  const fs::path payload = stage / "payload.tar";
  SimulatedRunCheck(runner.Run({.argv = {"tar", "--sort=name", "--mtime=@0", "--owner=0",
                                         "--group=0", "--numeric-owner", "--format=gnu", "-cf",
                                         payload.string(), "-C", stage.string(), top},
                                .env = env,
                                .timeout = std::chrono::minutes(2)},
                               {}),
                    "tar -cf payload.tar");
  // The header's line count does not depend on the 4-digit skip value it holds.
  const std::string probe = SimulatedRunHeader(version, 0);
  const int skip = static_cast<int>(std::count(probe.begin(), probe.end(), '\n')) + 1;
  std::string content = SimulatedRunHeader(version, skip);
  std::ifstream in(payload, std::ios::binary);
  content.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    throw Error(ErrorCode::kInternal, "SIMULATED .run: reading " + payload.string() + " failed");
  }
  in.close();

  fs::create_directories(dir);
  SimulatedRunPackage package;
  package.path = dir / ("SIMULATED-" + top + ".run");
  WriteFileAtomically(package.path, content, 0755);
  std::error_code ignored;
  fs::remove_all(stage, ignored);
  package.sha256 = Sha256Hex(content);
  package.url = "file://" + fs::absolute(package.path).string();
  return package;
}

}  // namespace gpuext::nodeagent::testing
