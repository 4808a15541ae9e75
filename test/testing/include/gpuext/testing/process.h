// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Running real peer tools (kubectl, helm, node) from tests: argv vectors, never a shell
// string; output captured; a deadline after which the child is killed.
//
//   ProcessResult r = RunProcess({Tools().kubectl, "get", "crds"}, {.env = {"KUBECONFIG=..."}});
//   EXPECT_EQ(r.exit_code, 0) << r.stderr_text;

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace gpuext::testing {

struct ProcessOptions {
  std::vector<std::string> env = {};  // added to (and overriding) the test's environment
  std::string stdin_text = {};
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

struct ProcessResult {
  int exit_code = -1;  // -1 when killed (timeout) or not started
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
};

// Runs argv[0] (looked up in PATH when it has no '/') and waits for it. Throws
// std::runtime_error when the program cannot be started.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// A child process left running (servers started by tests). Killed (SIGTERM, then SIGKILL)
// and reaped on destruction. Confined to one thread.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const std::filesystem::path& log_file);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  [[nodiscard]] int pid() const { return pid_; }
  [[nodiscard]] bool Running();
  // Sends `signal` and waits up to `timeout` for the exit; returns the exit status or -1.
  int Stop(int signal, std::chrono::milliseconds timeout);

 private:
  int pid_ = -1;
  int status_ = -1;
  bool reaped_ = false;
};

// Paths of the test tools installed by scripts/install-deps.sh. Missing tools are a failure
// with the reason (a green run must mean the real peers ran), so callers ASSERT on Check().
struct ToolPaths {
  std::filesystem::path root;  // the repository
  std::filesystem::path kubectl;
  std::filesystem::path helm;
  std::filesystem::path node_modules;

  // Empty when every tool exists; otherwise what is missing and how to install it.
  [[nodiscard]] std::string Check() const;
};
ToolPaths Tools();

// A loopback TCP port nobody listens on right now, for a child process that must be told its
// port before it starts (it may be taken again in between; tests accept that small race).
int FreeLoopbackPort();

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace gpuext::testing
