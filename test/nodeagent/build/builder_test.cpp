// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Real kbuild builds of the SIMULATED-driver against the kernel headers installed on this
// machine (Debian's linux-headers-amd64 on CI), through the real CommandRunner.

#include "gpuext/nodeagent/builder.h"

#include <filesystem>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gpuext/nodeagent/artifact/elf_modinfo.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/nodeagent/builder_sink.h"
#include "gpuext/nodeagent/testing/fake_command_runner.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"
#include "simulated_driver.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class BuilderRealBuildTest : public build_test::SimulatedDriverBuildTest {
 protected:
  [[nodiscard]] BuildRequest Request() const {
    BuildRequest request = SimulatedRequest();
    request.image = "SIMULATED-kmodbuild:test";
    request.job_name = "build-test";
    return request;
  }
};

TEST_F(BuilderRealBuildTest, BuildsEveryModuleForTheHeadersKernel) {
  RealCommandRunner runner;
  Builder builder(Options("work"), runner, clock_);
  const BuildResult result = builder.Build(Request(), {});

  const fs::path video =
      result.tree / "lib/modules" / headers_->kernel_release / "kernel/drivers/video";
  for (const std::string name : {"nvidia.ko", "nvidia-uvm.ko", "nvidia-modeset.ko"}) {
    SCOPED_TRACE(name);
    const artifact::ModInfo info = artifact::ReadModInfo(video / name);
    EXPECT_THAT(info.Get("vermagic").value_or(""),
                ::testing::StartsWith(headers_->kernel_release + " "));
    EXPECT_EQ(info.Get("version"), build_test::kSimulatedDriverVersion);
  }
  EXPECT_EQ(artifact::ReadModInfo(video / "nvidia-uvm.ko").Get("depends"), "nvidia");
  EXPECT_EQ(artifact::ReadModInfo(video / "nvidia-modeset.ko").Get("depends"), "nvidia");

  const artifact::ArtifactManifest& m = result.manifest;
  ASSERT_EQ(m.files.size(), 3U);
  for (const artifact::FileEntry& file : m.files) {
    SCOPED_TRACE(file.path);
    const std::string bytes = build_test::BuildTestReadFile(result.tree / file.path);
    EXPECT_EQ(file.sha256, Sha256Hex(bytes));
    EXPECT_EQ(file.size, static_cast<std::int64_t>(bytes.size()));
    EXPECT_EQ(file.mode, 0644U);
  }
  const std::string prefix = "lib/modules/" + headers_->kernel_release + "/kernel/drivers/video/";
  EXPECT_EQ(m.files[0].path, prefix + "nvidia-modeset.ko");
  EXPECT_EQ(m.files[1].path, prefix + "nvidia-uvm.ko");
  EXPECT_EQ(m.files[2].path, prefix + "nvidia.ko");
  EXPECT_THAT(m.vermagic, ::testing::StartsWith(headers_->kernel_release + " "));
  EXPECT_EQ(m.builder.recipe, "kbuild-open");
  EXPECT_EQ(m.builder.source_sha256, source_.sha256);
  EXPECT_EQ(m.builder.image, "SIMULATED-kmodbuild:test");
  EXPECT_EQ(m.builder.job_name, "build-test");
  EXPECT_FALSE(m.builder.signed_modules);
  ASSERT_EQ(m.blobs.size(), 1U);
  EXPECT_EQ(m.blobs[0].digest,
            "sha256:" + Sha256Hex(build_test::BuildTestReadFile(result.blob_file)));
  EXPECT_EQ(m.key, Request().key);
}

TEST_F(BuilderRealBuildTest, PublishedArtifactPassesVerifyArtifact) {
  RealCommandRunner runner;
  Builder builder(Options("work"), runner, clock_);
  artifact::FilesystemBlobStore store(tmp_.path() / "store", clock_);
  const artifact::SigningKey key = artifact::SigningKey::Generate();
  BlobStoreSink sink(store, key);
  const BuildRequest request = Request();
  (void)builder.BuildAndPublish(request, sink, {});

  const auto text = store.GetManifest(request.key);
  ASSERT_TRUE(text.has_value());
  const artifact::ArtifactManifest m = artifact::DecodeManifest(*text);
  ASSERT_EQ(m.blobs.size(), 1U);
  const fs::path blob = tmp_.path() / "blob";
  ASSERT_TRUE(store.GetBlob(m.blobs[0].digest, blob));
  const artifact::VerifyResult verified =
      artifact::VerifyArtifact({.manifest = m,
                                .blob_files = {blob},
                                .requested_key = request.key,
                                .trusted_keys = {key.public_key()},
                                .target_kernel_release = headers_->kernel_release,
                                .dest = tmp_.path() / "verified"});
  EXPECT_TRUE(verified.ok()) << artifact::ToString(verified.reason) << ": " << verified.message;
  EXPECT_EQ(verified.files.size(), 3U);

  // The same artifact must be refused for another kernel: the vermagic check is real.
  const artifact::VerifyResult other =
      artifact::VerifyArtifact({.manifest = m,
                                .blob_files = {blob},
                                .requested_key = request.key,
                                .trusted_keys = {key.public_key()},
                                .target_kernel_release = "0.0.0-SIMULATED-other",
                                .dest = tmp_.path() / "other"});
  EXPECT_FALSE(other.ok());
}

TEST_F(BuilderRealBuildTest, SameInputsGiveTheSameBlobDigest) {
  RealCommandRunner runner;
  // Different work directories: the build path must not leak into the modules.
  const BuildResult first = Builder(Options("work-a"), runner, clock_).Build(Request(), {});
  const BuildResult second = Builder(Options("work-b"), runner, clock_).Build(Request(), {});
  ASSERT_EQ(first.manifest.blobs.size(), 1U);
  ASSERT_EQ(second.manifest.blobs.size(), 1U);
  EXPECT_EQ(first.manifest.blobs[0].digest, second.manifest.blobs[0].digest);
  EXPECT_EQ(first.manifest.files, second.manifest.files);
}

TEST_F(BuilderRealBuildTest, IncrementalBuildReusesTheCoreObjects) {
  build_test::BuildTestRecordingRunner runner;
  BuilderOptions options = Options("work");
  options.core_cache_dir = tmp_.path() / "core-cache";

  const BuildResult full = Builder(options, runner, clock_).Build(Request(), {});
  EXPECT_FALSE(full.core_reused);
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(options.core_cache_dir)) {
    entries.push_back(entry.path());
  }
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_THAT(
      entries[0].filename().string(),
      ::testing::StartsWith(std::string(build_test::kSimulatedDriverVersion) + "-amd64-cc"));
  const fs::path cached = entries[0] / "0.o";
  struct stat before {};
  ASSERT_EQ(::stat(cached.c_str(), &before), 0);

  // The second kernel: the same headers, the core cache warm.
  const BuildResult incremental = Builder(options, runner, clock_).Build(Request(), {});
  EXPECT_TRUE(incremental.core_reused);

  const auto runs = runner.runs();
  std::vector<std::pair<Command, CommandResult>> makes;
  for (const auto& run : runs) {
    if (run.first.argv.at(0) == "make") {
      makes.push_back(run);
    }
  }
  ASSERT_EQ(makes.size(), 2U);
  EXPECT_THAT(makes[0].second.stdout_text, HasSubstr("SIMULATED-core CC nv_core.c"));
  EXPECT_THAT(makes[1].second.stdout_text, Not(HasSubstr("SIMULATED-core CC")));
  EXPECT_THAT(makes[1].second.stdout_text, HasSubstr("nvidia.ko"));
  EXPECT_EQ(fs::path(makes[1].first.argv.at(2)).filename(), "kernel-open");
  EXPECT_EQ(fs::path(makes[0].first.argv.at(2)).filename(),
            std::string("open-gpu-kernel-modules-") + build_test::kSimulatedDriverVersion);

  struct stat after {};
  ASSERT_EQ(::stat(cached.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  // Linking the kept core gives the very same modules.
  EXPECT_EQ(full.manifest.blobs, incremental.manifest.blobs);
}

TEST_F(BuilderRealBuildTest, CompileErrorCarriesTheCompilerErrorLine) {
  const build_test::SimulatedSource broken = build_test::PackSimulatedDriver(
      tmp_.path() / "broken", build_test::kSimulatedDriverVersion, [](const fs::path& tree) {
        std::ofstream(tree / "kernel-open/nvidia/nv.c", std::ios::app)
            << "\nint SIMULATED_broken = undeclared_symbol;\n";
      });
  RealCommandRunner runner;
  artifact::FilesystemBlobStore store(tmp_.path() / "store", clock_);
  BlobStoreSink sink(store);
  BuildRequest request = Request();
  request.source_url = broken.url;
  request.source_sha256 = broken.sha256;
  try {
    (void)Builder(Options("work"), runner, clock_).BuildAndPublish(request, sink, {});
    FAIL() << "the build succeeded";
  } catch (const BuildError& e) {
    EXPECT_EQ(e.reason(), BuildFailure::kCompileError);
    EXPECT_THAT(e.log_tail(), HasSubstr("nv.c"));
    EXPECT_THAT(e.log_tail(), HasSubstr("error: 'undeclared_symbol' undeclared"));
    EXPECT_THAT(e.what(), HasSubstr("CompileError: make modules for " + headers_->kernel_release));
    EXPECT_THAT(e.what(), HasSubstr("undeclared_symbol"));
  }
  EXPECT_TRUE(store.ListBlobs().empty());
  EXPECT_TRUE(store.ListManifests("").empty());
}

TEST_F(BuilderRealBuildTest, WrongDriverVersionInSourceIsRefused) {
  const build_test::SimulatedSource other =
      build_test::PackSimulatedDriver(tmp_.path() / "other", "999.20.02");
  RealCommandRunner runner;
  BuildRequest request = Request();
  request.source_url = other.url;
  request.source_sha256 = other.sha256;
  EXPECT_THAT([&] { (void)Builder(Options("work"), runner, clock_).Build(request, {}); },
              ::testing::ThrowsMessage<BuildError>(
                  HasSubstr("VersionMismatch: nvidia-modeset.ko has version 999.20.02")));
}

// The Job runs as uid 65532 with no capabilities (§14.5). As root (CI), run gcc and make as
// nobody through setpriv, so a build step that needs root (writing into the headers, say) fails.
TEST_F(BuilderRealBuildTest, CompilesAsAnUnprivilegedUser) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "not root: every other build test already runs unprivileged";
  }
  fs::permissions(tmp_.path(), fs::perms(0755));  // let nobody reach the work directory
  RealCommandRunner real;
  testing::FakeCommandRunner runner;
  const auto as_nobody = [&](const Command& command, std::stop_token stop) {
    Command wrapped = command;
    wrapped.argv.insert(wrapped.argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534",
                                               "--clear-groups", "--inh-caps=-all", "--"});
    return real.Run(wrapped, stop);
  };
  runner.On({"gcc"}, as_nobody);
  runner.On({"make"}, [&](const Command& command, std::stop_token stop) {
    // The builder unpacked the source as root; hand it to nobody as the Job's own files are.
    const auto chown =
        gpuext::testing::RunProcess({"chown", "-R", "65534:65534", command.argv.at(2)});
    EXPECT_EQ(chown.exit_code, 0) << chown.stderr_text;
    return as_nobody(command, stop);
  });
  const BuildResult result = Builder(Options("work"), runner, clock_).Build(Request(), {});
  EXPECT_THAT(runner.unexpected(), ::testing::IsEmpty());
  ASSERT_EQ(result.manifest.files.size(), 3U);
  EXPECT_THAT(result.manifest.vermagic, ::testing::StartsWith(headers_->kernel_release + " "));
}

}  // namespace
}  // namespace gpuext::nodeagent
