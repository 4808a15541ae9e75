// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// `gpu cache --s3-url` against a real s3rver (SigV4 checked), run as the built binary so that
// the credentials come from the environment as they would for a user.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../../nodeagent/cache/cache_test_fixture.h"
#include "gpuext/cli/app.h"
#include "gpuext/nodeagent/artifact/s3_store.h"
#include "gpuext/testing/s3rver.h"
#include "gpuext/time_format.h"

namespace gpuext::cli::testing {
namespace {

namespace artifact = nodeagent::artifact;
using nlohmann::json;
using nodeagent::cache::testing::CacheServerFixture;
using nodeagent::cache::testing::CacheTestWriteFile;
using ::testing::HasSubstr;
using ::testing::Not;

class CliCacheBucketTest : public CacheServerFixture {
 protected:
  void SetUp() override {
    CacheServerFixture::SetUp();
    try {
      s3_ = std::make_unique<gpuext::testing::S3rver>();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
    artifact::S3BlobStore store({.endpoint = s3_->endpoint(),
                                 .region = "us-east-1",
                                 .bucket = s3_->bucket(),
                                 .force_path_style = true,
                                 .credentials = {.access_key_id = s3_->access_key_id(),
                                                 .secret_access_key = s3_->secret_access_key()}},
                                clock_);
    key_ = artifact::UserspaceKey("580.95.05", gpuruntime::Arch::kAmd64);
    const auto packed = Pack(key_);
    store.PutBlob(packed.digest, dir_.path() / "blob-a.tar.zst");
    artifact::ArtifactManifest m{.key = key_, .created = FormatRfc3339(clock_.Now())};
    m.builder = {.image = "gpu-node-agent:test", .recipe = "userspace", .job_name = "build-x"};
    m.blobs = {{.digest = packed.digest, .size = packed.size}};
    m.files = packed.files;
    artifact::SignManifest(m, signing_key_);
    store.PutManifest(m);
    CacheTestWriteFile(dir_.path() / "key.pub", signing_key_.PublicKeyBase64());
  }

  gpuext::testing::ProcessResult GpuBinary(std::vector<std::string> args,
                                           const std::string& secret = "S3RVER") {
    args.insert(args.begin(), std::string(GPUEXT_BINARY_DIR) + "/bin/gpu");
    args.insert(args.end(), {"--s3-url", s3_->endpoint(), "--bucket", s3_->bucket()});
    return gpuext::testing::RunProcess(
        args, {.env = {"AWS_ACCESS_KEY_ID=S3RVER", "AWS_SECRET_ACCESS_KEY=" + secret,
                       "AWS_REGION=us-east-1"}});
  }

  std::unique_ptr<gpuext::testing::S3rver> s3_;
  artifact::ArtifactKey key_;
};

TEST_F(CliCacheBucketTest, LsAndInspectReadTheBucketWithEnvironmentCredentials) {
  auto r = GpuBinary({"cache", "ls", "-o", "json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.stderr_text;
  const json items = json::parse(r.stdout_text)["items"];
  ASSERT_EQ(items.size(), 1U) << r.stdout_text;
  EXPECT_EQ(items[0]["key"], key_.Path());
  EXPECT_EQ(items[0]["builder"]["jobName"], "build-x");

  r = GpuBinary(
      {"cache", "inspect", key_.Path(), "--public-key", (dir_.path() / "key.pub").string()});
  EXPECT_EQ(r.exit_code, kExitOk) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("valid"));
  EXPECT_THAT(r.stdout_text, HasSubstr("libnvidia-ml.so.1 -> libnvidia-ml.so.580.95.05"));
  EXPECT_THAT(r.stdout_text, Not(HasSubstr("\x1b[")));  // stdout is a pipe: no colour
}

TEST_F(CliCacheBucketTest, WrongSecretAndGcAreErrors) {
  auto r = GpuBinary({"cache", "ls"}, "wrong-secret");
  EXPECT_EQ(r.exit_code, kExitError);
  EXPECT_THAT(r.stderr_text, HasSubstr("error: "));
  EXPECT_THAT(r.stderr_text, Not(HasSubstr("wrong-secret")));  // secrets are never printed

  r = GpuBinary({"cache", "gc"});
  EXPECT_EQ(r.exit_code, kExitError);
  EXPECT_THAT(r.stderr_text, HasSubstr("gc: not supported for a bucket"));
}

}  // namespace
}  // namespace gpuext::cli::testing
