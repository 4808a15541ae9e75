// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Builder failures that happen before anything is compiled: missing headers, unpinned or
// mismatching sources, bad recipes. A FakeCommandRunner with no scripts proves no command ran.

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/builder.h"
#include "gpuext/nodeagent/testing/fake_command_runner.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"
#include "simulated_driver.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kFailureTestKernel[] = "6.1.0-99-SIMULATED-amd64";

// A Debian-style headers layout: the arch build tree includes the -common source tree, and
// /lib/modules/<k>/build is an absolute symlink (read inside the root).
void WriteDebianHeadersTree(const fs::path& root, const std::string& release) {
  const std::string common = "linux-headers-6.1.0-99-SIMULATED-common";
  build_test::BuildTestWriteFile(root / "usr/src" / common / "Makefile", "# SIMULATED kernel\n");
  build_test::BuildTestWriteFile(root / "usr/src" / ("linux-headers-" + release) / "Makefile",
                                 "include /usr/src/" + common + "/Makefile\n");
  build_test::BuildTestWriteFile(
      root / "usr/src" / ("linux-headers-" + release) / "include/generated/utsrelease.h",
      "#define UTS_RELEASE \"" + release + "\"\n");
  fs::create_directories(root / "lib/modules" / release);
  fs::create_symlink("/usr/src/linux-headers-" + release, root / "lib/modules" / release / "build");
}

class BuilderFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteDebianHeadersTree(tmp_.path() / "root", kFailureTestKernel);
    source_ = build_test::PackSimulatedDriver(tmp_.path() / "src");
  }

  [[nodiscard]] BuildRequest Request() const {
    return {.key = artifact::KernelKey(build_test::kSimulatedDriverVersion, kFailureTestKernel,
                                       gpuruntime::ModuleType::kOpen, gpuruntime::Arch::kAmd64),
            .source_url = source_.url,
            .source_sha256 = source_.sha256};
  }

  [[nodiscard]] BuilderOptions Options() const {
    return {.headers_root = tmp_.path() / "root", .work_dir = tmp_.path() / "work"};
  }

  // Builds and publishes into a fresh store; returns the failure, or fails the test.
  BuildError BuildExpectingFailure(const BuildRequest& request, const BuilderOptions& options) {
    artifact::FilesystemBlobStore store(tmp_.path() / "store", clock_);
    BlobStoreSink sink(store);
    try {
      (void)Builder(options, runner_, clock_).BuildAndPublish(request, sink, {});
    } catch (const BuildError& e) {
      EXPECT_TRUE(store.ListBlobs().empty());
      EXPECT_TRUE(store.ListManifests("").empty());
      EXPECT_THAT(runner_.argvs(), ::testing::IsEmpty());
      return e;
    }
    ADD_FAILURE() << "the build did not fail";
    return BuildError(BuildFailure::kBadSource, "no failure");
  }

  gpuext::testing::TempDir tmp_;
  gpuext::testing::FakeClock clock_;
  testing::FakeCommandRunner runner_;
  build_test::SimulatedSource source_;
};

TEST_F(BuilderFailureTest, MissingHeadersFailWithNoHeadersForKernel) {
  BuilderOptions options = Options();
  options.headers_root = tmp_.path() / "empty-root";
  fs::create_directories(options.headers_root);
  const BuildError e = BuildExpectingFailure(Request(), options);
  EXPECT_EQ(e.reason(), BuildFailure::kNoHeadersForKernel);
  EXPECT_THAT(e.what(), HasSubstr(std::string("no kernel headers for ") + kFailureTestKernel));
  EXPECT_THAT(e.what(), HasSubstr("installed: none"));
  EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
}

TEST_F(BuilderFailureTest, HeadersOfAnotherKernelAreNotUsed) {
  BuildRequest request = Request();
  request.key.kernel_release = "6.1.0-98-SIMULATED-amd64";
  const BuildError e = BuildExpectingFailure(request, Options());
  EXPECT_EQ(e.reason(), BuildFailure::kNoHeadersForKernel);
  EXPECT_THAT(e.what(), HasSubstr(std::string("installed: ") + kFailureTestKernel));
}

TEST_F(BuilderFailureTest, WrongSourceSha256FailsAndPublishesNothing) {
  BuildRequest request = Request();
  request.source_sha256 = std::string(64, 'a');
  const BuildError e = BuildExpectingFailure(request, Options());
  EXPECT_EQ(e.reason(), BuildFailure::kSourceDigestMismatch);
  EXPECT_THAT(e.what(), HasSubstr("has sha256 " + source_.sha256));
  EXPECT_THAT(e.what(), HasSubstr("pinned is " + std::string(64, 'a')));
}

TEST_F(BuilderFailureTest, UnpinnedSourceIsRefusedWhenPinsAreRequired) {
  BuildRequest request = Request();
  request.source_sha256.clear();
  const BuildError e = BuildExpectingFailure(request, Options());
  EXPECT_EQ(e.reason(), BuildFailure::kUnpinnedSource);
  EXPECT_FALSE(fs::exists(tmp_.path() / "work"));  // refused before downloading
}

TEST_F(BuilderFailureTest, MissingSourceFileFailsWithSourceFetchFailed) {
  BuildRequest request = Request();
  request.source_url = "file://" + (tmp_.path() / "no-such.tar.zst").string();
  const BuildError e = BuildExpectingFailure(request, Options());
  EXPECT_EQ(e.reason(), BuildFailure::kSourceFetchFailed);
  EXPECT_THAT(e.what(), HasSubstr("no-such.tar.zst"));
}

TEST_F(BuilderFailureTest, SourceWithoutKbuildDirectoryIsABadSource) {
  const build_test::SimulatedSource hollow = build_test::PackSimulatedDriver(
      tmp_.path() / "hollow", build_test::kSimulatedDriverVersion,
      [](const fs::path& tree) { fs::remove_all(tree / "kernel-open"); });
  BuildRequest request = Request();
  request.source_url = hollow.url;
  request.source_sha256 = hollow.sha256;
  const BuildError e = BuildExpectingFailure(request, Options());
  EXPECT_EQ(e.reason(), BuildFailure::kBadSource);
  EXPECT_THAT(e.what(), HasSubstr("no Makefile or no kernel-open/ directory"));
}

TEST_F(BuilderFailureTest, UnknownRecipeIsNamed) {
  BuildRequest request = Request();
  request.recipe = "kbuild-SIMULATED";
  const BuildError e = BuildExpectingFailure(request, Options());
  EXPECT_EQ(e.reason(), BuildFailure::kUnknownRecipe);
  EXPECT_THAT(e.what(), HasSubstr("recipe \"kbuild-SIMULATED\" is not supported"));
}

TEST(BuildErrorTest, ReasonsAreTheCacheFailureWords) {
  EXPECT_EQ(ToString(BuildFailure::kNoHeadersForKernel), "NoHeadersForKernel");
  EXPECT_EQ(ToString(BuildFailure::kSourceDigestMismatch), "SourceDigestMismatch");
  EXPECT_EQ(ToString(BuildFailure::kCompileError), "CompileError");
  const BuildError e(BuildFailure::kCompileError, "make failed", "tail");
  EXPECT_STREQ(e.what(), "CompileError: make failed");
  EXPECT_EQ(e.log_tail(), "tail");
}

}  // namespace
}  // namespace gpuext::nodeagent
