// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <thread>

#include <gtest/gtest.h>

#include "gpuext/kube/api_error.h"
#include "gpuext/kube/object.h"
#include "gpuext/kube/patch.h"
#include "gpuext/testing/fake_clock.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const json kObject = json::parse(R"({
  "metadata": {"name": "n", "namespace": "ns", "uid": "u-1", "resourceVersion": "42",
               "generation": 3, "labels": {"a": "1", "bad": 2}, "annotations": {"x": "y"},
               "finalizers": ["f1", "f2"], "deletionTimestamp": "2026-01-01T00:00:00Z",
               "ownerReferences": [{"kind": "Shoot", "name": "s"}]},
  "status": {"conditions": [{"type": "Ready", "status": "True"}]}})");

TEST(ObjectTest, ReadsMetadata) {
  EXPECT_EQ(Name(kObject), "n");
  EXPECT_EQ(Namespace(kObject), "ns");
  EXPECT_EQ(Uid(kObject), "u-1");
  EXPECT_EQ(ResourceVersion(kObject), "42");
  EXPECT_EQ(Generation(kObject), 3);
  EXPECT_EQ(Labels(kObject), (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_EQ(Annotations(kObject).at("x"), "y");
  EXPECT_EQ(Finalizers(kObject), (std::vector<std::string>{"f1", "f2"}));
  EXPECT_TRUE(HasFinalizer(kObject, "f2"));
  EXPECT_FALSE(HasFinalizer(kObject, "f3"));
  EXPECT_TRUE(IsBeingDeleted(kObject));
  EXPECT_EQ(OwnerReferences(kObject).size(), 1u);
  EXPECT_EQ(Conditions(kObject).size(), 1u);
  EXPECT_EQ((*FindCondition(kObject, "Ready"))["status"], "True");
  EXPECT_FALSE(FindCondition(kObject, "Healthy").has_value());
  EXPECT_EQ(Key(kObject), (ObjectKey{"ns", "n"}));
}

TEST(ObjectTest, AbsentOrMistypedFieldsReadAsEmpty) {
  for (const json& obj : {json(), json::object(), json{{"metadata", 5}},
                          json{{"metadata", {{"name", 1}, {"finalizers", "x"}}}}}) {
    EXPECT_EQ(Name(obj), "");
    EXPECT_EQ(Generation(obj), 0);
    EXPECT_TRUE(Labels(obj).empty());
    EXPECT_TRUE(Finalizers(obj).empty());
    EXPECT_FALSE(IsBeingDeleted(obj));
    EXPECT_TRUE(Conditions(obj).empty());
    EXPECT_TRUE(OwnerReferences(obj).empty());
  }
}

TEST(ObjectTest, WritesLabelsAnnotationsAndFinalizers) {
  json obj = json::object();
  SetLabel(obj, "a", "b");
  SetAnnotation(obj, "c", "d");
  EXPECT_TRUE(AddFinalizer(obj, "f"));
  EXPECT_FALSE(AddFinalizer(obj, "f"));
  EXPECT_EQ(obj, json::parse(R"({"metadata":{"labels":{"a":"b"},"annotations":{"c":"d"},
                                 "finalizers":["f"]}})"));
  EXPECT_TRUE(RemoveFinalizer(obj, "f"));
  EXPECT_FALSE(RemoveFinalizer(obj, "f"));
  EXPECT_TRUE(Finalizers(obj).empty());
}

TEST(CreateMergePatchTest, FollowsRfc7386) {
  struct Case {
    const char* original;
    const char* modified;
    const char* patch;
  };
  const Case cases[] = {
      {R"({"a":1})", R"({"a":1})", R"({})"},
      {R"({"a":1})", R"({"a":2})", R"({"a":2})"},
      {R"({"a":1,"b":2})", R"({"a":1})", R"({"b":null})"},
      {R"({"a":{"x":1,"y":2}})", R"({"a":{"x":1,"y":3,"z":4}})", R"({"a":{"y":3,"z":4}})"},
      {R"({"a":{"x":1}})", R"({})", R"({"a":null})"},
      {R"({"a":[1,2]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"({"a":{"x":1}})", R"({"a":"s"})", R"({"a":"s"})"},
      {R"({"a":"s"})", R"({"a":{"x":1}})", R"({"a":{"x":1}})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.modified);
    const json original = json::parse(c.original);
    const json modified = json::parse(c.modified);
    const json patch = CreateMergePatch(original, modified);
    EXPECT_EQ(patch, json::parse(c.patch));
    json applied = original;
    applied.merge_patch(patch);
    EXPECT_EQ(applied, modified);
  }
}

TEST(RetryOnConflictTest, RetriesConflictsOnlyWithBackoff) {
  gpuext::testing::FakeClock clock;
  int calls = 0;
  std::jthread advancer([&](std::stop_token stop) {
    while (!stop.stop_requested()) {
      if (clock.WaitForSleepers(1, 20ms)) {
        clock.Advance(10ms);
      }
    }
  });
  const int result = RetryOnConflict(
      [&] {
        if (++calls < 3) {
          throw ApiError(409, "Conflict", "stale");
        }
        return 7;
      },
      {}, clock);
  EXPECT_EQ(result, 7);
  EXPECT_EQ(calls, 3);

  calls = 0;
  EXPECT_THROW(RetryOnConflict(
                   [&] {
                     ++calls;
                     throw ApiError(409, "Conflict", "always");
                   },
                   {.attempts = 4}, clock),
               ApiError);
  EXPECT_EQ(calls, 4);

  calls = 0;
  EXPECT_THROW(RetryOnConflict(
                   [&] {
                     ++calls;
                     throw ApiError(409, "AlreadyExists", "exists");
                   },
                   {}, clock),
               ApiError);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace gpuext::kube
