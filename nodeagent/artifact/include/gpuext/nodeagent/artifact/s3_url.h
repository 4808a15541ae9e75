// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// URL building for the S3 client (DESIGN.md §14.6 "S3 client"). libcurl 7.88 signs the path and
// the query exactly as given (query canonicalisation came in curl 8.3.0), so the URL must already
// be in SigV4 canonical form: every key segment percent-encoded the AWS way and the query
// parameters sorted by name, each name and value percent-encoded.
//
//   S3Endpoint e = ParseS3Endpoint("http://127.0.0.1:9000");
//   S3ObjectUrl(e, "gpu-drivers", /*path_style=*/true, "manifests/a b.json", {})
//     // "http://127.0.0.1:9000/gpu-drivers/manifests/a%20b.json"
//   S3ObjectUrl(ParseS3Endpoint("https://s3.example"), "gpu-drivers", false, "",
//               {{"prefix", "m/"}, {"list-type", "2"}})
//     // "https://gpu-drivers.s3.example/?list-type=2&prefix=m%2F"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpuext::nodeagent::artifact {

// Query parameters in any order; S3CanonicalQuery sorts them.
using S3Query = std::vector<std::pair<std::string, std::string>>;

// The parsed cache.s3.endpoint. Value type.
struct S3Endpoint {
  std::string scheme = {};     // "http" or "https"
  std::string host = {};       // "s3.example", "127.0.0.1", "[::1]"
  std::string port = {};       // "" when the URL names none
  std::string base_path = {};  // "" or "/some/path" (no trailing slash)

  [[nodiscard]] bool HostIsIpLiteral() const;
};

// Parses "http(s)://host[:port][/path]". Throws gpuext::Error(kConfigurationProblem) naming
// cache.s3.endpoint and the fix for anything else (no scheme, user info, query, fragment).
[[nodiscard]] S3Endpoint ParseS3Endpoint(std::string_view url);

// AWS SigV4 URI encoding: every byte except A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex);
// '/' is kept when keep_slash (object key paths).
[[nodiscard]] std::string S3UriEncode(std::string_view text, bool keep_slash);

// "a=1&b=&c=x%2Fy": sorted by encoded name, then value; empty values keep their '='.
[[nodiscard]] std::string S3CanonicalQuery(const S3Query& query);

// True for names S3 accepts as a virtual-hosted bucket: 3-63 of [a-z0-9.-], starting and ending
// with a letter or digit.
[[nodiscard]] bool IsDnsCompatibleBucket(std::string_view bucket);

// The URL of `key` (already including any store prefix; "" for the bucket itself) with
// `query`. Path style: scheme://host[:port]/bucket/key (the bucket alone is "/bucket", without a
// trailing slash, the form every server signs the same way). Virtual-hosted style:
// scheme://bucket.host[:port]/key. Throws gpuext::Error(kConfigurationProblem) when virtual-hosted
// style cannot work (an IP endpoint, a bucket name that is no DNS label) and says to set
// forcePathStyle.
[[nodiscard]] std::string S3ObjectUrl(const S3Endpoint& endpoint, std::string_view bucket,
                                      bool path_style, std::string_view key, const S3Query& query);

}  // namespace gpuext::nodeagent::artifact
