// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "gpuext/nodeagent/builder_command.h"

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"
#include "simulated_driver.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct BuildCommandRun {
  int code = -1;
  std::string out;
  std::string err;
};

BuildCommandRun RunBuildForTest(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = RunBuildCommand(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(BuildCommandTest, ReportsEveryFlagProblemAtOnce) {
  const BuildCommandRun r = RunBuildForTest(
      {"--key", "userspace/580.95.05/amd64", "--recipe", "kbuild-open", "--source-sha256", "XYZ",
       "--upload", "https://cache/v1/uploads/1", "--module-signing-key", "k.pem", "--jobs", "-1",
       "--compile-timeout", "soon", "--colour"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--recipe: invalid value \"kbuild-open\""));
  EXPECT_THAT(r.err, HasSubstr("userspace keys are built by kbuild-run"));
  EXPECT_THAT(r.err, HasSubstr("--source-url: required"));
  EXPECT_THAT(r.err, HasSubstr("--source-sha256: invalid value \"XYZ\""));
  EXPECT_THAT(r.err, HasSubstr("--token-file: required with --upload"));
  EXPECT_THAT(r.err, HasSubstr("--module-signing-key, --module-signing-cert: give both"));
  EXPECT_THAT(r.err, HasSubstr("--jobs: invalid value \"-1\""));
  EXPECT_THAT(r.err, HasSubstr("--compile-timeout: invalid value \"soon\""));
  EXPECT_THAT(r.err, HasSubstr("--colour"));
  EXPECT_THAT(r.err, HasSubstr("usage: gpu-node-agent build"));
}

TEST(BuildCommandTest, NeedsExactlyOneDestination) {
  const std::vector<std::string> base = {
      "--key",           "kernel/580.95.05/6.1.0-56-amd64/open/amd64",
      "--source-url",    "file:///x",
      "--source-sha256", std::string(64, 'a')};
  BuildCommandRun r = RunBuildForTest(base);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--output-dir, --upload: give exactly one of them"));
  std::vector<std::string> both = base;
  both.insert(both.end(),
              {"--output-dir", "/out", "--upload", "https://c/v1/uploads/1", "--token-file", "/t"});
  r = RunBuildForTest(both);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("give exactly one of them"));
}

TEST(BuildCommandTest, UnpinnedSourceNeedsTheExplicitFlag) {
  const BuildCommandRun r = RunBuildForTest({"--key", "kernel/580.95.05/6.1.0-56-amd64/open/amd64",
                                             "--source-url", "file:///x", "--output-dir", "/o"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--source-sha256: required (or pass --allow-unpinned-source)"));
}

TEST(BuildCommandTest, MissingHeadersExitWithTheReason) {
  gpuext::testing::TempDir tmp;
  const BuildCommandRun r = RunBuildForTest(
      {"--key", "kernel/580.95.05/6.1.0-99-SIMULATED-amd64/open/amd64", "--source-url",
       "file:///nonexistent", "--source-sha256", std::string(64, 'a'), "--headers-root",
       tmp.path().string(), "--work-dir", (tmp.path() / "work").string(), "--output-dir",
       (tmp.path() / "out").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("build failed: NoHeadersForKernel: no kernel headers for "
                               "6.1.0-99-SIMULATED-amd64"));
}

TEST(BuildCommandTest, BuildsATarGzSourceIntoAnOutputDirectorySigned) {
  const auto headers = build_test::InstalledHeadersForTest();
  if (!headers) {
    GTEST_SKIP() << "no kernel headers installed (install linux-headers-amd64)";
  }
  gpuext::testing::TempDir tmp;
  (void)build_test::PackSimulatedDriver(tmp.path() / "src");
  // Sources come as .tar.gz from upstream; the builder must unpack that too.
  const build_test::SimulatedSource source =
      build_test::RepackSimulatedDriverAsTarGz(tmp.path() / "src");
  const artifact::SigningKey key = artifact::SigningKey::Generate();
  build_test::BuildTestWriteFile(tmp.path() / "key.pem", key.ToPem());
  const std::string key_path = std::string("kernel/") + build_test::kSimulatedDriverVersion + "/" +
                               headers->kernel_release + "/open/amd64";
  const BuildCommandRun r = RunBuildForTest(
      {"--key", key_path, "--source-url", source.url, "--source-sha256", source.sha256,
       "--work-dir", (tmp.path() / "work").string(), "--output-dir", (tmp.path() / "out").string(),
       "--signing-key-file", (tmp.path() / "key.pem").string(), "--jobs", "2", "--job-name",
       "build-SIMULATED"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("published " + key_path + " sha256:"));

  gpuext::testing::FakeClock clock;
  artifact::FilesystemBlobStore store(tmp.path() / "out", clock);
  const auto text = store.GetManifest(artifact::ArtifactKey::Parse(key_path));
  ASSERT_TRUE(text.has_value());
  const artifact::ArtifactManifest m = artifact::DecodeManifest(*text);
  EXPECT_EQ(m.builder.job_name, "build-SIMULATED");
  const std::vector<artifact::PublicKey> trusted = {key.public_key()};
  EXPECT_TRUE(artifact::VerifyManifestSignature(m, trusted).ok());
}

}  // namespace
}  // namespace gpuext::nodeagent
