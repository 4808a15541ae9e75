// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/operation.h"

#include <gtest/gtest.h>

namespace gpuext::gardener {
namespace {

using nlohmann::json;

struct Case {
  const char* name;
  json obj;
  OperationType want;
};

json WithAnnotation(const char* value) {
  return {{"metadata", {{"annotations", {{"gardener.cloud/operation", value}}}}}};
}

json WithLastOperation(const char* type, const char* state) {
  return {{"metadata", json::object()},
          {"status", {{"lastOperation", {{"type", type}, {"state", state}}}}}};
}

TEST(OperationTypeTest, FollowsGardenersOrderOfRules) {
  json deleting_and_migrate = WithAnnotation("migrate");
  deleting_and_migrate["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  json deleting_and_restore = WithAnnotation("restore");
  deleting_and_restore["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  json restore_after_failed_create = WithLastOperation("Create", "Error");
  restore_after_failed_create["metadata"]["annotations"]["gardener.cloud/operation"] = "restore";

  const std::vector<Case> cases = {
      {"no status at all", json::object(), OperationType::kCreate},
      {"migrate annotation", WithAnnotation("migrate"), OperationType::kMigrate},
      {"migrate wins over deletion", deleting_and_migrate, OperationType::kMigrate},
      {"deletion wins over restore", deleting_and_restore, OperationType::kDelete},
      {"restore annotation", WithAnnotation("restore"), OperationType::kRestore},
      {"restore wins over unfinished create", restore_after_failed_create, OperationType::kRestore},
      {"reconcile annotation without lastOperation", WithAnnotation("reconcile"),
       OperationType::kCreate},
      {"create in error continues", WithLastOperation("Create", "Error"), OperationType::kCreate},
      {"create processing continues", WithLastOperation("Create", "Processing"),
       OperationType::kCreate},
      {"create succeeded", WithLastOperation("Create", "Succeeded"), OperationType::kReconcile},
      {"migrate failed continues", WithLastOperation("Migrate", "Error"), OperationType::kMigrate},
      {"restore in error continues", WithLastOperation("Restore", "Error"),
       OperationType::kRestore},
      {"restore succeeded", WithLastOperation("Restore", "Succeeded"), OperationType::kReconcile},
      {"reconcile in error stays reconcile", WithLastOperation("Reconcile", "Error"),
       OperationType::kReconcile},
      {"delete in error without deletionTimestamp", WithLastOperation("Delete", "Error"),
       OperationType::kReconcile},
      {"unknown last type", WithLastOperation("LiveMigrate", "Error"), OperationType::kReconcile},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ComputeOperationType(c.obj), c.want) << c.name;
  }
}

TEST(OperationTypeTest, NamesRoundTrip) {
  for (const auto type : {OperationType::kCreate, OperationType::kReconcile, OperationType::kDelete,
                          OperationType::kMigrate, OperationType::kRestore}) {
    EXPECT_EQ(ParseOperationType(OperationTypeName(type)), type);
  }
  EXPECT_FALSE(ParseOperationType("LiveMigrate").has_value());
}

TEST(OperationTypeTest, MigratedOnlyAfterSuccessfulMigrate) {
  EXPECT_TRUE(IsMigrated(WithLastOperation("Migrate", "Succeeded")));
  EXPECT_FALSE(IsMigrated(WithLastOperation("Migrate", "Error")));
  EXPECT_FALSE(IsMigrated(WithLastOperation("Restore", "Succeeded")));
  EXPECT_FALSE(IsMigrated(json::object()));
}

}  // namespace
}  // namespace gpuext::gardener
