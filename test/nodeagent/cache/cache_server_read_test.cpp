// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// CacheServer reads over real TLS: manifests, ranged and resumable blob downloads.
#include <gtest/gtest.h>

#include "cache_test_fixture.h"
#include "gpuext/nodeagent/artifact/blob_store.h"
#include "gpuext/sha256.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::cache::testing {
namespace {

class CacheServerReadTest : public CacheServerFixture {
 protected:
  void SetUp() override {
    CacheServerFixture::SetUp();
    key_ = artifact::UserspaceKey("580.95.05", gpuruntime::Arch::kAmd64);
    packed_ = Pack(key_);
    blob_ = dir_.path() / "blob-a.tar.zst";
    blob_bytes_ = CacheTestReadFile(blob_);
    store_->PutBlob(packed_.digest, blob_);
    manifest_.key = key_;
    manifest_.created = FormatRfc3339(clock_.Now());
    manifest_.blobs = {{.digest = packed_.digest, .size = packed_.size}};
    manifest_.files = packed_.files;
    artifact::SignManifest(manifest_, signing_key_);
    store_->PutManifest(manifest_);
  }

  [[nodiscard]] std::filesystem::path StoredBlob() const {
    return store_->root() / artifact::BlobObjectName(packed_.digest);
  }

  artifact::ArtifactKey key_;
  artifact::PackResult packed_;
  std::filesystem::path blob_;
  std::string blob_bytes_;
  artifact::ArtifactManifest manifest_;
};

TEST_F(CacheServerReadTest, ManifestAndBlobRoundTripOverTls) {
  const auto client = Client();
  const auto text = client.GetManifest(key_);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(artifact::DecodeManifest(*text), manifest_);
  EXPECT_TRUE(client.ManifestExists(key_));
  EXPECT_EQ(client.BlobSize(packed_.digest), packed_.size);

  std::vector<std::pair<std::int64_t, std::int64_t>> progress;
  const auto dest = dir_.path() / "download" / "blob";
  std::filesystem::create_directories(dest.parent_path());
  client.DownloadBlob(packed_.digest, dest, [&](std::int64_t done, std::int64_t total) {
    progress.emplace_back(done, total);
  });
  EXPECT_EQ(CacheTestReadFile(dest), blob_bytes_);
  EXPECT_FALSE(std::filesystem::exists(dest.string() + ".part"));
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(packed_.size, packed_.size));
}

TEST_F(CacheServerReadTest, ManifestEtagIsTheSha256OfItsBytes) {
  const auto res = Raw()->Get(("/v1/manifests/" + key_.Path()).c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("ETag"), "\"" + Sha256Hex(res->body) + "\"");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
}

TEST_F(CacheServerReadTest, MissingManifestIs404ForHeadAndGet) {
  const auto missing = artifact::UserspaceKey("580.95.06", gpuruntime::Arch::kAmd64);
  const auto client = Client();
  EXPECT_EQ(client.GetManifest(missing), std::nullopt);
  EXPECT_FALSE(client.ManifestExists(missing));
  const auto head = Raw()->Head(("/v1/manifests/" + missing.Path()).c_str());
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 404);
  const auto bad = Raw()->Get("/v1/manifests/kernel/../etc/passwd");
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->status, 200);
}

TEST_F(CacheServerReadTest, SingleRangeAnswers206WithContentRange) {
  const auto path = "/v1/blobs/" + packed_.digest;
  const auto size = static_cast<std::int64_t>(blob_bytes_.size());
  ASSERT_GT(size, 40);
  auto raw = Raw();
  auto res = raw->Get(path.c_str(), {{"Range", "bytes=10-19"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->body, blob_bytes_.substr(10, 10));
  EXPECT_EQ(res->get_header_value("Content-Range"), "bytes 10-19/" + std::to_string(size));
  EXPECT_EQ(res->get_header_value("Accept-Ranges"), "bytes");
  EXPECT_EQ(res->get_header_value("ETag"), "\"" + packed_.digest + "\"");

  res = raw->Get(path.c_str(), {{"Range", "bytes=-5"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->body, blob_bytes_.substr(blob_bytes_.size() - 5));

  res = raw->Get(path.c_str(), {{"Range", "bytes=30-"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->body, blob_bytes_.substr(30));

  // A last byte past the end is clamped (RFC 9110).
  res = raw->Get(path.c_str(), {{"Range", "bytes=30-999999999"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->body, blob_bytes_.substr(30));

  res = raw->Get(path.c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, blob_bytes_);
}

TEST_F(CacheServerReadTest, UnsatisfiableRangeAnswers416) {
  const auto path = "/v1/blobs/" + packed_.digest;
  const std::string size = std::to_string(blob_bytes_.size());
  auto raw = Raw();
  for (const std::string& range :
       std::vector<std::string>{"bytes=" + size + "-", "bytes=0-1,5-6", "lines=1-2"}) {
    const auto res = raw->Get(path.c_str(), {{"Range", range}});
    ASSERT_TRUE(res) << range;
    EXPECT_EQ(res->status, 416) << range;
  }
  // The size comes with a range past the end (malformed headers are refused by cpp-httplib
  // before routing, without it).
  const auto res = raw->Get(path.c_str(), {{"Range", "bytes=" + size + "-"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Range"), "bytes */" + size);
}

TEST_F(CacheServerReadTest, InterruptedDownloadResumesFromThePartFile) {
  const auto dest = dir_.path() / "resume" / "blob";
  const std::size_t half = blob_bytes_.size() / 2;
  CacheTestWriteFile(dest.string() + ".part", blob_bytes_.substr(0, half));
  std::int64_t first_done = -1;
  Client().DownloadBlob(packed_.digest, dest, [&](std::int64_t done, std::int64_t) {
    if (first_done < 0) {
      first_done = done;
    }
  });
  EXPECT_EQ(CacheTestReadFile(dest), blob_bytes_);
  EXPECT_FALSE(std::filesystem::exists(dest.string() + ".part"));
  EXPECT_GT(first_done, static_cast<std::int64_t>(half));
  // Only the missing half crossed the wire.
  EXPECT_NE(server_->metrics().Expose().find("gpu_cache_bytes_served_total " +
                                             std::to_string(blob_bytes_.size() - half)),
            std::string::npos)
      << server_->metrics().Expose();
}

TEST_F(CacheServerReadTest, CompleteOrOversizedPartFilesEndVerified) {
  const auto complete = dir_.path() / "complete" / "blob";
  CacheTestWriteFile(complete.string() + ".part", blob_bytes_);
  Client().DownloadBlob(packed_.digest, complete);  // 416 "bytes */size": nothing to fetch
  EXPECT_EQ(CacheTestReadFile(complete), blob_bytes_);
  const auto oversized = dir_.path() / "oversized" / "blob";
  CacheTestWriteFile(oversized.string() + ".part", blob_bytes_ + "trailing garbage");
  Client().DownloadBlob(packed_.digest, oversized);  // starts over
  EXPECT_EQ(CacheTestReadFile(oversized), blob_bytes_);
  EXPECT_FALSE(std::filesystem::exists(oversized.string() + ".part"));
}

TEST_F(CacheServerReadTest, CorruptPartFileIsDiscardedAndNothingIsRenamed) {
  const auto dest = dir_.path() / "corrupt" / "blob";
  CacheTestWriteFile(dest.string() + ".part", std::string(blob_bytes_.size() / 2, 'x'));
  try {
    Client().DownloadBlob(packed_.digest, dest);
    FAIL() << "expected a digest mismatch";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("hash"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dest));
  EXPECT_FALSE(std::filesystem::exists(dest.string() + ".part"));
  // The next attempt starts over and succeeds.
  Client().DownloadBlob(packed_.digest, dest);
  EXPECT_EQ(CacheTestReadFile(dest), blob_bytes_);
}

TEST_F(CacheServerReadTest, TamperedStoredBlobFailsTheDownloadAndLeavesNoFile) {
  std::string tampered = blob_bytes_;
  tampered[tampered.size() / 2] ^= 0x5a;
  std::filesystem::permissions(StoredBlob(), std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  CacheTestWriteFile(StoredBlob(), tampered);
  const auto dest = dir_.path() / "tampered" / "blob";
  std::filesystem::create_directories(dest.parent_path());
  EXPECT_THROW(Client().DownloadBlob(packed_.digest, dest), Error);
  EXPECT_FALSE(std::filesystem::exists(dest));
  EXPECT_FALSE(std::filesystem::exists(dest.string() + ".part"));
}

TEST_F(CacheServerReadTest, MissingBlobIsNotFound) {
  const std::string digest = "sha256:" + std::string(64, '0');
  EXPECT_EQ(Client().BlobSize(digest), std::nullopt);
  try {
    Client().DownloadBlob(digest, dir_.path() / "missing");
    FAIL() << "expected kNotFound";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "missing.part"));
}

TEST_F(CacheServerReadTest, KeysAreListedByPrefix) {
  EXPECT_EQ(Client().ListKeys("userspace/"), std::vector<std::string>{key_.Path()});
  EXPECT_TRUE(Client().ListKeys("kernel/").empty());
}

TEST_F(CacheServerReadTest, HealthReadinessAndMetricsAreServed) {
  auto raw = Raw();
  EXPECT_EQ(raw->Get("/healthz")->status, 200);
  EXPECT_EQ(raw->Get("/readyz")->status, 200);
  (void)Client().GetManifest(key_);
  const auto metrics = raw->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("gpu_cache_requests_total{op=\"manifest\",result=\"hit\"} 1"),
            std::string::npos)
      << metrics->body;
}

TEST_F(CacheServerReadTest, ClientRefusesAServerItDoesNotTrust) {
  const auto other = kube::CertificateAuthority::Generate("other-ca", 24h);
  artifact::HttpCacheClient client({.base_url = url(), .ca_pem = other.cert_pem()});
  try {
    (void)client.GetManifest(key_);
    FAIL() << "expected a TLS failure";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kRetryableInfraDependencies);
  }
}

}  // namespace
}  // namespace gpuext::nodeagent::cache::testing
