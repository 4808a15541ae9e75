// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// StrategicMergePatch on malformed patches: kube-apiserver's exact message and HTTP status.

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/emulator/patch/strategic_merge.h"
#include "gpuext/error.h"

namespace gpuext::emulator::patch {
namespace {

using nlohmann::json;

struct ErrorCase {
  std::string name;
  std::string kind;  // a core/v1 kind
  std::string original;
  std::string patch;
  std::string message;
  int http_status = 0;
};

TEST(StrategicMergePatchErrorsTest, RefusesMalformedPatchesLikeKubeApiserver) {
  const std::vector<ErrorCase> cases = {
      {"list item without its merge key", "Pod", R"({"spec":{"containers":[{"name":"a"}]}})",
       R"({"spec":{"containers":[{"image":"nginx"}]}})",
       "map: map[image:nginx] does not contain declared merge key: name", 500},
      {"delete directive without the merge key", "Pod", R"({"spec":{"containers":[{"name":"a"}]}})",
       R"({"spec":{"containers":[{"$patch":"delete","image":"x"}]}})",
       "map: map[$patch:delete image:x] does not contain declared merge key: name", 500},
      {"$patch: merge on a map", "ConfigMap", R"({"metadata":{"labels":{"a":"1"}}})",
       R"({"metadata":{"labels":{"$patch":"merge","b":"2"}}})",
       "unknown patch type: merge in map: map[$patch:merge b:2]", 500},
      {"unknown $patch on a map", "ConfigMap", R"({"metadata":{"labels":{"a":"1"}}})",
       R"({"metadata":{"labels":{"$patch":1}}})",
       "unknown patch type: %!s(int64=1) in map: map[$patch:1]", 500},
      {"$patch: merge in a list", "Pod", R"({"spec":{"containers":[{"name":"a"}]}})",
       R"({"spec":{"containers":[{"$patch":"merge"}]}})",
       "merging lists cannot yet be specified in the patch", 500},
      {"unknown $patch in a list", "Pod", R"({"spec":{"containers":[{"name":"a"}]}})",
       R"({"spec":{"containers":[{"$patch":"bogus","name":"a"}]}})",
       "unknown patch type: bogus in map: map[$patch:bogus name:a]", 500},
      {"$retainKeys that is not a list", "Pod", R"({"spec":{"volumes":[{"name":"v"}]}})",
       R"({"spec":{"volumes":[{"name":"v","$retainKeys":"name"}]}})",
       "invalid patch format of retainKeys", 400},
      {"$retainKeys that omits a patched key", "Pod", R"({"spec":{"volumes":[{"name":"v"}]}})",
       R"({"spec":{"volumes":[{"name":"v","$retainKeys":["name"],"hostPath":{"path":"/x"}}]}})",
       "invalid patch format of retainKeys", 400},
      {"$deleteFromPrimitiveList without a field", "ConfigMap",
       R"({"metadata":{"finalizers":["a"]}})",
       R"({"metadata":{"$deleteFromPrimitiveListfinalizers":["a"]}})",
       "invalid patch format of primitive list", 400},
      {"$setElementOrder with a foreign prefix", "Pod", R"({"spec":{"containers":[{"name":"a"}]}})",
       R"({"spec":{"$setElementOrderX/containers":[{"name":"a"}]}})",
       "invalid patch format of setElementOrder list", 400},
      {"$setElementOrder that is not a list", "Pod", R"({"spec":{"containers":[{"name":"a"}]}})",
       R"({"spec":{"$setElementOrder/containers":"a"}})",
       "expected a []interface {}, but received a string", 500},
      {"$setElementOrder disagreeing with the patch list", "Pod",
       R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})",
       R"({"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b"},{"name":"a"}]}})",
       "The order in patch list:\n[map[name:b] map[name:a]]\n doesn't match $setElementOrder "
       "list:\n[map[name:a] map[name:b]]\n",
       500},
      {"list of lists", "ConfigMap", R"({"metadata":{"finalizers":[]}})",
       R"({"metadata":{"finalizers":[["a"]]}})", "lists of lists are not supported", 422},
      {"mixed element types", "ConfigMap", R"({"metadata":{"finalizers":["a"]}})",
       R"({"metadata":{"finalizers":[1.5]}})", "list element types are not identical: [[a] [1.5]]",
       500},
      {"integer and float items are different types", "ConfigMap",
       R"({"metadata":{"finalizers":[1]}})", R"({"metadata":{"finalizers":[2.0]}})",
       "list element types are not identical: [[1] [2]]", 500},
      {"patch that is an array", "Pod", R"({})", R"([{"op":"add"}])",
       "json: cannot unmarshal array into Go value of type map[string]interface {}", 400},
      {"patch that is a string", "Pod", R"({})", R"("x")",
       "json: cannot unmarshal string into Go value of type map[string]interface {}", 400},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    const PatchSchema* schema = PatchSchema::ForKind("", c.kind);
    ASSERT_NE(schema, nullptr);
    std::optional<MalformedPatch> caught;
    try {
      (void)StrategicMergePatch(json::parse(c.original), json::parse(c.patch), *schema);
    } catch (const MalformedPatch& e) {
      caught = e;
    }
    ASSERT_TRUE(caught.has_value()) << "no error";
    EXPECT_EQ(std::string(caught->what()), c.message);
    EXPECT_EQ(caught->http_status(), c.http_status);
    EXPECT_EQ(caught->code(), ErrorCode::kInvalidArgument);
  }
}

TEST(StrategicMergePatchErrorsTest, MalformedPatchIsAGpuextError) {
  try {
    (void)StrategicMergePatch(json::parse(R"({"spec":{"containers":[{"name":"a"}]}})"),
                              json::parse(R"({"spec":{"containers":[{"image":"x"}]}})"),
                              *PatchSchema::ForKind("", "Pod"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_STREQ(e.what(), "map: map[image:x] does not contain declared merge key: name");
  }
}

}  // namespace
}  // namespace gpuext::emulator::patch
