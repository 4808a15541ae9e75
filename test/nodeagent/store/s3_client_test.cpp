// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// S3Client against a real s3rver that verifies SigV4 signatures.
#include "gpuext/nodeagent/artifact/s3_client.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/kube/tls.h"
#include "gpuext/testing/fake_clock.h"
#include "s3_test_fixture.h"

namespace gpuext::nodeagent::artifact {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::S3rverTest;

std::string S3ClientTestRead(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Bytes that differ at every position, so a shifted or repeated part would show.
std::string S3ClientTestPattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
  }
  return out;
}

using S3ClientTest = S3rverTest;

TEST_F(S3ClientTest, PutGetHeadListDeleteRoundTrip) {
  S3Client s3(Config());
  const std::string etag = s3.PutObject("manifests/a.json", "{\"a\":1}");
  EXPECT_FALSE(etag.empty());

  const auto head = s3.HeadObject("manifests/a.json");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->size, 7);
  EXPECT_EQ(head->etag, etag);

  const auto got = s3.GetObject("manifests/a.json");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->body, "{\"a\":1}");

  const auto listed = s3.ListAll("manifests/");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].key, "manifests/a.json");
  EXPECT_EQ(listed[0].size, 7);

  s3.DeleteObject("manifests/a.json");
  EXPECT_FALSE(s3.HeadObject("manifests/a.json").has_value());
  EXPECT_FALSE(s3.GetObject("manifests/a.json").has_value());
  EXPECT_TRUE(s3.ListAll("manifests/").empty());
  s3.DeleteObject("manifests/a.json");  // absent is fine
}

TEST_F(S3ClientTest, PrefixIsPrependedAndStripped) {
  S3ClientConfig config = Config();
  config.prefix = "team-a";
  S3Client scoped(config);
  scoped.PutObject("x", "1");
  S3Client root(Config());
  EXPECT_TRUE(root.HeadObject("team-a/x").has_value());
  ASSERT_EQ(scoped.ListAll("").size(), 1u);
  EXPECT_EQ(scoped.ListAll("")[0].key, "x");
}

TEST_F(S3ClientTest, WrongSecretIsRefusedWithSignatureDoesNotMatch) {
  S3ClientConfig config = Config();
  config.credentials.secret_access_key = "not-the-secret-1234";
  S3Client s3(config);
  // The server checks the signature: a wrong secret must be refused, for writes and reads.
  EXPECT_THAT([&] { s3.PutObject("k", "v"); },
              ::testing::ThrowsMessage<S3Error>(
                  AllOf(HasSubstr("403 SignatureDoesNotMatch"),
                        HasSubstr("check the secretAccessKey in Secret ref-gpu-cache-s3"),
                        HasSubstr("s3://gpu-drivers/k"), Not(HasSubstr("not-the-secret-1234")))));
  try {
    static_cast<void>(s3.ListObjectsV2(""));
    FAIL() << "listing with a wrong secret succeeded";
  } catch (const S3Error& e) {
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_EQ(e.s3_code(), "SignatureDoesNotMatch");
    EXPECT_EQ(e.code(), ErrorCode::kInfraUnauthorized);
  }
}

TEST_F(S3ClientTest, OneClientServesManyThreads) {
  S3Client s3(Config());
  std::vector<std::jthread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&s3, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        s3.PutObject(key, key);
        EXPECT_EQ(s3.GetObject(key)->body, key);
      }
    });
  }
  threads.clear();  // joins
  EXPECT_EQ(s3.ListAll("", 7).size(), 30u);
}

TEST_F(S3ClientTest, SessionTokenTravelsSigned) {
  // x-amz-security-token is sent as a header that libcurl signs; s3rver recomputes the signature
  // over every signed header, so a token that broke signing would be refused here.
  S3ClientConfig config = Config();
  config.credentials.session_token = "FwoGZXIvYXdzEBAaDH+token/with=chars";
  S3Client s3(config);
  s3.PutObject("k", "v");
  EXPECT_EQ(s3.GetObject("k")->body, "v");
}

TEST_F(S3ClientTest, UnknownAccessKeyNamesTheAccessKeyId) {
  S3ClientConfig config = Config();
  config.credentials.access_key_id = "nobody";
  S3Client s3(config);
  EXPECT_THAT([&] { static_cast<void>(s3.GetObject("k")); },
              ::testing::ThrowsMessage<S3Error>(
                  AllOf(HasSubstr("InvalidAccessKeyId"), HasSubstr("check the accessKeyId"))));
}

TEST_F(S3ClientTest, MissingBucketNamesTheField) {
  S3ClientConfig config = Config();
  config.bucket = "no-such-bucket";
  S3Client s3(config);
  EXPECT_THAT([&] { s3.PutObject("k", "v"); },
              ::testing::ThrowsMessage<S3Error>(
                  AllOf(HasSubstr("NoSuchBucket"), HasSubstr("check cache.s3.bucket"))));
}

TEST_F(S3ClientTest, ListWithPrefixPaginatesSortedAndEncoded) {
  S3Client s3(Config());
  // Keys whose prefix needs encoding in the query ('+', ' ', '/').
  const std::vector<std::string> want = {"m/k 1+a/0", "m/k 1+a/1", "m/k 1+a/2", "m/k 1+a/3",
                                         "m/k 1+a/4"};
  for (const auto& key : want) {
    s3.PutObject(key, key);
  }
  s3.PutObject("m/k 1+b/other", "x");
  s3.PutObject("n/else", "x");

  const S3ListPage first = s3.ListObjectsV2("m/k 1+a/", "", 2);
  ASSERT_EQ(first.entries.size(), 2u);
  EXPECT_FALSE(first.next_continuation_token.empty());
  const S3ListPage second = s3.ListObjectsV2("m/k 1+a/", first.next_continuation_token, 2);
  ASSERT_EQ(second.entries.size(), 2u);
  EXPECT_EQ(second.entries[0].key, "m/k 1+a/2");

  std::vector<std::string> got;
  for (const auto& e : s3.ListAll("m/k 1+a/", 2)) {
    got.push_back(e.key);
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(s3.GetObject("m/k 1+a/3")->body, "m/k 1+a/3");
}

TEST_F(S3ClientTest, MultipartUploadRoundTripsByteIdentical) {
  S3ClientConfig config = Config();
  config.part_size = 64 * 1024;
  config.multipart_threshold = 64 * 1024;
  S3Client s3(config);
  const std::string content = S3ClientTestPattern(5 * 64 * 1024 + 1234);  // 6 parts, last short
  const fs::path file = dir_.path() / "big";
  std::ofstream(file, std::ios::binary) << content;

  s3.PutFile("blobs/big", file);
  EXPECT_EQ(s3.HeadObject("blobs/big")->size, static_cast<std::int64_t>(content.size()));
  const fs::path back = dir_.path() / "back";
  const auto got = s3.GetObjectToFile("blobs/big", back);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->total_size, static_cast<std::int64_t>(content.size()));
  EXPECT_TRUE(S3ClientTestRead(back) == content) << "multipart upload is not byte-identical";
  // It really went through the multipart API (6 UploadPart requests).
  EXPECT_EQ(server_->WaitForLogCount("Stored part ", 6), 6u) << server_->Log();
  // Parts left behind by an upload would be listed as objects; none are.
  EXPECT_EQ(s3.ListAll("").size(), 1u);
}

TEST_F(S3ClientTest, RangedDownloadAppendsTheRest) {
  S3Client s3(Config());
  const std::string content = S3ClientTestPattern(10000);
  s3.PutObject("blob", content);
  const fs::path file = dir_.path() / "partial";
  std::ofstream(file, std::ios::binary) << content.substr(0, 4000);

  const auto got = s3.GetObjectToFile("blob", file, 4000);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->written, 6000);
  EXPECT_EQ(got->total_size, 10000);
  EXPECT_TRUE(S3ClientTestRead(file) == content);

  const auto past = s3.GetObjectToFile("blob", file, 10000);
  ASSERT_TRUE(past.has_value());
  EXPECT_TRUE(past->range_not_satisfiable);
  EXPECT_FALSE(s3.GetObjectToFile("absent", dir_.path() / "none").has_value());
}

TEST_F(S3ClientTest, VirtualHostedRequestsReachTheBucket) {
  // s3rver routes <bucket>.s3.localhost to the bucket but checks the SigV4 signature of such a
  // request against "/<bucket>/<key>" (its SigV2 rule) instead of "/<key>", so it refuses every
  // correctly signed virtual-hosted request. What can be checked here: the URL, and that libcurl
  // reaches the server under that name (*.localhost resolves to the loopback) and gets an S3
  // answer.
  S3ClientConfig config = Config();
  config.endpoint = server_->vhost_endpoint();  // http://s3.localhost:<port>
  config.force_path_style = false;
  S3Client s3(config);
  EXPECT_EQ(s3.Url("dir/k"),
            "http://gpu-drivers.s3.localhost:" + std::to_string(server_->port()) + "/dir/k");
  try {
    s3.PutObject("dir/k", "virtual");
    FAIL() << "s3rver accepted a virtual-hosted SigV4 request; test it like path style now";
  } catch (const S3Error& e) {
    EXPECT_EQ(e.s3_code(), "SignatureDoesNotMatch") << e.what();
  }
}

TEST_F(S3ClientTest, S3rverIgnoresIfNoneMatch) {
  // The fact S3BlobStore's probe relies on (DESIGN.md §14.4): no conditional writes here.
  S3Client s3(Config());
  EXPECT_TRUE(s3.PutObjectIfAbsent("once", "1").has_value());
  EXPECT_TRUE(s3.PutObjectIfAbsent("once", "2").has_value());
  EXPECT_EQ(s3.GetObject("once")->body, "2");
}

TEST_F(S3ClientTest, UnreachableEndpointIsRetriedThenRetryable) {
  S3ClientConfig config = Config();
  config.endpoint = "http://127.0.0.1:" + std::to_string(gpuext::testing::FreeLoopbackPort());
  gpuext::testing::FakeClock clock;
  S3Client s3(config, clock);
  std::string error;
  std::jthread request([&] {
    try {
      static_cast<void>(s3.HeadObject("k"));
    } catch (const S3Error& e) {
      error = e.what();
      EXPECT_EQ(e.code(), ErrorCode::kRetryableInfraDependencies);
    }
  });
  // Three attempts: it waits 200 ms, then 400 ms, between them.
  ASSERT_TRUE(clock.WaitForSleepers(1));
  clock.Advance(std::chrono::milliseconds(200));
  ASSERT_TRUE(clock.WaitForSleepers(1));
  clock.Advance(std::chrono::milliseconds(400));
  request.join();
  EXPECT_THAT(error, HasSubstr("no answer from"));
}

TEST(S3ClientConfigTest, MissingFieldsAreNamed) {
  const S3ClientConfig good{.endpoint = "http://127.0.0.1:1",
                            .region = "r",
                            .bucket = "b",
                            .force_path_style = true,
                            .credentials = {.access_key_id = "a", .secret_access_key = "s"}};
  struct Case {
    const char* name;
    void (*edit)(S3ClientConfig&);
    const char* want;
  };
  const Case cases[] = {
      {"region", [](S3ClientConfig& c) { c.region.clear(); }, "cache.s3.region is required"},
      {"bucket", [](S3ClientConfig& c) { c.bucket.clear(); }, "cache.s3.bucket is required"},
      {"key id", [](S3ClientConfig& c) { c.credentials.access_key_id.clear(); },
       "accessKeyId is required"},
      {"secret", [](S3ClientConfig& c) { c.credentials.secret_access_key.clear(); },
       "secretAccessKey is required"},
      {"endpoint", [](S3ClientConfig& c) { c.endpoint.clear(); }, "cache.s3.endpoint"},
      {"vhost on ip", [](S3ClientConfig& c) { c.force_path_style = false; }, "forcePathStyle"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    S3ClientConfig config = good;
    c.edit(config);
    EXPECT_THAT([&] { S3Client s3(config); }, ::testing::ThrowsMessage<Error>(HasSubstr(c.want)));
  }
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact

namespace gpuext::nodeagent::artifact {
namespace {

// s3rver over HTTPS with a certificate from a CA the test makes.
class S3ClientTlsTest : public testing::S3rverTest {
 protected:
  [[nodiscard]] gpuext::testing::S3rverOptions ServerOptions() const override {
    return {.tls_cert_pem = serving_.cert_pem, .tls_key_pem = serving_.key_pem};
  }

  const kube::CertificateAuthority ca_ =
      kube::CertificateAuthority::Generate("s3-test-ca", std::chrono::hours(24));
  const kube::KeyPair serving_ =
      ca_.IssueServing({"127.0.0.1", "localhost"}, std::chrono::hours(24));
};

TEST_F(S3ClientTlsTest, TrustsTheGivenCaBundle) {
  ASSERT_TRUE(server_->endpoint().starts_with("https://"));
  S3ClientConfig config = Config();
  config.ca_pem = ca_.cert_pem();
  S3Client in_memory(config);
  in_memory.PutObject("k", "over tls");

  config.ca_pem.clear();
  config.ca_file = (dir_.path() / "ca.pem").string();
  std::ofstream(config.ca_file) << ca_.cert_pem();
  S3Client from_file(config);
  EXPECT_EQ(from_file.GetObject("k")->body, "over tls");
}

TEST_F(S3ClientTlsTest, RefusesAnUntrustedCertificate) {
  S3ClientConfig config = Config();
  config.ca_pem =
      kube::CertificateAuthority::Generate("other-ca", std::chrono::hours(24)).cert_pem();
  S3Client s3(config);
  try {
    static_cast<void>(s3.HeadObject("k"));
    FAIL() << "an untrusted certificate was accepted";
  } catch (const S3Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
    EXPECT_THAT(e.what(), HasSubstr("is not trusted"));
  }
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact
