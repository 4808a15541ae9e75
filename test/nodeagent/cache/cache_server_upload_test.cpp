// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// CacheServer uploads and commits: tokens, digests, re-derived files, signed manifests that the
// agent's verification accepts.
#include <gtest/gtest.h>

#include "cache_test_fixture.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::cache::testing {
namespace {

using artifact::CacheLeaseState;

class CacheServerUploadTest : public CacheServerFixture {
 protected:
  BuildRequest Grant(const artifact::ArtifactKey& key) {
    const auto a = Client().RequestLease(key, {.node = "node-a", .os_version = "1877.5.0"});
    EXPECT_EQ(a.state, CacheLeaseState::kGranted);
    return launcher_.launches().back();
  }

  // Downloads and verifies like the agent (§13.3 steps 5-6).
  artifact::VerifyResult FetchAndVerify(const artifact::ArtifactKey& key, const std::string& name) {
    const auto client = Client();
    const auto text = client.GetManifest(key);
    EXPECT_TRUE(text.has_value());
    const artifact::ArtifactManifest manifest = artifact::DecodeManifest(*text);
    std::vector<std::filesystem::path> blobs;
    for (std::size_t i = 0; i < manifest.blobs.size(); ++i) {
      blobs.push_back(dir_.path() / (name + "-blob-" + std::to_string(i)));
      client.DownloadBlob(manifest.blobs[i].digest, blobs.back());
    }
    return artifact::VerifyArtifact({.manifest = manifest,
                                     .blob_files = blobs,
                                     .requested_key = key,
                                     .trusted_keys = {signing_key_.public_key()},
                                     .target_kernel_release = kCacheTestKernel,
                                     .require_signed_modules = false,
                                     .dest = dir_.path() / (name + "-tree")});
  }

  httplib::Result RawPut(const std::string& lease_id, const std::string& digest,
                         const std::string& body, const std::string& token) {
    return Raw()->Put(("/v1/uploads/" + lease_id + "/blobs/" + digest).c_str(),
                      {{"Authorization", "Bearer " + token}}, body, "application/octet-stream");
  }
};

TEST_F(CacheServerUploadTest, CommittedKernelPartVerifiesWithTheServersKey) {
  const auto key = CacheTestKernelKey();
  const BuildRequest build = Grant(key);
  const auto packed = Pack(key);
  const std::string text = Publish(build, packed, dir_.path() / "blob-a.tar.zst");
  const auto manifest = artifact::DecodeManifest(text);
  EXPECT_EQ(manifest.key, key);
  EXPECT_EQ(manifest.vermagic,
            std::string(kCacheTestKernel) + " SMP preempt mod_unload modversions");
  // The server writes who built it from the lease, not from the builder's claim.
  EXPECT_EQ(manifest.builder.job_name, build.job_name);
  EXPECT_EQ(manifest.builder.cluster, "shoot--p--s");
  EXPECT_EQ(manifest.builder.recipe, "kbuild-run");
  EXPECT_EQ(manifest.files, packed.files);
  ASSERT_TRUE(manifest.signature.has_value());
  EXPECT_EQ(manifest.signature->key_id, signing_key_.KeyId());

  const auto verified = FetchAndVerify(key, "kernel");
  EXPECT_TRUE(verified.ok()) << verified.message;
  // Published: the staging area is gone and the lease is released.
  EXPECT_FALSE(std::filesystem::exists(store_->root() / "uploads" / build.lease.id));
  EXPECT_EQ(store_->GetLease(key), std::nullopt);
}

TEST_F(CacheServerUploadTest, CommittedUserspacePartWithSonameLinksVerifies) {
  const auto key = artifact::UserspaceKey("580.95.05", gpuruntime::Arch::kAmd64);
  const BuildRequest build = Grant(key);
  const auto packed = Pack(key, "u");
  (void)Publish(build, packed, dir_.path() / "blob-u.tar.zst");
  const auto verified = FetchAndVerify(key, "userspace");
  EXPECT_TRUE(verified.ok()) << verified.message;
}

TEST_F(CacheServerUploadTest, UploadWithAWrongDigestIsRejectedAndNothingIsStaged) {
  const auto key = CacheTestKernelKey();
  const BuildRequest build = Grant(key);
  const std::string claimed = "sha256:" + Sha256Hex("what the builder says");
  const auto res = RawPut(build.lease.id, claimed, "what the builder sends", build.token);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find(Sha256Hex("what the builder sends")), std::string::npos) << res->body;
  EXPECT_FALSE(
      std::filesystem::exists(store_->root() / "uploads" / build.lease.id / claimed.substr(7)));
  // The commit then has nothing to publish.
  try {
    (void)Uploader(build).Commit({});
    FAIL() << "expected 400";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
  }
  EXPECT_FALSE(store_->ManifestExists(key));
}

TEST_F(CacheServerUploadTest, ForgedOrExpiredTokensAre401AndForeignLeases403) {
  const auto key = CacheTestKernelKey();
  const BuildRequest build = Grant(key);
  const std::string body = "blob bytes";
  const std::string digest = "sha256:" + Sha256Hex(body);

  UploadTokens other("another-secret-of-32-bytes-length!");
  const std::string forged =
      other.Issue({.lease_id = build.lease.id, .key = key.Path(), .expires = clock_.Now() + 1h});
  auto res = RawPut(build.lease.id, digest, body, forged);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = RawPut(build.lease.id, digest, body, "garbage");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);

  // A genuine token for another lease id.
  const std::string foreign = tokens_.Issue(
      {.lease_id = "0123456789abcdef", .key = key.Path(), .expires = clock_.Now() + 1h});
  res = RawPut(build.lease.id, digest, body, foreign);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);

  // The lease's own token works, until it expires.
  res = RawPut(build.lease.id, digest, body, build.token);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  clock_.Advance(2h + 1s);
  res = RawPut(build.lease.id, digest, body, build.token);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_NE(res->body.find("expired"), std::string::npos) << res->body;
  try {
    (void)Uploader(build).PutBlob(dir_.path() / "agent-token");
    FAIL() << "expected 401";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInfraUnauthorized) << e.what();
  }
}

TEST_F(CacheServerUploadTest, TokenIsDeadAfterCommit) {
  const auto key = CacheTestKernelKey();
  const BuildRequest build = Grant(key);
  const auto packed = Pack(key);
  (void)Publish(build, packed, dir_.path() / "blob-a.tar.zst");
  try {
    (void)Uploader(build).PutBlob(dir_.path() / "blob-a.tar.zst");
    FAIL() << "expected 403";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInfraUnauthorized) << e.what();
    EXPECT_NE(std::string(e.what()).find("403"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)Uploader(build).Commit({}), Error);
}

TEST_F(CacheServerUploadTest, CommitWhoseFileListDisagreesWithTheBlobsIsRejected) {
  const auto key = CacheTestKernelKey();
  const BuildRequest build = Grant(key);
  const auto packed = Pack(key);
  const auto up = Uploader(build);
  (void)up.PutBlob(dir_.path() / "blob-a.tar.zst");
  auto files = packed.files;
  files.at(0).sha256 = std::string(64, 'b');
  try {
    (void)up.Commit({.files = files});
    FAIL() << "expected 400";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("nvidia.ko"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(store_->ManifestExists(key));
  // The lease survives a rejected commit; a correct one still publishes.
  EXPECT_NO_THROW((void)up.Commit({.files = packed.files}));
  EXPECT_TRUE(store_->ManifestExists(key));
}

TEST_F(CacheServerUploadTest, KernelPartBuiltForAnotherKernelIsRejected) {
  const auto key = CacheTestKernelKey();
  const BuildRequest build = Grant(key);
  const auto other = artifact::KernelKey("580.95.05", "6.1.0-18-amd64",
                                         gpuruntime::ModuleType::kOpen, gpuruntime::Arch::kAmd64);
  const auto packed = Pack(other, "other");
  const auto up = Uploader(build);
  (void)up.PutBlob(dir_.path() / "blob-other.tar.zst");
  try {
    (void)up.Commit({});
    FAIL() << "expected 400";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("vermagic"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(store_->ManifestExists(key));
}

}  // namespace
}  // namespace gpuext::nodeagent::cache::testing
