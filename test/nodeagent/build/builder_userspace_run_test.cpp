// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// `gpu-node-agent build --key userspace/...` from the SIMULATED .run package
// (nodeagent/testing/simulated_run.h): real sh extraction, real gcc-built libraries, the real
// ldconfig for the SONAME links, a real FilesystemBlobStore. The package is built once per suite
// (the only gcc runs of this suite).

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/nodeagent/builder.h"
#include "gpuext/nodeagent/builder_command.h"
#include "gpuext/nodeagent/testing/fake_command_runner.h"
#include "gpuext/nodeagent/testing/simulated_run.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"
#include "simulated_driver.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class BuilderUserspaceRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    package_dir_ = new gpuext::testing::TempDir();
    package_ = new testing::SimulatedRunPackage(
        testing::PackSimulatedRunPackage(package_dir_->path(), kVersion));
  }
  static void TearDownTestSuite() {
    delete package_;
    delete package_dir_;
    package_ = nullptr;
    package_dir_ = nullptr;
  }

  struct Run {
    int code = -1;
    std::string out;
    std::string err;
  };
  [[nodiscard]] Run BuildCommand(const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {
        "--key",        "userspace/" + std::string(kVersion) + "/amd64",
        "--work-dir",   (tmp_.path() / "work").string(),
        "--output-dir", (tmp_.path() / "out").string(),
        "--job-name",   "build-SIMULATED"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::ostringstream out;
    std::ostringstream err;
    const int code = RunBuildCommand(args, out, err);
    return {code, out.str(), err.str()};
  }

  static constexpr const char* kVersion = build_test::kSimulatedDriverVersion;
  static inline gpuext::testing::TempDir* package_dir_ = nullptr;
  static inline testing::SimulatedRunPackage* package_ = nullptr;
  gpuext::testing::TempDir tmp_;
  gpuext::testing::FakeClock clock_;
};

TEST_F(BuilderUserspaceRunTest, SimulatedPackageExtractsLikeMakeself) {
  EXPECT_EQ(package_->path.filename().string(),
            "SIMULATED-NVIDIA-Linux-x86_64-" + std::string(kVersion) + ".run");
  const fs::path target = tmp_.path() / "x";
  const auto ran = gpuext::testing::RunProcess(
      {"sh", package_->path.string(), "--extract-only", "--target", target.string()});
  ASSERT_EQ(ran.exit_code, 0) << ran.stderr_text;
  const fs::path root = target / ("NVIDIA-Linux-x86_64-" + std::string(kVersion));
  EXPECT_TRUE(fs::is_regular_file(root / "nvidia-smi"));
  EXPECT_TRUE(fs::is_regular_file(root / "firmware/gsp_tu10x.bin"));
  const auto smi = gpuext::testing::RunProcess({(root / "nvidia-smi").string()});
  EXPECT_EQ(smi.stdout_text, "SIMULATED nvidia-smi " + std::string(kVersion) + "\n");
  // Installing is not simulated: without -x the package refuses.
  const auto install = gpuext::testing::RunProcess({"sh", package_->path.string()});
  EXPECT_NE(install.exit_code, 0);
  EXPECT_THAT(install.stderr_text, HasSubstr("use -x"));
}

TEST_F(BuilderUserspaceRunTest, BuildCommandPublishesASignedUserspaceArtifact) {
  const artifact::SigningKey key = artifact::SigningKey::Generate();
  build_test::BuildTestWriteFile(tmp_.path() / "key.pem", key.ToPem());
  const Run r = BuildCommand({"--source-url", package_->url, "--source-sha256", package_->sha256,
                              "--signing-key-file", (tmp_.path() / "key.pem").string()});
  const std::string key_path = "userspace/" + std::string(kVersion) + "/amd64";
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("published " + key_path + " sha256:"));

  artifact::FilesystemBlobStore store(tmp_.path() / "out", clock_);
  const artifact::ArtifactKey parsed = artifact::ArtifactKey::Parse(key_path);
  const auto text = store.GetManifest(parsed);
  ASSERT_TRUE(text.has_value());
  const artifact::ArtifactManifest m = artifact::DecodeManifest(*text);
  EXPECT_EQ(m.builder.recipe, "kbuild-run");
  EXPECT_EQ(m.builder.source_sha256, package_->sha256);
  EXPECT_EQ(m.builder.job_name, "build-SIMULATED");
  ASSERT_EQ(m.blobs.size(), 1U);
  const fs::path blob = tmp_.path() / "blob";
  ASSERT_TRUE(store.GetBlob(m.blobs[0].digest, blob));
  const artifact::VerifyResult verified =
      artifact::VerifyArtifact({.manifest = m,
                                .blob_files = {blob},
                                .requested_key = parsed,
                                .trusted_keys = {key.public_key()},
                                .dest = tmp_.path() / "verified"});
  ASSERT_TRUE(verified.ok()) << artifact::ToString(verified.reason) << ": " << verified.message;

  const fs::path tree = tmp_.path() / "verified";
  const fs::path lib = tree / "usr/lib/x86_64-linux-gnu";
  for (const std::string& name : testing::SimulatedRunLibraries()) {
    EXPECT_TRUE(fs::is_regular_file(lib / (name + ".so." + kVersion))) << name;
    ASSERT_TRUE(fs::is_symlink(lib / (name + ".so.1"))) << name;
    EXPECT_EQ(fs::read_symlink(lib / (name + ".so.1")).string(), name + ".so." + kVersion);
  }
  EXPECT_TRUE(fs::is_regular_file(tree / "bin/nvidia-smi"));
  EXPECT_TRUE(fs::is_regular_file(tree / "bin/nvidia-debugdump"));  // optional, present
  EXPECT_FALSE(fs::exists(tree / "bin/nvidia-cuda-mps-server"));    // optional, absent
  const fs::path firmware = tree / "lib/firmware/nvidia" / kVersion;
  EXPECT_TRUE(fs::is_regular_file(firmware / "gsp_ga10x.bin"));
  EXPECT_TRUE(fs::is_regular_file(firmware / "gsp_tu10x.bin"));
  // The extracted package does not stay behind in the work directory.
  for (const auto& entry : fs::directory_iterator(tmp_.path() / "work")) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("package-")) << entry.path();
  }
}

TEST_F(BuilderUserspaceRunTest, SamePackageSameDigest) {
  // Same version ⇒ same package bytes, so pins in configurations stay valid.
  gpuext::testing::TempDir again;
  EXPECT_EQ(testing::PackSimulatedRunPackage(again.path(), kVersion).sha256, package_->sha256);
}

TEST_F(BuilderUserspaceRunTest, MismatchingPinIsRefused) {
  const Run r =
      BuildCommand({"--source-url", package_->url, "--source-sha256", std::string(64, 'a')});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("SourceDigestMismatch"));
  EXPECT_THAT(r.err, HasSubstr("pinned is " + std::string(64, 'a')));
  artifact::FilesystemBlobStore store(tmp_.path() / "out", clock_);
  EXPECT_FALSE(
      store.GetManifest(artifact::UserspaceKey(kVersion, gpuruntime::Arch::kAmd64)).has_value());
}

TEST_F(BuilderUserspaceRunTest, SourceThatIsNotARunPackageIsNamed) {
  // The open-gpu-kernel-modules tarball given for a userspace key: tar is not a shell script.
  const fs::path tarball = tmp_.path() / "open-gpu-kernel-modules.tar";
  build_test::BuildTestWriteFile(tarball, std::string(512, '\0'));
  const std::string url = "file://" + tarball.string();
  const Run r = BuildCommand({"--source-url", url, "--allow-unpinned-source"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(
      r.err, HasSubstr("BadSource: source " + url + " does not extract as an NVIDIA .run package"));
  EXPECT_THAT(r.err, HasSubstr("`run` source of builds.sources"));
}

TEST_F(BuilderUserspaceRunTest, ExtractionRunsShWithTargetInAMinimalEnvironment) {
  testing::FakeCommandRunner runner;
  std::vector<std::string> env;
  runner.On({"sh"}, [&env](const Command& command, std::stop_token) {
    env = command.env;
    // What an unrelated package would extract: a tree without the vendor's files.
    const fs::path target = command.argv.at(4);
    fs::create_directories(target / "pkg");
    return CommandResult{};
  });
  Builder builder({.work_dir = tmp_.path() / "work", .require_pinned_sources = false}, runner,
                  clock_);
  EXPECT_THAT(
      [&] {
        (void)builder.Build({.key = artifact::UserspaceKey(kVersion, gpuruntime::Arch::kAmd64),
                             .recipe = std::string(kUserspaceRecipe),
                             .source_url = package_->url},
                            {});
      },
      ::testing::ThrowsMessage<BuildError>(HasSubstr("userspace file nvidia-smi is missing")));
  ASSERT_EQ(runner.argvs().size(), 1U);
  const std::vector<std::string> argv = runner.argvs()[0];
  ASSERT_EQ(argv.size(), 5U);
  EXPECT_EQ(argv[0], "sh");
  EXPECT_THAT(argv[1], ::testing::EndsWith("/package.run"));
  EXPECT_EQ(argv[2], "-x");
  EXPECT_EQ(argv[3], "--target");
  EXPECT_THAT(argv[4], ::testing::EndsWith("/extracted"));
  EXPECT_THAT(env, ::testing::Contains(::testing::StartsWith("PATH=")));
  EXPECT_THAT(env, ::testing::Contains("LC_ALL=C"));
  EXPECT_EQ(env.size(), 4U) << "PATH, LC_ALL, HOME, TMPDIR only";
}

TEST_F(BuilderUserspaceRunTest, KernelRecipeIsRefusedForUserspaceKeys) {
  testing::FakeCommandRunner runner;
  Builder builder({.work_dir = tmp_.path() / "work"}, runner, clock_);
  EXPECT_THAT(
      [&] {
        (void)builder.Build({.key = artifact::UserspaceKey(kVersion, gpuruntime::Arch::kAmd64),
                             .recipe = "kbuild-open",
                             .source_url = package_->url,
                             .source_sha256 = package_->sha256},
                            {});
      },
      ::testing::ThrowsMessage<BuildError>(
          HasSubstr("does not build userspace parts; use kbuild-run")));
  EXPECT_TRUE(runner.argvs().empty());
}

}  // namespace
}  // namespace gpuext::nodeagent
