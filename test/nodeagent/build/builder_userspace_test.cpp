// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The userspace part (DESIGN.md §14.5 step 5) from a SIMULATED extracted package: a real shared
// library built by gcc (so the real ldconfig makes its SONAME link), a script standing in for
// nvidia-smi and a fake GSP firmware file.

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/nodeagent/builder.h"
#include "gpuext/nodeagent/testing/fake_command_runner.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"
#include "simulated_driver.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class BuilderUserspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pkg_ = tmp_.path() / "NVIDIA-Linux-x86_64-SIMULATED";
    build_test::BuildTestWriteFile(pkg_ / "nvidia-smi",
                                   "#!/bin/sh\necho 'SIMULATED nvidia-smi " + version_ + "'\n");
    fs::permissions(pkg_ / "nvidia-smi", fs::perms(0755));
    build_test::BuildTestWriteFile(pkg_ / "firmware/gsp_ga10x.bin", "SIMULATED GSP firmware");
    build_test::BuildTestWriteFile(pkg_ / "firmware/README", "not copied");
    build_test::BuildTestWriteFile(tmp_.path() / "nvml.c",
                                   "int SIMULATED_nvmlInit(void) { return 0; }\n");
    const auto gcc = gpuext::testing::RunProcess(
        {"gcc", "-shared", "-fPIC", "-Wl,-soname,libnvidia-ml.so.1", "-o",
         (pkg_ / ("libnvidia-ml.so." + version_)).string(), (tmp_.path() / "nvml.c").string()});
    ASSERT_EQ(gcc.exit_code, 0) << gcc.stderr_text;
  }

  [[nodiscard]] UserspacePackRequest Request() const {
    return {.key = artifact::UserspaceKey(version_, gpuruntime::Arch::kAmd64),
            .extracted_dir = pkg_,
            .files = {{.source = "nvidia-smi", .destination = "bin"},
                      {.source = "nvidia-debugdump", .destination = "bin", .required = false},
                      {.source = "libnvidia-ml.so." + version_,
                       .destination = "usr/lib/x86_64-linux-gnu"},
                      {.source = "firmware/gsp_*.bin",
                       .destination = "lib/firmware/nvidia/" + version_}},
            .source_sha256 = std::string(64, 'b')};
  }

  gpuext::testing::TempDir tmp_;
  gpuext::testing::FakeClock clock_;
  std::string version_ = build_test::kSimulatedDriverVersion;
  fs::path pkg_;
};

TEST_F(BuilderUserspaceTest, CopiesTheListAndMakesSonameLinks) {
  RealCommandRunner runner;
  Builder builder({.work_dir = tmp_.path() / "work"}, runner, clock_);
  const BuildResult result = builder.PackUserspace(Request(), {});

  std::vector<std::string> paths;
  for (const artifact::FileEntry& f : result.manifest.files) {
    paths.push_back(f.path);
  }
  const std::string lib = "usr/lib/x86_64-linux-gnu/";
  EXPECT_THAT(paths, ::testing::ElementsAre(
                         "bin/nvidia-smi", "lib/firmware/nvidia/" + version_ + "/gsp_ga10x.bin",
                         lib + "libnvidia-ml.so.1", lib + "libnvidia-ml.so." + version_));
  EXPECT_EQ(result.manifest.files[0].mode, 0755U);
  EXPECT_EQ(result.manifest.files[2].link_target, "libnvidia-ml.so." + version_);
  EXPECT_TRUE(result.manifest.vermagic.empty());

  const artifact::SigningKey key = artifact::SigningKey::Generate();
  artifact::ArtifactManifest m = result.manifest;
  artifact::SignManifest(m, key);
  const artifact::VerifyResult verified =
      artifact::VerifyArtifact({.manifest = m,
                                .blob_files = {result.blob_file},
                                .requested_key = Request().key,
                                .trusted_keys = {key.public_key()},
                                .dest = tmp_.path() / "verified"});
  EXPECT_TRUE(verified.ok()) << artifact::ToString(verified.reason) << ": " << verified.message;
}

TEST_F(BuilderUserspaceTest, LdconfigRunsOncePerLibraryDirectory) {
  testing::FakeCommandRunner runner;
  runner.Expect({"ldconfig"}, {});
  (void)Builder({.work_dir = tmp_.path() / "work"}, runner, clock_).PackUserspace(Request(), {});
  ASSERT_EQ(runner.argvs().size(), 1U);
  const auto argv = runner.argvs()[0];
  ASSERT_EQ(argv.size(), 4U);
  EXPECT_EQ(argv[0], "ldconfig");
  EXPECT_EQ(argv[1], "-n");
  EXPECT_EQ(argv[2], "-N");
  EXPECT_THAT(argv[3], ::testing::EndsWith("/out/tree/usr/lib/x86_64-linux-gnu"));
}

TEST_F(BuilderUserspaceTest, MissingRequiredFileIsNamed) {
  fs::remove(pkg_ / "firmware/gsp_ga10x.bin");
  testing::FakeCommandRunner runner;
  runner.Expect({"ldconfig"}, {});
  EXPECT_THAT(
      [&] {
        (void)Builder({.work_dir = tmp_.path() / "work"}, runner, clock_)
            .PackUserspace(Request(), {});
      },
      ::testing::ThrowsMessage<BuildError>(
          HasSubstr("BadSource: userspace file firmware/gsp_*.bin is missing")));
}

TEST_F(BuilderUserspaceTest, KernelKeyIsRefused) {
  UserspacePackRequest request = Request();
  request.key = artifact::KernelKey(version_, "6.1.0-1-amd64", gpuruntime::ModuleType::kOpen,
                                    gpuruntime::Arch::kAmd64);
  testing::FakeCommandRunner runner;
  EXPECT_THAT(
      [&] {
        (void)Builder({.work_dir = tmp_.path() / "work"}, runner, clock_)
            .PackUserspace(request, {});
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("PackUserspace packs userspace parts only")));
}

}  // namespace
}  // namespace gpuext::nodeagent
