// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The real containerd (Debian's 1.6, config v2) accepts what gardener-node-agent writes from our
// OSC entries (DESIGN.md §12): `containerd config default` + NodeAgent merge → `config dump`
// shows the nvidia runtime and runc stays the default; then a real containerd on a private
// socket reports the runtime through CRI Status.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/gpuruntime/containerd.h"
#include "gpuext/gpuruntime/nvidia.h"
#include "gpuext/gpuruntime/toml.h"
#include "gpuext/testing/process.h"

namespace gpuext::gpuruntime {
namespace {

using gpuext::testing::BackgroundProcess;
using gpuext::testing::ProcessResult;
using gpuext::testing::RunProcess;
using gpuext::testing::TempDir;
using nlohmann::json;

// Debian's containerd 1.6: config v2 without CDI (1.7 would be kEnableInConfig; its keys are
// checked in the golden TOML only, as 1.6 does not know them).
constexpr ContainerdDialect kDebianDialect{.config_version = 2, .cdi = CdiMode::kNone};

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ContainerdConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult version = RunProcess({"containerd", "--version"});
    ASSERT_EQ(version.exit_code, 0)
        << "containerd is missing: install Debian's containerd package (scripts/install-deps.sh)";
    ProcessResult defaults = RunProcess({"containerd", "config", "default"});
    ASSERT_EQ(defaults.exit_code, 0) << defaults.stderr_text;
    base_ = ParseToml(defaults.stdout_text);
  }

  // What node-agent writes on a GPU node, with containerd's paths moved into the temp dir.
  json NodeConfig() {
    json config = MergeLikeNodeAgent(
        base_,
        {.sandbox_image = "registry.k8s.io/pause:3.10", .cgroup_driver = CgroupDriver::kSystemd},
        NvidiaVendor().ContainerdPatches(kDebianDialect, CgroupDriver::kSystemd));
    config["imports"] = json::array();  // no drop-ins from the host's /etc
    config["root"] = (dir_.path() / "root").string();
    config["state"] = (dir_.path() / "state").string();
    config["grpc"]["address"] = socket_.string();
    return config;
  }

  json base_;
  TempDir dir_;
  // Unix socket paths are limited to 108 bytes; the temp dir is short enough.
  std::filesystem::path socket_ = dir_.path() / "c.sock";
};

TEST_F(ContainerdConfigTest, ConfigDumpShowsTheNvidiaRuntimeAndRuncStaysDefault) {
  std::filesystem::path file = dir_.path() / "config.toml";
  WriteFile(file, WriteToml(NodeConfig()));
  ProcessResult dump = RunProcess({"containerd", "--config", file.string(), "config", "dump"});
  ASSERT_EQ(dump.exit_code, 0) << dump.stderr_text;
  json effective = ParseToml(dump.stdout_text);
  const json& containerd = effective["plugins"]["io.containerd.grpc.v1.cri"]["containerd"];
  EXPECT_EQ(containerd["default_runtime_name"], "runc");
  const json& nvidia = containerd["runtimes"]["nvidia"];
  EXPECT_EQ(nvidia["runtime_type"], "io.containerd.runc.v2") << dump.stdout_text;
  EXPECT_EQ(nvidia["options"]["BinaryName"], "/opt/nvidia/toolkit/nvidia-container-runtime");
  EXPECT_EQ(nvidia["options"]["SystemdCgroup"], true);
  const json& runc = containerd["runtimes"]["runc"];
  EXPECT_EQ(runc["runtime_type"], "io.containerd.runc.v2");
  EXPECT_EQ(runc["options"]["SystemdCgroup"], true);  // node-agent's cgroup driver patch
  EXPECT_EQ(runc["options"]["BinaryName"], "");       // runc untouched otherwise
  EXPECT_EQ(effective["plugins"]["io.containerd.grpc.v1.cri"]["sandbox_image"],
            "registry.k8s.io/pause:3.10");
}

TEST_F(ContainerdConfigTest, RemovalLeavesOnlyRuncInTheDump) {
  json config = NodeConfig();
  ApplyNodeAgentPatches(config, NvidiaVendor().ContainerdRemovalPatches(kDebianDialect));
  std::filesystem::path file = dir_.path() / "config.toml";
  WriteFile(file, WriteToml(config));
  ProcessResult dump = RunProcess({"containerd", "--config", file.string(), "config", "dump"});
  ASSERT_EQ(dump.exit_code, 0) << dump.stderr_text;
  json runtimes =
      ParseToml(dump.stdout_text)["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"];
  EXPECT_FALSE(runtimes.contains("nvidia"));
  EXPECT_TRUE(runtimes.contains("runc"));
}

// The `config` entry of a CRI StatusResponse (verbose): protobuf map entry
// {1: "config", 2: <json>} inside field 2 of the response. Found by its key bytes.
std::optional<json> CriConfigFromStatus(const std::string& body) {
  const std::string key = std::string("\x0a\x06", 2) + "config" + "\x12";
  size_t at = body.find(key);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  size_t pos = at + key.size();
  uint64_t length = 0;
  for (int shift = 0; pos < body.size() && shift < 64; shift += 7) {
    auto byte = static_cast<unsigned char>(body[pos++]);
    length |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      break;
    }
  }
  if (pos + length > body.size()) {
    return std::nullopt;
  }
  return json::parse(body.substr(pos, length), nullptr, false);
}

TEST_F(ContainerdConfigTest, RunningContainerdKnowsTheNvidiaRuntimeHandler) {
  std::filesystem::path file = dir_.path() / "config.toml";
  WriteFile(file, WriteToml(NodeConfig()));
  std::filesystem::path log = dir_.path() / "containerd.log";
  BackgroundProcess containerd({"containerd", "--config", file.string()}, {}, log);

  // Integration test: wait for the real daemon's socket with a deadline.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  ProcessResult plugins;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!containerd.Running()) {
      break;
    }
    if (std::filesystem::exists(socket_)) {
      plugins = RunProcess({"ctr", "--address", socket_.string(), "plugins", "ls"});
      if (plugins.exit_code == 0) {
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (plugins.exit_code != 0) {
    GTEST_SKIP() << "this sandbox does not let containerd start on a private socket; "
                    "config dump was still checked. containerd log:\n"
                 << ReadFile(log);
  }
  bool cri_ok = false;  // the line "io.containerd.grpc.v1  cri  linux/amd64  ok"
  std::istringstream lines(plugins.stdout_text);
  for (std::string line; std::getline(lines, line);) {
    cri_ok = cri_ok ||
             (line.find("io.containerd.grpc.v1") != std::string::npos &&
              line.find(" cri ") != std::string::npos && line.find(" ok") != std::string::npos);
  }
  if (!cri_ok) {
    GTEST_SKIP() << "the CRI plugin does not load in this sandbox:\n" << plugins.stdout_text;
  }

  // CRI RuntimeService/Status with verbose=true, over gRPC (HTTP/2 on the unix socket): a
  // 5-byte gRPC frame header and the protobuf {1: true}.
  std::filesystem::path request = dir_.path() / "status.bin";
  std::filesystem::path response = dir_.path() / "status.out";
  WriteFile(request, std::string("\x00\x00\x00\x00\x02\x08\x01", 7));
  ProcessResult status =
      RunProcess({"curl", "-sS", "--http2-prior-knowledge", "--unix-socket", socket_.string(), "-H",
                  "content-type: application/grpc", "-H", "te: trailers", "--data-binary",
                  "@" + request.string(), "-o", response.string(),
                  "http://localhost/runtime.v1.RuntimeService/Status"});
  ASSERT_EQ(status.exit_code, 0) << "curl (with HTTP/2) is needed for the CRI call: "
                                 << status.stderr_text;
  std::optional<json> config = CriConfigFromStatus(ReadFile(response));
  ASSERT_TRUE(config && config->is_object()) << "no CRI config in the Status response";
  const json& containerd_config = (*config)["containerd"];
  EXPECT_EQ(containerd_config["defaultRuntimeName"], "runc");
  const json& nvidia = containerd_config["runtimes"]["nvidia"];
  EXPECT_EQ(nvidia["runtimeType"], "io.containerd.runc.v2") << config->dump();
  EXPECT_EQ(nvidia["options"]["BinaryName"], "/opt/nvidia/toolkit/nvidia-container-runtime");
  EXPECT_EQ(nvidia["options"]["SystemdCgroup"], true);
  EXPECT_TRUE(containerd_config["runtimes"].contains("runc"));
}

}  // namespace
}  // namespace gpuext::gpuruntime
