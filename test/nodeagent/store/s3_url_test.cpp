// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/s3_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/s3_xml.h"

namespace gpuext::nodeagent::artifact {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(S3UrlTest, PathAndVirtualHostedStyle) {
  const S3Endpoint aws = ParseS3Endpoint("https://s3.eu-central-1.example:8443/");
  const S3Endpoint ip = ParseS3Endpoint("http://127.0.0.1:9000");
  const std::string key = "blobs/sha256/ab/abc";
  struct Case {
    const char* name;
    const S3Endpoint& endpoint;
    bool path_style;
    std::string key;
    S3Query query;
    std::string want;
  };
  const Case cases[] = {
      {"path style object", ip, true, key, {}, "http://127.0.0.1:9000/gpu-drivers/" + key},
      {"path style bucket has no trailing slash",
       ip,
       true,
       "",
       {{"list-type", "2"}},
       "http://127.0.0.1:9000/gpu-drivers?list-type=2"},
      {"virtual hosted object",
       aws,
       false,
       key,
       {},
       "https://gpu-drivers.s3.eu-central-1.example:8443/" + key},
      {"virtual hosted bucket",
       aws,
       false,
       "",
       {{"list-type", "2"}},
       "https://gpu-drivers.s3.eu-central-1.example:8443/?list-type=2"},
      {"key segments are encoded, slashes kept",
       ip,
       true,
       "manifests/kernel/6.1+x y.json",
       {},
       "http://127.0.0.1:9000/gpu-drivers/manifests/kernel/6.1%2Bx%20y.json"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(S3ObjectUrl(c.endpoint, "gpu-drivers", c.path_style, c.key, c.query), c.want);
  }
}

TEST(S3UrlTest, EndpointBasePathIsKept) {
  const S3Endpoint e = ParseS3Endpoint("http://gateway.local/s3");
  EXPECT_EQ(S3ObjectUrl(e, "b-1", true, "k", {}), "http://gateway.local/s3/b-1/k");
  EXPECT_EQ(S3ObjectUrl(e, "b-1", false, "k", {}), "http://b-1.gateway.local/s3/k");
}

TEST(S3UrlTest, QueryIsSortedAndEncodedTheAwsWay) {
  // curl 7.88 signs the query exactly as given; S3 canonicalises it sorted and encoded.
  EXPECT_EQ(
      S3CanonicalQuery({{"prefix", "manifests/kernel a+b"},
                        {"list-type", "2"},
                        {"continuation-token", "x/y=="},
                        {"max-keys", "2"}}),
      "continuation-token=x%2Fy%3D%3D&list-type=2&max-keys=2&prefix=manifests%2Fkernel%20a%2Bb");
  EXPECT_EQ(S3CanonicalQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(S3CanonicalQuery({{"uploadId", "u"}, {"partNumber", "10"}}),
            "partNumber=10&uploadId=u");
  EXPECT_EQ(S3UriEncode("a-_.~Z9!*'() ", false), "a-_.~Z9%21%2A%27%28%29%20");
}

TEST(S3UrlTest, VirtualHostedStyleRefusesWhatCannotWork) {
  const S3Endpoint ip = ParseS3Endpoint("http://127.0.0.1:9000");
  EXPECT_THAT([&] { static_cast<void>(S3ObjectUrl(ip, "gpu-drivers", false, "k", {})); },
              ThrowsMessage<Error>(HasSubstr("forcePathStyle: true")));
  const S3Endpoint dns = ParseS3Endpoint("https://s3.example");
  EXPECT_THAT([&] { static_cast<void>(S3ObjectUrl(dns, "Bad_Bucket", false, "k", {})); },
              ThrowsMessage<Error>(HasSubstr("cache.s3.bucket \"Bad_Bucket\" is not a DNS name")));
}

TEST(S3UrlTest, BadEndpointsNameTheFieldAndTheFix) {
  for (const char* bad : {"s3.example", "ftp://s3.example", "https://user@s3.example",
                          "https://s3.example:port", "https://", "https://s3.example?x=1"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT([&] { static_cast<void>(ParseS3Endpoint(bad)); },
                ThrowsMessage<Error>(HasSubstr("cache.s3.endpoint")));
  }
  const S3Endpoint v6 = ParseS3Endpoint("http://[::1]:9000");
  EXPECT_EQ(v6.host, "[::1]");
  EXPECT_EQ(v6.port, "9000");
  EXPECT_TRUE(v6.HostIsIpLiteral());
  EXPECT_FALSE(ParseS3Endpoint("http://s3.localhost").HostIsIpLiteral());
}

TEST(S3XmlTest, ReadsErrorsAndListings) {
  const std::string error = R"(<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>SignatureDoesNotMatch</Code>
  <Message>The request signature &amp; &#x41;&#66; &lt;ok&gt;</Message>
</Error>)";
  EXPECT_EQ(XmlChildText(error, "Code"), "SignatureDoesNotMatch");
  EXPECT_EQ(XmlChildText(error, "Message"), "The request signature & AB <ok>");
  EXPECT_EQ(XmlChildText(error, "Missing"), std::nullopt);

  const std::string list = R"(<ListBucketResult xmlns="http://doc.s3.example/2006-03-01/">
<KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>
<Contents><Key>a&amp;b</Key><Size>3</Size><ETag>"e1"</ETag></Contents>
<Contents><Key>c</Key><Size>0</Size><ETag/></Contents>
<NextContinuationToken>tok</NextContinuationToken></ListBucketResult>)";
  const auto contents = XmlElements(list, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlChildText(contents[0], "Key"), "a&b");
  EXPECT_EQ(XmlChildText(contents[0], "ETag"), "\"e1\"");
  EXPECT_EQ(XmlChildText(contents[1], "ETag"), "");
  // <Key> must not match <KeyCount>.
  EXPECT_EQ(XmlChildText(list, "Key"), "a&b");
  EXPECT_EQ(XmlChildText(list, "NextContinuationToken"), "tok");
  EXPECT_EQ(XmlEscape("<a&'\">"), "&lt;a&amp;&apos;&quot;&gt;");
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact
