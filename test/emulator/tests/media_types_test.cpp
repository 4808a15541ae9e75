// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Content negotiation at the HTTP level: protobuf request bodies and Table responses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulator_fixture.h"
#include "https_client.h"

namespace gpuext::emulator::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kTable = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
constexpr const char* kProtobuf = "application/vnd.kubernetes.protobuf";

// Protobuf encoding helpers: just enough to build runtime.Unknown envelopes by hand.
std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string Bytes(uint32_t field, const std::string& value) {
  return Varint((field << 3) | 2) + Varint(value.size()) + value;
}
std::string VarintField(uint32_t field, uint64_t value) {
  return Varint(field << 3) + Varint(value);
}
std::string Envelope(const std::string& api_version, const std::string& kind,
                     const std::string& raw) {
  return std::string("k8s\0", 4) + Bytes(1, Bytes(1, api_version) + Bytes(2, kind)) +
         Bytes(2, raw) + Bytes(3, "") + Bytes(4, "");
}

class MediaTypesTest : public EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    api_ = std::make_unique<HttpsClient>(*server_, dir_.path() / "ca.pem");
  }
  std::unique_ptr<HttpsClient> api_;
};

TEST_F(MediaTypesTest, DecodesAProtobufConfigMapWithEveryMetadataKind) {
  // ObjectMeta{name=1, namespace=3 (empty: omitted), labels=11, annotations=12,
  // ownerReferences=13 {kind, name, uid, apiVersion, controller}, finalizers=14}.
  const std::string meta = Bytes(1, "pb") + Bytes(2, "") + Bytes(3, "") + VarintField(7, 0) +
                           Bytes(8, "") + Bytes(11, Bytes(1, "tier") + Bytes(2, "gpu")) +
                           Bytes(12, Bytes(1, "note") + Bytes(2, "hi")) +
                           Bytes(13, Bytes(1, "ConfigMap") + Bytes(3, "owner") + Bytes(4, "u-1") +
                                         Bytes(5, "v1") + VarintField(6, 1)) +
                           Bytes(14, "example.com/hold");
  const std::string raw = Bytes(1, meta) + Bytes(2, Bytes(1, "k") + Bytes(2, "v")) +
                          Bytes(3, Bytes(1, "bin") + Bytes(2, std::string("\x00\xff", 2))) +
                          VarintField(4, 1);
  const HttpResponse r = api_->Do("POST", "/api/v1/namespaces/default/configmaps",
                                  Envelope("v1", "ConfigMap", raw), kProtobuf);
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_THAT(r.content_type, HasSubstr("application/json"));
  const json& cm = r.body;
  EXPECT_EQ(cm["data"], json({{"k", "v"}}));
  EXPECT_EQ(cm["binaryData"]["bin"], "AP8=");
  EXPECT_EQ(cm["immutable"], true);
  EXPECT_EQ(cm["metadata"]["labels"], json({{"tier", "gpu"}}));
  EXPECT_EQ(cm["metadata"]["annotations"], json({{"note", "hi"}}));
  EXPECT_EQ(cm["metadata"]["finalizers"], json({"example.com/hold"}));
  EXPECT_EQ(cm["metadata"]["ownerReferences"][0], json({{"kind", "ConfigMap"},
                                                        {"name", "owner"},
                                                        {"uid", "u-1"},
                                                        {"apiVersion", "v1"},
                                                        {"controller", true}}));
  EXPECT_FALSE(cm["metadata"].contains("generation"));  // 0 is omitted (omitempty)
}

TEST_F(MediaTypesTest, RefusesProtobufItCannotDecode) {
  const HttpResponse pod = api_->Do("POST", "/api/v1/namespaces/default/pods",
                                    Envelope("v1", "Pod", Bytes(1, Bytes(1, "p"))), kProtobuf);
  EXPECT_EQ(pod.status, 415);
  EXPECT_TRUE(pod.IsStatusObject());
  EXPECT_THAT(pod.body.value("message", ""), HasSubstr("v1 Pod"));
  const HttpResponse unknown_field =
      api_->Do("POST", "/api/v1/namespaces/default/configmaps",
               Envelope("v1", "ConfigMap", Bytes(1, Bytes(1, "x")) + Bytes(9, "?")), kProtobuf);
  EXPECT_EQ(unknown_field.status, 415);
  EXPECT_THAT(unknown_field.body.value("message", ""), HasSubstr("field 9 of ConfigMap"));
  const HttpResponse truncated =
      api_->Do("POST", "/api/v1/namespaces/default/configmaps",
               std::string("k8s\0", 4) + Varint((1 << 3) | 2) + Varint(100), kProtobuf);
  EXPECT_EQ(truncated.status, 400);
  EXPECT_TRUE(truncated.IsStatusObject());
  const HttpResponse no_magic =
      api_->Do("POST", "/api/v1/namespaces/default/configmaps", "{}", kProtobuf);
  EXPECT_EQ(no_magic.status, 400);
  const HttpResponse patch = api_->Do("PATCH", "/api/v1/namespaces/default/configmaps/x",
                                      Envelope("v1", "ConfigMap", ""), kProtobuf);
  EXPECT_EQ(patch.status, 415);
}

TEST_F(MediaTypesTest, TablesCarryTheRequestedObjectKind) {
  const HttpResponse metadata = api_->Do("GET", "/api/v1/namespaces", "", "", kTable);
  ASSERT_EQ(metadata.status, 200) << metadata.raw;
  EXPECT_EQ(metadata.body["kind"], "Table");
  EXPECT_EQ(metadata.body["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(metadata.body["columnDefinitions"][0]["name"], "Name");
  EXPECT_EQ(metadata.body["columnDefinitions"][1]["name"], "Status");
  EXPECT_FALSE(metadata.body["metadata"].value("resourceVersion", "").empty());
  EXPECT_EQ(metadata.body["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  const HttpResponse full =
      api_->Do("GET", "/api/v1/namespaces/default?includeObject=Object", "", "", kTable);
  EXPECT_EQ(full.body["rows"][0]["object"]["kind"], "Namespace");
  EXPECT_EQ(full.body["rows"][0]["cells"][0], "default");
  const HttpResponse none =
      api_->Do("GET", "/api/v1/namespaces/default?includeObject=None", "", "", kTable);
  EXPECT_FALSE(none.body["rows"][0].contains("object"));
  EXPECT_EQ(api_->Do("GET", "/api/v1/namespaces?includeObject=All", "", "", kTable).status, 400);
  const HttpResponse beta = api_->Do("GET", "/api/v1/namespaces", "", "",
                                     "application/json;as=Table;v=v1beta1;g=meta.k8s.io");
  EXPECT_EQ(beta.body["apiVersion"], "meta.k8s.io/v1beta1");
  // A client preferring plain JSON gets the list.
  const HttpResponse plain =
      api_->Do("GET", "/api/v1/namespaces", "", "",
               "application/json,application/json;as=Table;v=v1;g=meta.k8s.io");
  EXPECT_EQ(plain.body["kind"], "NamespaceList");
}

}  // namespace
}  // namespace gpuext::emulator::testing
