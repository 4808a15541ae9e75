// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Test helpers for the builder: packs the SIMULATED-driver (test/testdata/simulated-driver) as
// an open-gpu-kernel-modules-style source tarball, finds the installed kernel headers, and a
// CommandRunner that runs real commands while recording their results.

#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/builder.h"
#include "gpuext/nodeagent/builder_headers.h"
#include "gpuext/nodeagent/command_runner.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::build_test {

inline constexpr char kSimulatedDriverVersion[] = "999.10.01";

inline std::string BuildTestReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void BuildTestWriteFile(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

struct SimulatedSource {
  std::filesystem::path tarball;
  std::string sha256;
  std::string url;  // file://
};

// Copies the SIMULATED-driver into <dir>/tree/open-gpu-kernel-modules-<version>/, sets its
// version.mk to `version`, lets `edit` change the copy, and packs it (tar+zstd, deterministic)
// into <dir>/SIMULATED-open-gpu-kernel-modules-<version>.tar.zst.
inline SimulatedSource PackSimulatedDriver(
    const std::filesystem::path& dir, const std::string& version = kSimulatedDriverVersion,
    const std::function<void(const std::filesystem::path&)>& edit = {}) {
  namespace fs = std::filesystem;
  const fs::path staging = dir / "tree";
  const fs::path top = staging / ("open-gpu-kernel-modules-" + version);
  fs::create_directories(top);
  fs::copy(fs::path(GPUEXT_SOURCE_DIR) / "test/testdata/simulated-driver", top,
           fs::copy_options::recursive);
  BuildTestWriteFile(
      top / "version.mk",
      "# SIMULATED-driver version, written by the test packer\nNVIDIA_VERSION = " + version + "\n");
  if (edit) {
    edit(top);
  }
  SimulatedSource source;
  source.tarball = dir / ("SIMULATED-open-gpu-kernel-modules-" + version + ".tar.zst");
  (void)artifact::PackDirectory(staging, artifact::ListTree(staging), source.tarball,
                                {.zstd_level = 3});
  source.sha256 = Sha256Hex(BuildTestReadFile(source.tarball));
  source.url = "file://" + source.tarball.string();
  return source;
}

// The same tree as PackSimulatedDriver(dir, ...) left in <dir>/tree, packed by GNU tar as
// .tar.gz (the format of open-gpu-kernel-modules' release tarballs).
inline SimulatedSource RepackSimulatedDriverAsTarGz(const std::filesystem::path& dir) {
  SimulatedSource source;
  source.tarball = dir / "SIMULATED-open-gpu-kernel-modules.tar.gz";
  std::vector<std::string> argv = {"tar", "-C", (dir / "tree").string(), "-czf",
                                   source.tarball.string()};
  for (const auto& entry : std::filesystem::directory_iterator(dir / "tree")) {
    argv.push_back(entry.path().filename().string());  // "open-gpu-kernel-modules-<v>", as upstream
  }
  const auto tar = gpuext::testing::RunProcess(argv);
  if (tar.exit_code != 0) {
    throw std::runtime_error("tar -czf: " + tar.stderr_text);
  }
  source.sha256 = Sha256Hex(BuildTestReadFile(source.tarball));
  source.url = "file://" + source.tarball.string();
  return source;
}

// The first complete set of installed kernel headers, or nullopt (the tests then skip: CI
// installs linux-headers-amd64, so there they always run).
inline std::optional<KernelHeaders> InstalledHeadersForTest() {
  auto all = ListInstalledKernelHeaders("/");
  if (all.empty()) {
    return std::nullopt;
  }
  return all.front();
}

// A fixture for tests that build the SIMULATED-driver for real: skips when no kernel headers
// are installed at all, packs the source, and builds requests for the headers' kernel.
class SimulatedDriverBuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    headers_ = InstalledHeadersForTest();
    if (!headers_) {
      GTEST_SKIP() << "no kernel headers installed (install linux-headers-amd64)";
    }
    source_ = PackSimulatedDriver(tmp_.path() / "src");
  }

  // A request for the SIMULATED-driver on the installed headers' kernel.
  [[nodiscard]] BuildRequest SimulatedRequest() const {
    return {.key = artifact::KernelKey(kSimulatedDriverVersion, headers_->kernel_release,
                                       gpuruntime::ModuleType::kOpen, gpuruntime::Arch::kAmd64),
            .source_url = source_.url,
            .source_sha256 = source_.sha256};
  }

  [[nodiscard]] BuilderOptions Options(const std::string& work) const {
    return {.work_dir = tmp_.path() / work, .jobs = 2};
  }

  gpuext::testing::TempDir tmp_;
  gpuext::testing::FakeClock clock_;
  std::optional<KernelHeaders> headers_;
  SimulatedSource source_;
};

// Runs every command for real and keeps each command with its result.
class BuildTestRecordingRunner final : public CommandRunner {
 public:
  CommandResult Run(const Command& command, std::stop_token stop) override {
    CommandResult result = real_.Run(command, stop);
    std::lock_guard lock(mu_);
    runs_.emplace_back(command, result);
    return result;
  }
  [[nodiscard]] std::vector<std::pair<Command, CommandResult>> runs() const {
    std::lock_guard lock(mu_);
    return runs_;
  }

 private:
  RealCommandRunner real_;
  mutable std::mutex mu_;  // guards runs_
  std::vector<std::pair<Command, CommandResult>> runs_;
};

}  // namespace gpuext::nodeagent::build_test
