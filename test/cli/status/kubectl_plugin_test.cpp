// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The built bin/kubectl-gpu run through the real kubectl plugin mechanism: `kubectl gpu status`
// with the build's bin directory on PATH and the emulator's kubeconfig in $KUBECONFIG.
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_status_fixture.h"

namespace gpuext::cli::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class CliKubectlPluginTest : public CliStatusTest {
 protected:
  gpuext::testing::ProcessResult Kubectl(const std::vector<std::string>& args) {
    const std::string missing = gpuext::testing::Tools().Check();
    EXPECT_TRUE(missing.empty()) << missing;
    std::vector<std::string> argv = {gpuext::testing::Tools().kubectl.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const char* path = std::getenv("PATH");
    return gpuext::testing::RunProcess(
        argv, {.env = {"PATH=" + std::string(GPUEXT_BINARY_DIR) +
                           "/bin:" + (path == nullptr ? "/usr/bin:/bin" : path),
                       "KUBECONFIG=" + kubeconfig_.string(), "NO_COLOR=1",
                       "KUBECACHEDIR=" + (dir_.path() / "kube-cache").string()},
               .timeout = std::chrono::seconds(60)});
  }
};

TEST_F(CliKubectlPluginTest, KubectlGpuStatusRunsThePlugin) {
  AddNode("a-1", "gpu-a", {{"gpu.extensions.gardener.cloud/nvidia.present", "true"}});
  AddNode("a-2", "gpu-a", {{"gpu.extensions.gardener.cloud/nvidia.present", "true"}});
  ReportReady("a-1");
  ReportRefused("a-2");

  const auto list = Kubectl({"plugin", "list"});
  EXPECT_THAT(list.stdout_text, HasSubstr("kubectl-gpu")) << list.stderr_text;

  const auto table = Kubectl({"gpu", "status"});
  EXPECT_EQ(table.exit_code, kExitNotReady) << table.stderr_text;
  EXPECT_THAT(CliLineWith(table.stdout_text, "a-2 "), HasSubstr("Failed (BadSignature)"));

  const auto js = Kubectl({"gpu", "status", "-o", "json"});
  EXPECT_EQ(js.exit_code, kExitNotReady) << js.stderr_text;
  const json out = json::parse(js.stdout_text);
  EXPECT_EQ(out["pools"][0]["readyNodes"], 1);

  const auto help = Kubectl({"gpu", "--help"});
  EXPECT_EQ(help.exit_code, kExitOk);
  EXPECT_THAT(help.stdout_text, HasSubstr("usage: kubectl gpu <command>"));
}

}  // namespace
}  // namespace gpuext::cli::testing
