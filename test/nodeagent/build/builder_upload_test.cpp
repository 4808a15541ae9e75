// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The builder Job's whole path against the real gpu-driver-cache server on loopback TLS: a
// lease is granted, the SIMULATED-driver is built with real Kbuild, UploadSink uploads and
// commits, and the agent's verification accepts what the server signed. A failed build is
// reported and shows up as the lease's failure.

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../cache/cache_test_fixture.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/nodeagent/builder.h"
#include "gpuext/nodeagent/builder_command.h"
#include "gpuext/nodeagent/builder_upload_sink.h"
#include "simulated_driver.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;

class BuilderUploadTest : public cache::testing::CacheServerFixture {
 protected:
  void SetUp() override {
    headers_ = build_test::InstalledHeadersForTest();
    if (!headers_) {
      GTEST_SKIP() << "no kernel headers installed (install linux-headers-amd64)";
    }
    CacheServerFixture::SetUp();
    source_ = build_test::PackSimulatedDriver(dir_.path() / "src");
    key_ = artifact::KernelKey(build_test::kSimulatedDriverVersion, headers_->kernel_release,
                               gpuruntime::ModuleType::kOpen, gpuruntime::Arch::kAmd64);
  }

  cache::BuildRequest Grant() {
    const auto answer = Client().RequestLease(key_, {.node = "node-a", .os_version = "1877.5.0"});
    EXPECT_EQ(answer.state, artifact::CacheLeaseState::kGranted);
    return launcher_.launches().back();
  }

  [[nodiscard]] BuildRequest Request() const {
    return {.key = key_, .source_url = source_.url, .source_sha256 = source_.sha256};
  }

  std::optional<KernelHeaders> headers_;
  build_test::SimulatedSource source_;
  artifact::ArtifactKey key_;
};

TEST_F(BuilderUploadTest, BuiltArtifactIsCommittedAndVerifiesWithTheServersKey) {
  const cache::BuildRequest granted = Grant();
  const artifact::UploadClient client = Uploader(granted);
  std::stop_source stop;
  UploadSink sink(client, clock_, stop);
  RealCommandRunner runner;
  const BuildResult result = Builder({.work_dir = dir_.path() / "work", .jobs = 2}, runner, clock_)
                                 .BuildAndPublish(Request(), sink, stop.get_token());
  EXPECT_FALSE(sink.lease_lost());

  const auto text = Client().GetManifest(key_);
  ASSERT_TRUE(text.has_value());
  const artifact::ArtifactManifest m = artifact::DecodeManifest(*text);
  EXPECT_EQ(m.files, result.manifest.files);
  EXPECT_EQ(m.blobs.at(0).digest, result.manifest.blobs.at(0).digest);
  const fs::path blob = dir_.path() / "downloaded";
  Client().DownloadBlob(m.blobs.at(0).digest, blob);
  const artifact::VerifyResult verified =
      artifact::VerifyArtifact({.manifest = m,
                                .blob_files = {blob},
                                .requested_key = key_,
                                .trusted_keys = {signing_key_.public_key()},
                                .target_kernel_release = headers_->kernel_release,
                                .dest = dir_.path() / "verified"});
  EXPECT_TRUE(verified.ok()) << artifact::ToString(verified.reason) << ": " << verified.message;
}

TEST_F(BuilderUploadTest, FailedBuildIsReportedToTheCache) {
  const cache::BuildRequest granted = Grant();
  const artifact::UploadClient client = Uploader(granted);
  std::stop_source stop;
  UploadSink sink(client, clock_, stop);
  BuildRequest request = Request();
  request.source_sha256 = std::string(64, 'c');
  RealCommandRunner runner;
  try {
    (void)Builder({.work_dir = dir_.path() / "work"}, runner, clock_)
        .BuildAndPublish(request, sink, stop.get_token());
    FAIL() << "the build succeeded";
  } catch (const BuildError& e) {
    EXPECT_EQ(e.reason(), BuildFailure::kSourceDigestMismatch);
    sink.ReportFailure(key_, e);
  }
  const auto answer = Client().RequestLease(key_, {.node = "node-b", .os_version = "1877.5.0"});
  EXPECT_EQ(answer.state, artifact::CacheLeaseState::kFailed);
  EXPECT_EQ(answer.reason, "SourceDigestMismatch");
  EXPECT_THAT(answer.message, ::testing::HasSubstr("pinned is " + std::string(64, 'c')));
  EXPECT_FALSE(Client().GetManifest(key_).has_value());
}

TEST_F(BuilderUploadTest, LostLeaseStopsTheBuild) {
  const cache::BuildRequest granted = Grant();
  const artifact::UploadClient client = Uploader(granted);
  std::stop_source stop;
  // An interval beyond the test's time travel: only Progress heartbeats here.
  UploadSink sink(client, clock_, stop, std::chrono::hours(24));
  sink.Progress("compile");
  EXPECT_FALSE(stop.stop_requested());
  // The builder stalls past the lease TTL and another node's request takes the key over.
  clock_.Advance(std::chrono::minutes(3));
  const auto takeover = Client().RequestLease(key_, {.node = "node-b", .os_version = "1877.5.0"});
  ASSERT_EQ(takeover.state, artifact::CacheLeaseState::kGranted);
  EXPECT_THAT([&] { sink.Progress("check"); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("lease was lost")));
  EXPECT_TRUE(sink.lease_lost());
  EXPECT_TRUE(stop.stop_requested());
}

TEST_F(BuilderUploadTest, BuildCommandUploadsWithTheTokenFile) {
  const cache::BuildRequest granted = Grant();
  build_test::BuildTestWriteFile(dir_.path() / "upload-token", granted.token + "\n");
  const std::vector<std::string> args = {"--key",           key_.Path(),
                                         "--source-url",    source_.url,
                                         "--source-sha256", source_.sha256,
                                         "--work-dir",      (dir_.path() / "work").string(),
                                         "--jobs",          "2",
                                         "--upload",        granted.upload_url,
                                         "--token-file",    (dir_.path() / "upload-token").string(),
                                         "--ca-file",       (dir_.path() / "ca.crt").string()};
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(RunBuildCommand(args, out, err), 0) << err.str();
  EXPECT_THAT(out.str(), ::testing::HasSubstr("uploaded " + key_.Path() + " sha256:"));
  EXPECT_THAT(err.str(), ::testing::Not(::testing::HasSubstr(granted.token)));
  const auto text = Client().GetManifest(key_);
  ASSERT_TRUE(text.has_value());
  const std::vector<artifact::PublicKey> trusted = {signing_key_.public_key()};
  EXPECT_TRUE(artifact::VerifyManifestSignature(artifact::DecodeManifest(*text), trusted).ok());
}

}  // namespace
}  // namespace gpuext::nodeagent
