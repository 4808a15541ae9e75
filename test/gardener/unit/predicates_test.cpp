// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/predicates.h"

#include <gtest/gtest.h>

namespace gpuext::gardener {
namespace {

using nlohmann::json;

json Extension(const char* state = nullptr) {
  json obj = {{"metadata", {{"name", "nvidia-gpu"}, {"generation", 1}}},
              {"spec", {{"type", "nvidia-gpu"}}}};
  if (state != nullptr) {
    obj["status"]["lastOperation"] = {{"type", "Reconcile"}, {"state", state}};
  }
  return obj;
}

TEST(PredicatesTest, TypeAndClassFilter) {
  json obj = Extension();
  EXPECT_TRUE(HasTypeAndShootClass(obj, "nvidia-gpu"));
  EXPECT_FALSE(HasTypeAndShootClass(obj, "registry-cache"));
  obj["spec"]["class"] = "shoot";
  EXPECT_TRUE(HasTypeAndShootClass(obj, "nvidia-gpu"));
  obj["spec"]["class"] = "seed";
  EXPECT_FALSE(HasTypeAndShootClass(obj, "nvidia-gpu"));
  EXPECT_FALSE(HasTypeAndShootClass(json::object(), "nvidia-gpu"));
}

TEST(PredicatesTest, CreateAdmitsUnfinishedOrAnnotatedObjects) {
  EXPECT_TRUE(AdmitCreate(Extension()));              // never reconciled
  EXPECT_TRUE(AdmitCreate(Extension("Error")));       // retried after a restart
  EXPECT_FALSE(AdmitCreate(Extension("Succeeded")));  // nothing to do
  for (const char* op : {"reconcile", "restore", "migrate"}) {
    json obj = Extension("Succeeded");
    obj["metadata"]["annotations"]["gardener.cloud/operation"] = op;
    EXPECT_TRUE(AdmitCreate(obj)) << op;
  }
  json waiting = Extension("Succeeded");
  waiting["metadata"]["annotations"]["gardener.cloud/operation"] = "wait-for-state";
  EXPECT_FALSE(AdmitCreate(waiting));
  json deleting = Extension("Succeeded");
  deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_TRUE(AdmitCreate(deleting));
}

TEST(PredicatesTest, UpdateIgnoresOwnStatusWrites) {
  const json old_obj = Extension("Processing");
  const json status_write = Extension("Succeeded");
  EXPECT_FALSE(AdmitUpdate(old_obj, status_write));

  json annotated = status_write;
  annotated["metadata"]["annotations"]["gardener.cloud/operation"] = "reconcile";
  EXPECT_TRUE(AdmitUpdate(status_write, annotated));

  json deleting = status_write;
  deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_TRUE(AdmitUpdate(status_write, deleting));  // deletion, status unchanged
  json deleting_with_status = deleting;
  deleting_with_status["status"]["lastOperation"]["state"] = "Processing";
  EXPECT_FALSE(AdmitUpdate(deleting, deleting_with_status));  // our own status write
}

TEST(PredicatesTest, GenerationChangedMode) {
  const json old_obj = Extension("Succeeded");
  json same = old_obj;
  same["status"]["lastOperation"]["state"] = "Processing";
  EXPECT_FALSE(GenerationChanged(old_obj, same));
  json bumped = old_obj;
  bumped["metadata"]["generation"] = 2;
  EXPECT_TRUE(GenerationChanged(old_obj, bumped));
  json deleting = old_obj;
  deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_TRUE(GenerationChanged(old_obj, deleting));
}

}  // namespace
}  // namespace gpuext::gardener
